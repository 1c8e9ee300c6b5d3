import LRSchedSupport

/// The parts of torch's `LRScheduler` that torch's own composites and frameworks touch
/// from outside the class: `last_epoch` assignment, `_step_count`, `_initial_step()`,
/// `_update_lr(epoch)` and `get_lr()`. torch's `SequentialLR` writes `last_epoch -= 1`
/// on its children, calls `_initial_step()` on the first and `_update_lr(0)` at each
/// milestone; these let a scheduler of this library be such a child.
extension LRScheduler {
    /// torch's `sched.last_epoch = epoch`: the attribute is just set (any value, as in
    /// torch); the next `step()` increments from it, chainable formulas then compute from
    /// the current group lrs at that epoch.
    public func setLastEpoch(_ epoch: Int) {
        lastEpoch = epoch
    }

    /// `_step_count`: 1 after construction, +1 per `step()` (0 after a failed construction
    /// step or during `_initial_step()`).
    public var torchStepCount: Int { stepCount }

    /// torch's `_initial_step()`: `_step_count = 0`, then one step with `_is_initial`
    /// set. On failure nothing changes.
    public func torchInitialStep() throws(LRSchedError) {
        let saved = stepCount
        do throws(LRSchedError) {
            try initialStep()
        } catch {
            stepCount = saved
            throw error
        }
    }

    /// torch's `_update_lr(epoch)`: without an epoch, `last_epoch += 1` and the chainable
    /// form; with one, `last_epoch = epoch` and the closed form where torch has one.
    /// `_step_count` is unchanged. On failure nothing changes.
    public func torchUpdateLR(epoch: Int?) throws(LRSchedError) {
        try updateLR(epoch: epoch)
    }

    /// torch's `get_lr()` called outside `step()`: the lrs the chainable form computes at
    /// the current `last_epoch` from the current group lrs, computed on a copy (nothing
    /// changes). - Throws: NotImplementedError for composites and ReduceLROnPlateau
    /// (torch's base `get_lr()`), ValueError when the groups changed since construction.
    public func torchGetLR() throws(LRSchedError) -> [Double] {
        let opt = OptimizerState(copying: optimizer)
        let c = copy(with: opt)
        let n = opt.groups.count
        guard n == c.baseLRs.count || c.baseLRs.isEmpty else {
            throw .value("\(typeName): the optimizer has \(n) param groups but the scheduler was built for \(c.baseLRs.count)")
        }
        if c.newLRs.count != n { c.resizeScratch(n) }
        c.momentaComputed = false
        try c.computeLRs()
        return Array(c.newLRs.prefix(n))
    }
}
