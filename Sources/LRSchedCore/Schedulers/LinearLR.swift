import LRSchedSupport
import LRSchedJSON

/// torch's `LinearLR(optimizer, start_factor=1.0/3, end_factor=1.0, total_iters=5,
/// last_epoch=-1)`: the multiplicative factor moves linearly from `start_factor` to
/// `end_factor` over `total_iters` epochs.
///
/// Chainable, torch's operation order: at epoch 0 `lr * start`; for `0 < e <= total_iters`
/// `lr * (1.0 + (end - start) / (total_iters * start + (e - 1) * (end - start)))`; after
/// that unchanged. `total_iters = 0` keeps `start_factor` forever (torch #193682).
///
/// | epoch | 0 | 1 | 2 | 3 | 4 | 5 |
/// |---|---|---|---|---|---|---|
/// | lr (0.1, start 0.5, total_iters 4) | 0.05 | 0.0625 | 0.075 | 0.0875 | 0.1 | 0.1 |
public final class LinearLR: LRScheduler {
    @exclusivity(unchecked) public package(set) var startFactor: Double = 0
    @exclusivity(unchecked) public package(set) var endFactor: Double = 0
    @exclusivity(unchecked) public package(set) var totalIters: Int = 0
    override public class var descriptor: SchedulerDescriptor { linearLR }

    /// - Throws: ValueError unless `0 < start_factor <= 1` and `0 <= end_factor <= 1`
    ///   (torch's messages).
    public convenience init(_ optimizer: OptimizerState, startFactor: Double = 1.0 / 3, endFactor: Double = 1.0,
                            totalIters: Int = 5, lastEpoch: Int = -1) throws(LRSchedError) {
        if startFactor > 1.0 || startFactor <= 0 || startFactor.isNaN {
            throw .value("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        }
        if endFactor > 1.0 || endFactor < 0 || endFactor.isNaN {
            throw .value("Ending multiplicative factor expected to be between 0 and 1.")
        }
        try self.init(optimizer: optimizer, lastEpoch: lastEpoch)
        (self.startFactor, self.endFactor, self.totalIters) = (startFactor, endFactor, totalIters)
        try constructionStep()
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = lastEpoch
        if e == 0 {
            setLRs(currentTimes: startFactor)
            return
        }
        if isInitial || e > totalIters {
            setLRs(currentTimes: 1)
            return
        }
        let d = endFactor - startFactor
        let den = Double(totalIters) * startFactor + Double(e - 1) * d
        let q = try Py.div(d, den)
        let factor = 1.0 + q
        setLRs(currentTimes: factor)
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        // base_lr * (start + (end - start) * min(total_iters, e) / total_iters)
        let d = endFactor - startFactor
        let frac = try Py.div(d * Double(min(totalIters, lastEpoch)), Double(totalIters))
        setLRs(baseTimes: startFactor + frac)
        return true
    }
}

private let linearLR = SchedulerDescriptor(
    "LinearLR", summary: "moves the lr factor linearly from start_factor to end_factor over total_iters epochs",
    parameters: [
        .init("start_factor", .float, default: .float(1.0 / 3), docDefault: "1.0/3",
              schema: JSONObject([("exclusiveMinimum", .int(0)), ("maximum", .int(1))]),
              doc: "0 < start_factor ≤ 1: else `ValueError: Starting multiplicative factor expected to be greater than 0 and less or equal to 1.`"),
        .init("end_factor", .float, default: .float(1.0), schema: JSONObject([("minimum", .int(0)), ("maximum", .int(1))]),
              doc: "0 ≤ end_factor ≤ 1: else `ValueError: Ending multiplicative factor expected to be between 0 and 1.`"),
        .init("total_iters", .int, default: .int(5), doc: "`0` keeps `start_factor` forever (torch)"),
        .lastEpoch,
    ],
    state: [.finite("start_factor", \LinearLR.startFactor), .finite("end_factor", \LinearLR.endFactor),
            .int("total_iters", \LinearLR.totalIters)] + StateField.base,
    build: { (a, c) throws(LRSchedError) in
        try LinearLR(c.optimizer, startFactor: a.double("start_factor"), endFactor: a.double("end_factor"),
                     totalIters: a.int("total_iters"), lastEpoch: a.int("last_epoch"))
    })
