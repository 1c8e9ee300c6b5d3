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
public final class ChainedScheduler: CompositeScheduler {
    override public class var descriptor: SchedulerDescriptor { chainedScheduler }

    /// - Parameter optimizer: nil means the first scheduler's optimizer.
    public convenience init(_ schedulers: [LRScheduler], optimizer: OptimizerState? = nil) throws(LRSchedError) {
        guard let first = schedulers.first else {
            throw .value("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.")
        }
        let opt = optimizer ?? first.optimizer
        try Self.checkChildren(schedulers, "ChainedScheduler", optimizer: opt)
        self.init(schedulers: schedulers, optimizer: opt, lastEpoch: 0)
    }

    override public func step() throws(LRSchedError) {
        for s in schedulers { try s.step() }
        recordLastLR()
    }

    override public func step(epoch: Int) throws(LRSchedError) {
        throw .type("ChainedScheduler.step() takes 1 positional argument but 2 were given")
    }

}

private let chainedScheduler = SchedulerDescriptor(
    "ChainedScheduler", summary: "steps every scheduler at each step, in order",
    parameters: [.init("schedulers", .schedulers, doc: #"built first, in order, on the same optimizer; empty: `ValueError: ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.`; a ReduceLROnPlateau child: ValueError as SequentialLR's, with "ChainedScheduler""#)],
    flags: [.composite, .noEpoch],
    state: [StateField.lastLR, .children(\ChainedScheduler.schedulers)],  // torch's order
    build: { (a, c) throws(LRSchedError) in
        try ChainedScheduler(SchedulerSpec.children(a, c), optimizer: c.optimizer)
    })
