import LRSchedSupport
import LRSchedJSON

/// torch's `ExponentialLR(optimizer, gamma, last_epoch=-1)`: multiplies the lr by
/// `gamma` every epoch.
///
/// Chainable: `lr = lr * gamma` (construction leaves it unchanged). Closed form
/// `base_lr * gamma ** e`. The two agree only to the last bit or so; torch steps the
/// chainable form, and so does lrsched.
///
/// | epoch | 0 | 1 | 2 | 3 |
/// |---|---|---|---|---|
/// | lr (0.1, γ 0.9) | 0.1 | 0.09000000000000001 | 0.08100000000000002 | 0.07290000000000002 |
public final class ExponentialLR: LRScheduler {
    @exclusivity(unchecked) public package(set) var gamma: Double = 0
    override public class var descriptor: SchedulerDescriptor { exponentialLR }

    public convenience init(_ optimizer: OptimizerState, gamma: Double, lastEpoch: Int = -1) throws(LRSchedError) {
        try requireFinite("gamma", gamma)
        try self.init(optimizer: optimizer, lastEpoch: lastEpoch)
        self.gamma = gamma
        try constructionStep()
    }

    package override func computeLRs() throws(LRSchedError) {
        setLRs(currentTimes: isInitial ? 1 : gamma)
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        let factor = try Py.floatPow(gamma, Double(lastEpoch))
        setLRs(baseTimes: factor)
        return true
    }
}

private let exponentialLR = SchedulerDescriptor(
    "ExponentialLR", summary: "multiplies the lr by gamma every epoch",
    parameters: [.init("gamma", .float), .lastEpoch],
    state: [.finite("gamma", \ExponentialLR.gamma)] + StateField.base,
    build: { (a, c) throws(LRSchedError) in
        try ExponentialLR(c.optimizer, gamma: a.double("gamma"), lastEpoch: a.int("last_epoch"))
    })
