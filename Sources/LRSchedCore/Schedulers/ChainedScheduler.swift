import LRSchedSupport
import LRSchedJSON

/// torch's `ChainedScheduler(schedulers, optimizer=None)`: steps every scheduler in
/// order at each `step()`, so their effects compose on the shared optimizer.
///
/// Construction steps nothing. Meaningful for chainable children (each multiplies the
/// lr the previous one left); an absolute child (LambdaLR, CyclicLR, OneCycleLR,
/// CosineAnnealingWarmRestarts) overwrites what earlier ones did, as in torch.
/// ReduceLROnPlateau cannot be a child. If a child fails, the children before it have
/// already stepped (as in torch); the failing child itself changes nothing.
public final class ChainedScheduler: LRScheduler {
    public let schedulers: [LRScheduler]
    override public class var descriptor: SchedulerDescriptor { chainedScheduler }

    /// - Parameter optimizer: nil means the first scheduler's optimizer.
    public init(_ schedulers: [LRScheduler], optimizer: OptimizerState? = nil) throws(LRSchedError) {
        guard let first = schedulers.first else {
            throw .value("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.")
        }
        let opt = optimizer ?? first.optimizer
        for (i, s) in schedulers.enumerated() {
            if s.flags.contains(.metric) {
                throw .value("ChainedScheduler does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be specified when calling `step`, but got one at index \(i) in the given schedulers sequence.")
            }
            if s.optimizer !== opt {
                throw .value("ChainedScheduler expects all schedulers to belong to the same optimizer, but got scheduler \(s.typeName) at index \(i) has a different optimizer.")
            }
        }
        self.schedulers = schedulers
        super.init(withoutBaseState: opt, lastEpoch: 0)
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        schedulers = ((other as? Self)?.schedulers ?? []).map { $0.copy(with: optimizer) }
        super.init(copying: other, optimizer: optimizer)
    }

    override public func step() throws(LRSchedError) {
        for s in schedulers { try s.step() }
        recordLastLR()
    }

    override public func step(epoch: Int) throws(LRSchedError) {
        throw .type("ChainedScheduler.step() takes 1 positional argument but 2 were given")
    }

    package override func undoConstructionStep() {
        for s in schedulers { s.undoConstructionStep() }
    }

    package override func redoConstructionStep() {
        for s in schedulers { s.redoConstructionStep() }
    }

    /// As a non-first child of SequentialLR: torch's base `get_lr()` raises.
    package override func updateLR(epoch: Int?) throws(LRSchedError) {
        throw .notImplemented("ChainedScheduler has no get_lr(); it cannot be restarted at a milestone of SequentialLR")
    }
}

private let chainedScheduler = SchedulerDescriptor(
    "ChainedScheduler", summary: "steps every scheduler at each step, in order",
    parameters: [.init("schedulers", .schedulers, doc: #"built first, in order, on the same optimizer; empty: `ValueError: ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.`; a ReduceLROnPlateau child: ValueError as SequentialLR's, with "ChainedScheduler""#)],
    flags: [.composite, .noEpoch],
    state: [.children(\ChainedScheduler.schedulers), StateField.lastLR],
    build: { (a, c) throws(LRSchedError) in
        try ChainedScheduler(SchedulerSpec.children(a, c), optimizer: c.optimizer)
    })
