import LRSchedSupport
import LRSchedJSON

/// torch's `CosineAnnealingLR(optimizer, T_max, eta_min=0.0, last_epoch=-1)`: anneals
/// the lr along a cosine from its base value to `eta_min` over `T_max` epochs.
///
/// Chainable, torch's recursive form and branch order:
/// - at `e` right after a minimum (`(e - 1 - T_max) % (2 * T_max) == 0`):
///   `lr + (base - eta_min) * (1 - cos(pi / T_max)) / 2`;
/// - otherwise `(1 + cos(pi * e / T_max)) / (1 + cos(pi * (e - 1) / T_max)) * (lr - eta_min) + eta_min`.
///
/// Past `T_max` it keeps following the cosine back up (no clamping). `T_max = 0` fails
/// at the first step with ZeroDivisionError, as torch. Closed form
/// `eta_min + (base - eta_min) * (1 + cos(pi * e / T_max)) / 2`; it differs from the
/// recursive form in the last bits.
///
/// | epoch | 0 | 1 | 2 | … | 10 |
/// |---|---|---|---|---|---|
/// | lr (0.1, T_max 10) | 0.1 | 0.09755282581475769 | 0.09045084971874738 | … | ≈0 |
public final class CosineAnnealingLR: LRScheduler {
    @exclusivity(unchecked) public package(set) var tMax: Int
    @exclusivity(unchecked) public package(set) var etaMin: Double
    override public var typeName: String { "CosineAnnealingLR" }

    public init(_ optimizer: OptimizerState, tMax: Int, etaMin: Double = 0.0, lastEpoch: Int = -1) throws(LRSchedError) {
        let snapshot = optimizer.groups
        try requireFinite("eta_min", etaMin)
        self.tMax = tMax
        self.etaMin = etaMin
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch)
        try initialStep(restoring: snapshot)
    }

    package init(copying other: CosineAnnealingLR, optimizer: OptimizerState) {
        self.tMax = other.tMax
        self.etaMin = other.etaMin
        super.init(copying: other, optimizer: optimizer)
    }

    override public func copy(with optimizer: OptimizerState) -> LRScheduler {
        CosineAnnealingLR(copying: self, optimizer: optimizer)
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = lastEpoch
        let n = baseLRs.count
        let t = Double(tMax)
        if isInitial {
            for i in 0..<n { newLRs[i] = optimizer.lr(i) }
        } else if stepCount == 1 && e > 0 {
            // Legacy resume path (unreachable through the public API in torch 2.15).
            let c = Py.cos(try Py.div(Double(e) * Double.pi, t))
            for i in 0..<n { newLRs[i] = etaMin + (baseLRs[i] - etaMin) * (1 + c) / 2 }
        } else if try Py.mod(try Py.sub(try Py.sub(e, 1), tMax), try Py.mul(2, tMax)) == 0 {
            let c = Py.cos(try Py.div(Double.pi, t))
            for i in 0..<n {
                newLRs[i] = optimizer.lr(i) + (baseLRs[i] - etaMin) * (1 - c) / 2
            }
        } else {
            let num = 1 + Py.cos(try Py.div(Double.pi * Double(e), t))
            let den = 1 + Py.cos(try Py.div(Double.pi * Double(e - 1), t))
            let ratio = try Py.div(num, den)
            for i in 0..<n {
                newLRs[i] = ratio * (optimizer.lr(i) - etaMin) + etaMin
            }
        }
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        let c = Py.cos(try Py.div(Double.pi * Double(lastEpoch), Double(tMax)))
        for i in 0..<baseLRs.count { newLRs[i] = etaMin + (baseLRs[i] - etaMin) * (1 + c) / 2 }
        return true
    }

    // MARK: State

    package override func saveState(into o: inout JSONObject) {
        o["T_max"] = .int(tMax)
        o["eta_min"] = .float(etaMin)
        saveBaseState(into: &o)
    }

    package override func loadState(_ r: inout StateReader) throws(LRSchedError) {
        let tMax = try r.int("T_max", self.tMax)
        let etaMin = try r.finite("eta_min", self.etaMin)
        let base = try BaseSchedulerState(self, &r)
        try r.finish()
        (self.tMax, self.etaMin) = (tMax, etaMin)
        base.apply(to: self)
    }
}
