import LRSchedSupport
import LRSchedJSON

/// torch's `SequentialLR(optimizer, schedulers, milestones, last_epoch=-1)`: runs the
/// schedulers one after another, switching at each milestone.
///
/// Construction (torch's order and quirks): every group's lr is reset to its
/// `initial_lr`; every leaf scheduler's `last_epoch` is decremented (undoing the
/// construction steps the children already took); the child active at epoch 0 takes
/// its construction step again. On `step()`, the active child steps; at a milestone
/// the new child restarts at epoch 0 through its closed form where it has one (so
/// Exponential/Step/Cosine/Linear/... restart from their base lrs, while
/// MultiplicativeLR continues from the current lr).
///
/// Restrictions, as torch: ReduceLROnPlateau cannot be a child; every child must act
/// on `optimizer`; `milestones.count == schedulers.count - 1` (not checked for order).
/// A ChainedScheduler as a non-first child fails with NotImplementedError at its
/// milestone. `last_epoch` does not fast-forward the children (torch #162591).
public final class SequentialLR: CompositeScheduler {
    @exclusivity(unchecked) public package(set) var milestones: [Int] = []
    override public class var descriptor: SchedulerDescriptor { sequentialLR }

    public convenience init(_ optimizer: OptimizerState, schedulers: [LRScheduler], milestones: [Int], lastEpoch: Int = -1) throws(LRSchedError) {
        if schedulers.isEmpty {
            throw .value("SequentialLR expects at least one scheduler, but got no scheduler.")
        }
        guard lastEpoch >= -1 else {
            throw .value("last_epoch must be -1 (a fresh start) or a non-negative epoch, got \(lastEpoch)")
        }
        try Self.checkChildren(schedulers, "SequentialLR", optimizer: optimizer)
        if milestones.count != schedulers.count - 1 {
            throw .value("Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers \(schedulers.count) and the number of milestones to be equal to \(milestones.count)")
        }
        for (i, g) in optimizer.groups.enumerated() where g.initialLR == nil {
            _ = i
            throw .key("'initial_lr'")
        }
        let snapshot = optimizer.groups
        self.init(schedulers: schedulers, optimizer: optimizer, lastEpoch: try Py.add(lastEpoch, 1))
        self.milestones = milestones
        for i in optimizer.groups.indices {
            optimizer.groups[i].lr = optimizer.groups[i].initialLR ?? optimizer.groups[i].lr
        }
        undoConstructionStep()
        let idx = Self.bisectRight(milestones, 0)
        do throws(LRSchedError) {
            try schedulers[idx].initialStep()
        } catch {
            optimizer.groups = snapshot
            redoConstructionStep()
            throw error
        }
        lastLRStorage = schedulers[idx].lastLRs
    }

    package override func checkLoadedState() throws(LRSchedError) {
        if milestones.count != schedulers.count - 1 {
            throw .value("SequentialLR state: '_milestones' must have \(schedulers.count - 1) entries, got \(milestones.count)")
        }
    }

    /// `bisect_right(a, x)` on the list as given (torch does not sort it).
    package static func bisectRight(_ a: [Int], _ x: Int) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if x < a[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    override public func step() throws(LRSchedError) {
        let epoch = try Py.add(lastEpoch, 1)
        let idx = Self.bisectRight(milestones, epoch)
        let s = schedulers[idx]
        if idx > 0 && milestones[idx - 1] == epoch {
            try s.updateLR(epoch: 0)
        } else {
            try s.step()
        }
        lastEpoch = epoch
        recordLastLR(from: s)
    }

    override public func step(epoch: Int) throws(LRSchedError) {
        throw .type("SequentialLR.step() takes 1 positional argument but 2 were given")
    }

    package func recordLastLR(from s: LRScheduler) {
        let src = s.lastLRStorage
        if lastLRStorage.count != src.count { lastLRStorage = src; return }
        for i in 0..<src.count { lastLRStorage[i] = src[i] }
    }
}

private let sequentialLR = SchedulerDescriptor(
    "SequentialLR", summary: "runs the schedulers one after another, switching at the milestones",
    parameters: [
        .init("schedulers", .schedulers, doc: "built first, in order, on the same optimizer (see [Composition](#composition)); not a list: `TypeError: SequentialLR: 'schedulers' must be a list of scheduler specs, got dict`; empty: `ValueError: SequentialLR expects at least one scheduler, but got no scheduler.`; a ReduceLROnPlateau child: `` ValueError: SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be specified when calling `step`, but got one at index 0 in the given schedulers sequence. ``"),
        .init("milestones", .list(.int), doc: "exactly `len(schedulers) - 1` entries **(not in the schema)**: else `ValueError: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 2`. Not checked for order (as torch)"),
        .init("last_epoch", .int, default: .int(-1), doc: "does not fast-forward the children (torch #162591)"),
    ],
    flags: [.composite, .noEpoch],
    state: [.ints("_milestones", \SequentialLR.milestones), StateField.lastEpoch, StateField.lastLR,
            .children(\SequentialLR.schedulers)],  // torch's order: _schedulers last
    build: { (a, c) throws(LRSchedError) in
        try SequentialLR(c.optimizer, schedulers: SchedulerSpec.children(a, c), milestones: a.ints("milestones"),
                         lastEpoch: a.int("last_epoch"))
    })
