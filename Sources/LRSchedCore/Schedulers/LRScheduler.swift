import LRSchedSupport
import LRSchedJSON

/// The base of every scheduler: it owns stepping, the epoch counter, the base learning
/// rates and the last lrs, as torch's `LRScheduler` does.
///
/// A subclass checks its arguments, calls `init(optimizer:lastEpoch:)` (which records
/// `initial_lr` in every group and reads `baseLRs`), stores its hyperparameters, then
/// calls `constructionStep()` — torch's construction-time step. It overrides
/// `computeLRs()` (torch's chainable `get_lr`) and, where torch has one,
/// `computeClosedFormLRs()`.
///
/// Stepping is transactional: the new lrs (and momenta, for cycled schedulers) are
/// computed into scratch buffers and written to the optimizer only when the whole step
/// succeeded, so a failing step leaves the optimizer and the scheduler as they were
/// (torch leaves its counters advanced; lrsched does not). A step never writes an
/// infinite or NaN lr: it fails with ValueError instead.
///
/// - Complexity: `step()` is O(groups) and allocates nothing in the steady state.
///
/// Hot state is marked `@exclusivity(unchecked)`: stepping touches it on every call and
/// the runtime's dynamic exclusivity checks cost more than the arithmetic. The class is
/// documented as single-threaded, and no method hands out overlapping accesses.
public class LRScheduler {
    /// The optimizer state this scheduler writes to (strongly held: a scheduler keeps
    /// its optimizer alive).
    @exclusivity(unchecked) public package(set) var optimizer: OptimizerState
    /// `base_lrs`: each group's `initial_lr` when the scheduler was built.
    @exclusivity(unchecked) public package(set) var baseLRs: [Double]
    /// `last_epoch`: the number of steps taken (0 right after a fresh construction).
    @exclusivity(unchecked) public package(set) var lastEpoch: Int
    /// `_step_count`: 1 after construction, +1 per `step()`.
    @exclusivity(unchecked) package var stepCount: Int = 0
    /// `_is_initial`: true only during the construction-time step.
    @exclusivity(unchecked) package var isInitial: Bool = false
    /// `_last_lr`.
    @exclusivity(unchecked) package var lastLRStorage: [Double]
    /// Scratch for the lrs being computed.
    @exclusivity(unchecked) package var newLRs: UnsafeMutableBufferPointer<Double>
    /// Scratch for momenta, used by schedulers that cycle momentum.
    @exclusivity(unchecked) package var newMomenta: UnsafeMutableBufferPointer<Double>
    /// Set by `computeLRs()` when it produced momenta to commit with the lrs.
    @exclusivity(unchecked) package var momentaComputed = false
    /// Set by a computation that produced one lr per base lr (torch zips with
    /// `base_lrs`) rather than one per current group: `commit()` then fails as torch's
    /// `zip(..., strict=True)` does when a group was added after construction.
    @exclusivity(unchecked) package var lrsPerBaseLR = false
    /// The optimizer's groups before construction began, put back when it fails
    /// (`constructionStep()`); nil once constructed.
    private var constructionSnapshot: [ParamGroup]?

    /// The class's descriptor: name, parameters, flags, state fields, spec builder.
    /// Every scheduler overrides it with its own `static let` descriptor.
    public class var descriptor: SchedulerDescriptor { LRScheduler.baseDescriptor }

    /// This scheduler's class's descriptor.
    public var descriptor: SchedulerDescriptor { type(of: self).descriptor }

    /// torch's class name (`"StepLR"`, ...).
    public var typeName: String { descriptor.name }

    /// How this scheduler steps (a metric, fractional epochs, a composite).
    public var flags: SchedulerFlags {
        switch stepIndex {
        case .counter: descriptor.flags
        case .epoch: descriptor.flags.union(.stepsAtEpoch)
        case .update: descriptor.flags.union(.stepsAtUpdate)
        }
    }

    /// The base class's own descriptor (it is never built from a spec).
    static let baseDescriptor = SchedulerDescriptor(
        "LRScheduler", summary: "the base of every scheduler", parameters: [], state: StateField.base,
        build: { (_, _) throws(LRSchedError) -> LRScheduler in throw .notImplemented("LRScheduler cannot be built") })

