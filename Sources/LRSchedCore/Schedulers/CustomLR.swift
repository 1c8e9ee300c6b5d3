import LRSchedSupport
import LRSchedJSON

/// A scheduler whose lrs one function computes for every group at each step: a torch
/// `LRScheduler` subclass overriding `get_lr()` (and optionally `_get_closed_form_lr()`)
/// written in the caller's language (Python subclasses of `lrsched.LRScheduler`, C's
/// `lrsched_custom_lr_create`).
///
/// The base class keeps torch's `LRScheduler.__init__` semantics and the stepping:
/// `initial_lr` and `base_lrs`, the construction step (`_initial_step()`), `last_epoch`,
/// `_step_count`, `_last_lr`, transactional steps (a failing function, or a non-finite lr,
/// changes nothing). The function is called after `last_epoch` moved to the step's epoch,
/// with the request's flags, and fills one lr per group.
public final class CustomLR: LRScheduler {
    /// What a call computes: torch's `get_lr()` (the chainable form) or
    /// `_get_closed_form_lr()` (`step(epoch)`), and whether it is the construction step.
    public struct Request: Sendable {
        public let epoch: Int
        public let isInitial: Bool
        public let closedForm: Bool
    }

    /// Fills `lrs` (one per group, pre-filled with NaN) for `request`.
    public typealias LRsFunction = (_ request: Request, _ lrs: UnsafeMutableBufferPointer<Double>) throws(LRSchedError) -> Void

    package let lrsFunction: LRsFunction
    /// Whether the function also computes torch's closed form (`_get_closed_form_lr`).
    public let hasClosedForm: Bool

    override public class var descriptor: SchedulerDescriptor { customLR }

    /// torch's `LRScheduler.__init__(optimizer, last_epoch)` with `get_lr` = `lrs`.
    /// With `initialStep: false` the construction step is left to the caller
    /// (`torchInitialStep()`): a function that reads the scheduler needs it built first.
    /// - Throws: ValueError for `lastEpoch < -1`; KeyError on resume without
    ///   `initial_lr`; whatever the function throws at the construction step.
    public init(_ optimizer: OptimizerState, lastEpoch: Int = -1, closedForm: Bool = false, initialStep: Bool = true,
                lrs: @escaping LRsFunction) throws(LRSchedError) {
        self.lrsFunction = lrs
        self.hasClosedForm = closedForm
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch)
        if initialStep { try constructionStep() }
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        if let o = other as? CustomLR {
            lrsFunction = o.lrsFunction
            hasClosedForm = o.hasClosedForm
        } else {
            lrsFunction = CustomLR.notImplemented
            hasClosedForm = false
        }
        super.init(copying: other, optimizer: optimizer)
    }

    package override func computeLRs() throws(LRSchedError) {
        try call(closedForm: false)
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        guard hasClosedForm else { return false }
        try call(closedForm: true)
        return true
    }

    private static func notImplemented(_ r: Request, _ lrs: UnsafeMutableBufferPointer<Double>) throws(LRSchedError) {
        throw .notImplemented("get_lr() is not implemented")
    }

    private func call(closedForm: Bool) throws(LRSchedError) {
        let n = baseLRs.count
        let out = UnsafeMutableBufferPointer(rebasing: newLRs[0..<n])
        for i in 0..<n { out[i] = .nan }
        try lrsFunction(Request(epoch: lastEpoch, isInitial: isInitial, closedForm: closedForm), out)
    }
}

extension CustomLR {
    /// Previews step copies, but a custom function reads the scheduler it was made for
    /// (a Python subclass reads `self.last_epoch`): NotImplementedError for any preview
    /// involving a CustomLR, composites' children included.
    static func refusePreview(_ schedulers: [LRScheduler]) throws(LRSchedError) {
        for s in schedulers {
            if s is CustomLR {
                throw .notImplemented("preview of a custom scheduler (a subclass's get_lr()) is not supported: step it instead")
            }
            if let c = s as? CompositeScheduler { try refusePreview(c.schedulers) }
        }
    }
}

private let customLR = SchedulerDescriptor(
    "CustomLR", summary: "a subclass's get_lr() (a function of every group's lr), with torch's base-class stepping",
    parameters: [], state: StateField.base,
    build: { (_, _) throws(LRSchedError) -> LRScheduler in
        throw .type("CustomLR cannot be built from a spec: it needs a function (lrsched_custom_lr_create)")
    })
