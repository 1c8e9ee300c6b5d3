import LRSchedSupport
import LRSchedJSON

/// torch's `StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1)`: multiplies the lr
/// by `gamma` every `step_size` epochs.
///
/// Chainable: at epoch `e > 0` with `e % step_size == 0` (Python's floored modulo),
/// `lr = lr * gamma`; otherwise unchanged. Closed form `base_lr * gamma ** (e // step_size)`.
/// `step_size` is not validated, as in torch: `0` fails at the first step with
/// ZeroDivisionError ("integer modulo by zero"); negative values follow Python's modulo.
///
/// | epoch | 0 | 1 | 2 | 3 | 4 | … | 8 |
/// |---|---|---|---|---|---|---|---|
/// | lr (0.1, step_size 4, γ 0.9) | 0.1 | 0.1 | 0.1 | 0.1 | 0.09 | … | 0.081 |
public final class StepLR: LRScheduler {
    @exclusivity(unchecked) public package(set) var stepSize: Int
    @exclusivity(unchecked) public package(set) var gamma: Double
    override public var typeName: String { "StepLR" }

    public init(_ optimizer: OptimizerState, stepSize: Int, gamma: Double = 0.1, lastEpoch: Int = -1) throws(LRSchedError) {
        let snapshot = optimizer.groups
        try requireFinite("gamma", gamma)
        self.stepSize = stepSize
        self.gamma = gamma
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch)
        try initialStep(restoring: snapshot)
    }

    package init(copying other: StepLR, optimizer: OptimizerState) {
        self.stepSize = other.stepSize
        self.gamma = other.gamma
        super.init(copying: other, optimizer: optimizer)
    }

    override public func copy(with optimizer: OptimizerState) -> LRScheduler {
        StepLR(copying: self, optimizer: optimizer)
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = lastEpoch
        var decay = false
        if e != 0 { decay = try Py.mod(e, stepSize) == 0 }
        for i in 0..<baseLRs.count {
            let lr = optimizer.lr(i)
            newLRs[i] = decay ? lr * gamma : lr
        }
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        let k = try Py.floorDiv(lastEpoch, stepSize)
        let factor = Py.pow(gamma, Double(k))
        for i in 0..<baseLRs.count { newLRs[i] = baseLRs[i] * factor }
        return true
    }

    // MARK: State

    package override func saveState(into o: inout JSONObject) {
        o["step_size"] = .int(stepSize)
        o["gamma"] = .float(gamma)
        saveBaseState(into: &o)
    }

    package override func loadState(_ r: inout StateReader) throws(LRSchedError) {
        let stepSize = try r.int("step_size", self.stepSize)
        let gamma = try r.finite("gamma", self.gamma)
        let base = try BaseSchedulerState(self, &r)
        try r.finish()
        (self.stepSize, self.gamma) = (stepSize, gamma)
        base.apply(to: self)
    }
}
