import LRSchedSupport
import LRSchedJSON

/// The base of the schedulers that hold children on one optimizer (SequentialLR,
/// ChainedScheduler): the children, their checks, copies and construction undo.
/// torch builds these without `LRScheduler.__init__`: no `initial_lr`, no base lrs.
public class CompositeScheduler: LRScheduler {
    /// The child schedulers, in order.
    public let schedulers: [LRScheduler]

    package init(schedulers: [LRScheduler], optimizer: OptimizerState, lastEpoch: Int) {
        self.schedulers = schedulers
        super.init(withoutBaseState: optimizer, lastEpoch: lastEpoch)
    }

    /// torch's checks of the children, naming `owner`: none steps on a metric, all act
    /// on `optimizer`.
    package static func checkChildren(_ schedulers: [LRScheduler], _ owner: String,
                                      optimizer: OptimizerState) throws(LRSchedError) {
        for (i, s) in schedulers.enumerated() {
            if s.flags.contains(.metric) {
                throw .value("\(owner) does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be specified when calling `step`, but got one at index \(i) in the given schedulers sequence.")
            }
            if s.optimizer !== optimizer {
                throw .value("\(owner) expects all schedulers to belong to the same optimizer, but got scheduler \(s.typeName) at index \(i) has a different optimizer.")
            }
        }
    }

    /// A copy with copies of the children, all on `optimizer`.
    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        schedulers = ((other as? CompositeScheduler)?.schedulers ?? []).map { $0.copy(with: optimizer) }
        super.init(copying: other, optimizer: optimizer)
    }

    package override func undoConstructionStep() {
        for s in schedulers { s.undoConstructionStep() }
    }

    package override func redoConstructionStep() {
        for s in schedulers { s.redoConstructionStep() }
    }

    /// A composite restarted at a milestone of an enclosing SequentialLR: torch falls
    /// back to the base `get_lr()`, which raises NotImplementedError.
    package override func updateLR(epoch: Int?) throws(LRSchedError) {
        throw .notImplemented("\(typeName) has no get_lr(); it cannot be restarted at a milestone of an enclosing SequentialLR")
    }
}
