import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// One epoch of a `Trainer.fit` history, as the conformance vectors record it.
public struct EpochRecord: Equatable, Sendable {
    /// 1-based.
    public var epoch: Int
    /// Group 0's lr during the epoch's first batch.
    public var lrStart: Double
    /// MSE over the whole dataset after the epoch, before the epoch's scheduler step.
    public var loss: Double
    /// Group 0's lr after the epoch, schedulers stepped.
    public var lrAfter: Double

    public init(epoch: Int, lrStart: Double, loss: Double, lrAfter: Double) {
        self.epoch = epoch
        self.lrStart = lrStart
        self.loss = loss
        self.lrAfter = lrAfter
    }
}