    /// torch's `LRScheduler.__init__` up to, not including, the initial step.
    ///
    /// - Throws: ValueError for `lastEpoch < -1`; KeyError (torch's message) when
    ///   resuming (`lastEpoch >= 0`) and a group has no `initial_lr`.
    ///
    /// - Parameter snapshot: for subclasses that changed the groups before calling
    ///   this (CyclicLR, OneCycleLR): the groups to put back when it throws.
    package init(optimizer: OptimizerState, lastEpoch: Int, restoringOnFailure snapshot: [ParamGroup]? = nil) throws(LRSchedError) {
        constructionSnapshot = snapshot ?? optimizer.groups
        guard lastEpoch >= -1 else {
            if let snapshot { optimizer.groups = snapshot }
            throw .value("last_epoch must be -1 (a fresh start) or a non-negative epoch, got \(lastEpoch)")
        }
        if lastEpoch == -1 {
            for i in optimizer.groups.indices where optimizer.groups[i].initialLR == nil {
                optimizer.groups[i].initialLR = optimizer.lr(i)
            }
        } else {
            for (i, g) in optimizer.groups.enumerated() where g.initialLR == nil {
                if let snapshot { optimizer.groups = snapshot }
                throw .key(LRScheduler.missingInitialLRMessage(i))
            }
        }
        self.optimizer = optimizer
        self.baseLRs = optimizer.groups.map { $0.initialLR ?? $0.lr }
        self.lastEpoch = lastEpoch
        self.lastLRStorage = optimizer.groups.map(\.lr)
        self.newLRs = .scratch(optimizer.groups.count)
        self.newMomenta = .scratch(optimizer.groups.count)
    }

    /// For the schedulers torch builds without `LRScheduler.__init__`
    /// (ReduceLROnPlateau, SequentialLR, ChainedScheduler): no `initial_lr`, no base lrs.
    package init(withoutBaseState optimizer: OptimizerState, lastEpoch: Int) {
        self.optimizer = optimizer
        self.baseLRs = []
        self.lastEpoch = lastEpoch
        self.lastLRStorage = optimizer.groups.map(\.lr)
        self.newLRs = .scratch(0)
        self.newMomenta = .scratch(0)
    }

