import LRSchedSupport
import LRSchedJSON

/// torch's `ConstantLR(optimizer, factor=1.0/3, total_iters=5, last_epoch=-1)`: the lr
/// is multiplied by `factor` until epoch `total_iters`, then restored.
///
/// Chainable: at epoch 0 `lr * factor`; at `total_iters` `lr * (1.0 / factor)`;
/// otherwise unchanged. `factor = 0` is accepted (as torch) and fails with
/// ZeroDivisionError when `total_iters` is reached. `total_iters = 0` applies the factor
/// at construction and never undoes it (torch's behaviour).
///
/// | epoch | 0 | 1 | 2 | 3 | 4 | 5 |
/// |---|---|---|---|---|---|---|
/// | lr (0.1, factor 0.5, total_iters 4) | 0.05 | 0.05 | 0.05 | 0.05 | 0.1 | 0.1 |
public final class ConstantLR: LRScheduler {
    @exclusivity(unchecked) public package(set) var factor: Double = 0
    @exclusivity(unchecked) public package(set) var totalIters: Int = 0
    override public class var descriptor: SchedulerDescriptor { constantLR }

    /// - Throws: ValueError("Constant multiplicative factor expected to be between 0 and 1.")
    ///   unless `0 <= factor <= 1`.
    public convenience init(_ optimizer: OptimizerState, factor: Double = 1.0 / 3, totalIters: Int = 5, lastEpoch: Int = -1) throws(LRSchedError) {
        if factor > 1.0 || factor < 0 || factor.isNaN {
            throw .value("Constant multiplicative factor expected to be between 0 and 1.")
        }
        try self.init(optimizer: optimizer, lastEpoch: lastEpoch)
        (self.factor, self.totalIters) = (factor, totalIters)
        try constructionStep()
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = lastEpoch
        if e == 0 {
            setLRs(currentTimes: factor)
        } else if e != totalIters {
            setLRs(currentTimes: 1)
        } else {
            setLRs(currentTimes: try Py.div(1.0, factor))
        }
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        // base_lr * (factor + (e >= total_iters) * (1 - factor))
        let m = (lastEpoch >= totalIters ? 1.0 : 0.0) * (1 - factor)
        setLRs(baseTimes: factor + m)
        return true
    }
}

private let constantLR = SchedulerDescriptor(
    "ConstantLR", summary: "multiplies the lr by a constant factor until total_iters epochs",
    parameters: [
        .init("factor", .float, default: .float(1.0 / 3), docDefault: "1.0/3",
              schema: JSONObject([("minimum", .int(0)), ("maximum", .int(1))]),
              doc: "0 ≤ factor ≤ 1: else `ValueError: Constant multiplicative factor expected to be between 0 and 1.` `0` is accepted and fails with `ZeroDivisionError: float division by zero` at the step reaching `total_iters`"),
        .init("total_iters", .int, default: .int(5), doc: "`0` applies the factor at construction and never undoes it (torch)"),
        .lastEpoch,
    ],
    state: [.finite("factor", \ConstantLR.factor), .int("total_iters", \ConstantLR.totalIters)] + StateField.base,
    build: { (a, c) throws(LRSchedError) in
        try ConstantLR(c.optimizer, factor: a.double("factor"), totalIters: a.int("total_iters"),
                       lastEpoch: a.int("last_epoch"))
    })
