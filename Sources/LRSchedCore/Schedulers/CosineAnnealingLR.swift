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
    @exclusivity(unchecked) public package(set) var tMax: Int = 0
    @exclusivity(unchecked) public package(set) var etaMin: Double = 0
    override public class var descriptor: SchedulerDescriptor { cosineAnnealingLR }

    public convenience init(_ optimizer: OptimizerState, tMax: Int, etaMin: Double = 0.0, lastEpoch: Int = -1) throws(LRSchedError) {
        try requireFinite("eta_min", etaMin)
        try self.init(optimizer: optimizer, lastEpoch: lastEpoch)
        (self.tMax, self.etaMin) = (tMax, etaMin)
        try constructionStep()
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = lastEpoch
        let n = baseLRs.count
        let t = Double(tMax)
        if isInitial {
            setLRs(currentTimes: 1)
        } else if stepCount == 1 && e > 0 {
            // Legacy resume path (unreachable through the public API in torch 2.15).
            let c = Py.cos(try Py.div(Double(e) * Double.pi, t))
            for i in 0..<n { newLRs[i] = etaMin + (baseLRs[i] - etaMin) * (1 + c) / 2 }
            lrsPerBaseLR = true
        } else if try Py.mod(try Py.sub(try Py.sub(e, 1), tMax), try Py.mul(2, tMax)) == 0 {
            let c = Py.cos(try Py.div(Double.pi, t))
            for i in 0..<n {
                newLRs[i] = optimizer.lr(i) + (baseLRs[i] - etaMin) * (1 - c) / 2
            }
            lrsPerBaseLR = true  // torch zips base_lrs with the groups here
        } else {
            let num = 1 + Py.cos(try Py.div(Double.pi * Double(e), t))
            let den = 1 + Py.cos(try Py.div(Double.pi * Double(e - 1), t))
            let ratio = try Py.div(num, den)
            for i in 0..<optimizer.groups.count {
                newLRs[i] = ratio * (optimizer.lr(i) - etaMin) + etaMin
            }
        }
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        let c = Py.cos(try Py.div(Double.pi * Double(lastEpoch), Double(tMax)))
        for i in 0..<baseLRs.count { newLRs[i] = etaMin + (baseLRs[i] - etaMin) * (1 + c) / 2 }
        lrsPerBaseLR = true
        return true
    }
}

private let cosineAnnealingLR = SchedulerDescriptor(
    "CosineAnnealingLR", summary: "anneals the lr from the base lr to eta_min along a cosine over T_max epochs",
    parameters: [
        .init("T_max", .int, doc: "not validated: `0` fails at the first step with `ZeroDivisionError: integer modulo by zero` (torch)"),
        .init("eta_min", .float, default: .float(0.0)),
        .lastEpoch,
    ],
    state: [.int("T_max", \CosineAnnealingLR.tMax), .finite("eta_min", \CosineAnnealingLR.etaMin)] + StateField.base,
    build: { (a, c) throws(LRSchedError) in
        try CosineAnnealingLR(c.optimizer, tMax: a.int("T_max"), etaMin: a.double("eta_min"),
                              lastEpoch: a.int("last_epoch"))
    })