    /// A copy of `other` bound to `optimizer` (for previews and atomic loads): the base
    /// state here; a subclass copies what is not state (functions, children) in its
    /// own `required init(copying:optimizer:)`, and `copy(with:)` copies the state fields.
    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        self.optimizer = optimizer
        self.baseLRs = other.baseLRs
        self.lastEpoch = other.lastEpoch
        self.stepCount = other.stepCount
        self.isInitial = other.isInitial
        self.lastLRStorage = other.lastLRStorage
        self.newLRs = .scratch(other.newLRs.count)
        self.newMomenta = .scratch(other.newMomenta.count)
    }

    package static func missingInitialLRMessage(_ i: Int) -> String {
        "param 'initial_lr' is not specified in param_groups[\(i)] when resuming scheduler with last_epoch >= 0.\n"
            + "This typically happens when:\n"
            + "1. You're trying to resume training from a checkpoint but haven't properly loaded the optimizer state\n"
            + "2. You're using last_epoch >= 0 for a fresh training run (not recommended)"
    }

    /// A copy of this scheduler (children included) acting on `optimizer`.
    public func copy(with optimizer: OptimizerState) -> LRScheduler {
        let c = type(of: self).init(copying: self, optimizer: optimizer)
        c.assignState(from: self)
        return c
    }

    /// Checks a state just loaded into a copy (`loadStateDict`): consistency between
    /// fields that the fields' own checks cannot see. Throwing leaves the original as it was.
    package func checkLoadedState() throws(LRSchedError) {}

    // MARK: Stepping

    /// torch's `_initial_step()`: `_step_count = 0`, then one step with `_is_initial` set.
    package func initialStep() throws(LRSchedError) {
        stepCount = 0
        isInitial = true
        defer { isInitial = false }
        try step()
    }

    /// The construction-time step of a subclass (the last thing its initializer does):
    /// on failure the optimizer's groups are put back as they were before construction.
    package func constructionStep() throws(LRSchedError) {
        defer { constructionSnapshot = nil }
        do throws(LRSchedError) {
            try initialStep()
        } catch {
            if let snapshot = constructionSnapshot { optimizer.groups = snapshot }
            throw error
        }
    }

    /// Advances the schedule by one epoch (or batch) and writes the new lrs to the
    /// optimizer's groups. On failure nothing changes.
    public func step() throws(LRSchedError) {
        try countedStep(epoch: nil)
    }

    /// Steps with a metric: only ReduceLROnPlateau takes one.
    /// - Throws: TypeError for every other scheduler.
    public func step(metric: Double) throws(LRSchedError) {
        throw .type("\(typeName).step() takes no metric (only ReduceLROnPlateau does)")
    }

    /// torch's deprecated `step(epoch)`: sets `last_epoch = epoch` and uses the closed
    /// form where torch has one (else the chainable form at that epoch).
    public func step(epoch: Int) throws(LRSchedError) {
        try countedStep(epoch: epoch)
    }

    // MARK: Explicit stepping (timm)

    /// How a training loop tells a scheduler where it is (a runner reads it, never the
    /// type name): `.counter` is torch's `step()` / `step(metric)`, which count by
    /// themselves; `.epoch` is timm's `step(epoch, metric)` at every epoch, `.update`
    /// timm's `step_update(num_updates, metric)` after every optimizer update, each
    /// given the count explicitly (`step(epoch:metric:)`, `stepUpdate(_:metric:)`).
    public enum StepIndex: String, Sendable { case counter, epoch, update }

    /// This scheduler's stepping convention (torch's schedulers: `.counter`).
    public var stepIndex: StepIndex { .counter }

    /// timm's `step(epoch, metric=None)`: the schedule at `epoch`, given explicitly.
    /// - Throws: TypeError for a scheduler that counts its own steps (`.counter`):
    ///   use `step()`, `step(metric:)` or `step(epoch:)`.
    public func step(epoch: Int, metric: Double?) throws(LRSchedError) {
        throw .type("\(typeName) counts its own steps: step(epoch, metric) is timm's")
    }

    /// timm's `step_update(num_updates, metric=None)`: the schedule after `updates`
    /// optimizer updates. - Throws: TypeError for a scheduler that is not timm's.
    public func stepUpdate(_ updates: Int, metric: Double?) throws(LRSchedError) {
        throw .type("\(typeName) has no step_update(num_updates): it is not a timm scheduler")
    }

    /// `_step_count += 1`, then `_update_lr(epoch)`; on failure the count is put back.
    @inline(__always)
    private func countedStep(epoch: Int?) throws(LRSchedError) {
        let saved = stepCount
        stepCount = try Py.add(stepCount, 1)
        do throws(LRSchedError) {
            try updateLR(epoch: epoch)
        } catch {
            stepCount = saved
            throw error
        }
    }

    /// `step(epoch)` with the epoch as a double (C's `lrsched_scheduler_step_epoch`):
    /// schedulers that take fractional epochs (`flags` has `.fractionalEpoch`) override
    /// it; the others need an integral value (those that take no epoch at all throw
    /// their TypeError whatever the value).
    public func step(epochValue epoch: Double) throws(LRSchedError) {
        guard let e = Int(exactly: epoch) else {
            if flags.contains(.noEpoch) { try step(epoch: 0) }
            throw .value("epoch must be an integer for \(typeName), got \(pyRepr(epoch))")
        }
        try step(epoch: e)
    }

    /// torch's `_update_lr(epoch)`; SequentialLR calls it directly with `epoch: 0`.
    ///
    /// A group added to the optimizer after construction is stepped as torch steps it:
    /// chainable forms compute every current group's lr; forms that zip with
    /// `base_lrs` (closed forms, LambdaLR, CyclicLR, ...) fail at `commit()`.
    package func updateLR(epoch: Int?) throws(LRSchedError) {
        let n = optimizer.groups.count
        if newLRs.count < n { resizeScratch(n) }
        let savedEpoch = lastEpoch
        momentaComputed = false
        lrsPerBaseLR = false
        do throws(LRSchedError) {
            if let epoch {
                lastEpoch = epoch
                if try !computeClosedFormLRs() { try computeLRs() }
            } else {
                lastEpoch = try Py.add(lastEpoch, 1)
                try computeLRs()
            }
            try commit()
        } catch {
            lastEpoch = savedEpoch
            throw error
        }
    }

    /// Writes `newLRs` (and `newMomenta` when computed) to the groups after checking
    /// that every value is finite, then records `_last_lr`.
    package func commit() throws(LRSchedError) {
        let n = optimizer.groups.count
        if lrsPerBaseLR && baseLRs.count != n { throw addedGroupError(n) }
        for i in 0..<n where !newLRs[i].isFinite {
            throw .value("\(typeName) would set a non-finite lr (\(pyRepr(newLRs[i]))) in param group \(i) at epoch \(lastEpoch)")
        }
        if momentaComputed {
            for i in 0..<n where !newMomenta[i].isFinite {
                throw .value("\(typeName) would set a non-finite momentum (\(pyRepr(newMomenta[i]))) in param group \(i)")
            }
            for i in 0..<n { optimizer.setCycledMomentum(i, newMomenta[i]) }
        }
        if lastLRStorage.count != n { lastLRStorage = Array(repeating: 0, count: n) }
        let src = newLRs
        lastLRStorage.withUnsafeMutableBufferPointer { last in
            optimizer.groups.withUnsafeMutableBufferPointer { groups in
                for i in 0..<n {
                    groups[i].lr = src[i]
                    last[i] = src[i]
                }
            }
        }
    }

    /// torch's failure when it zips `n` param groups with fewer computed lrs (a group
    /// added after construction has no base lr): `zip(..., strict=True)`'s ValueError.
    package func addedGroupError(_ n: Int) -> LRSchedError {
        .value("\(typeName): \(baseLRs.count) lrs computed from base_lrs for \(n) param groups (a group added after the scheduler was built has no base lr; torch: zip() argument 2 is shorter than argument 1)")
    }

    /// Scratch buffers for `n` groups (their contents are not kept).
    package func resizeScratch(_ n: Int) {
        newLRs.deallocate()
        newMomenta.deallocate()
        newLRs = .scratch(n)
        newMomenta = .scratch(n)
    }

    deinit {
        newLRs.deallocate()
        newMomenta.deallocate()
    }

    /// `_last_lr = [group["lr"] for group in param_groups]`.
    package func recordLastLR() {
        let n = optimizer.groups.count
        if lastLRStorage.count != n { lastLRStorage = Array(repeating: 0, count: n) }
        for i in 0..<n { lastLRStorage[i] = optimizer.lr(i) }
    }

    /// `newLRs[i] = baseLRs[i] * factor` for every group (closed forms).
    @inline(__always)
    package func setLRs(baseTimes factor: Double) {
        for i in 0..<baseLRs.count { newLRs[i] = baseLRs[i] * factor }
        lrsPerBaseLR = true
    }

    /// `newLRs[i] = lr * factor` for every group's current lr (chainable forms, groups
    /// added after construction included; a factor of 1 keeps the lrs, bit for bit).
    @inline(__always)
    package func setLRs(currentTimes factor: Double) {
        for i in 0..<optimizer.groups.count { newLRs[i] = optimizer.lr(i) * factor }
    }

    /// torch's chainable `get_lr()`: fills `newLRs` (and `newMomenta`).
    package func computeLRs() throws(LRSchedError) {
        throw .notImplemented("\(typeName).get_lr() is not implemented")
    }

    /// torch's `_get_closed_form_lr()`: fills `newLRs` and returns true, or returns
    /// false when the class has no closed form.
    package func computeClosedFormLRs() throws(LRSchedError) -> Bool { false }

    /// torch's `recursive_undo` on a leaf: `last_epoch -= 1`.
    package func undoConstructionStep() { lastEpoch -= 1 }

    /// Reverses `undoConstructionStep()` (a composite whose construction failed).
    package func redoConstructionStep() { lastEpoch += 1 }

    // MARK: Reading

    /// `get_last_lr()`: the lrs of the optimizer's groups after the last step.
    public var lastLRs: [Double] { lastLRStorage }

    /// `get_last_lr()`, torch's spelling.
    public func getLastLR() -> [Double] { lastLRStorage }

    /// Copies the last lrs into `buffer` without allocating; returns how many there are.
    @discardableResult
    public func copyLastLRs(into buffer: UnsafeMutableBufferPointer<Double>) -> Int {
        let n = min(buffer.count, lastLRStorage.count)
        for i in 0..<n { buffer[i] = lastLRStorage[i] }
        return lastLRStorage.count
    }
}

extension UnsafeMutableBufferPointer where Element == Double {
    /// A zeroed buffer of `n` doubles, owned by the caller (deallocate it).
    package static func scratch(_ n: Int) -> UnsafeMutableBufferPointer<Double> {
        let p = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(n, 0))
        p.initialize(repeating: 0)
        return p
    }
}
