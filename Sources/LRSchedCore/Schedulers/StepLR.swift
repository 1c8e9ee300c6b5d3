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
    @exclusivity(unchecked) public package(set) var stepSize: Int = 0
    @exclusivity(unchecked) public package(set) var gamma: Double = 0.1
    override public class var descriptor: SchedulerDescriptor { stepLR }

    public convenience init(_ optimizer: OptimizerState, stepSize: Int, gamma: Double = 0.1, lastEpoch: Int = -1) throws(LRSchedError) {
        try requireFinite("gamma", gamma)
        try self.init(optimizer: optimizer, lastEpoch: lastEpoch)
        (self.stepSize, self.gamma) = (stepSize, gamma)
        try constructionStep()
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = lastEpoch
        var decay = false
        if e != 0 { decay = try Py.mod(e, stepSize) == 0 }
        setLRs(currentTimes: decay ? gamma : 1)
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        let k = try Py.floorDiv(lastEpoch, stepSize)
        let factor = try Py.floatPow(gamma, Double(k))
        setLRs(baseTimes: factor)
        return true
    }
}

private let stepLR = SchedulerDescriptor(
    "StepLR", summary: "multiplies the lr by gamma every step_size epochs",
    parameters: [
        .init("step_size", .int, doc: "not validated (as torch): `0` fails at the first step with `ZeroDivisionError: integer modulo by zero`; negative values follow Python's floored modulo"),
        .init("gamma", .float, default: .float(0.1)),
        .lastEpoch,
    ],
    state: [.int("step_size", \StepLR.stepSize), .finite("gamma", \StepLR.gamma)] + StateField.base,
    build: { (a, c) throws(LRSchedError) in
        try StepLR(c.optimizer, stepSize: a.int("step_size"), gamma: a.double("gamma"), lastEpoch: a.int("last_epoch"))
    })
