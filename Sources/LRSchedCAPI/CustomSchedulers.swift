import LRSched
import LRSchedCShims

// A scheduler whose get_lr() is the caller's (include/lrsched.h, "Schedulers":
// lrsched_custom_lr_create). CyclicLR's C scale_fn goes through the spec builder
// (lrsched_spec_set_lr_fns).

/// `lrsched_lrs_fn`: `int (*)(int64_t epoch, int flags, void *user, double *lrs, size_t n_groups)`.
public typealias LRsFunctionPointer = @convention(c) (Int64, Int32, UnsafeMutableRawPointer?,
                                                      UnsafeMutablePointer<Double>?, UInt) -> Int32

/// LRSCHED_LRS_INITIAL and LRSCHED_LRS_CLOSED_FORM.
private let lrsInitial: Int32 = 1
private let lrsClosedForm: Int32 = 2

/// Wraps a C get_lr function as the core's `CustomLR.LRsFunction`: a non-zero return
/// aborts the step with CallbackFailed (a non-finite lr, or one not written, fails the
/// step's own check with ValueError).
func lrsFunction(_ fn: LRsFunctionPointer, _ user: UnsafeMutableRawPointer?) -> CustomLR.LRsFunction {
    nonisolated(unsafe) let user = user
    return { (r: CustomLR.Request, lrs: UnsafeMutableBufferPointer<Double>) throws(LRSchedError) in
        let flags = (r.isInitial ? lrsInitial : 0) | (r.closedForm ? lrsClosedForm : 0)
        lrschedshim_callback_enter()
        let rc = fn(Int64(r.epoch), flags, user, lrs.baseAddress, UInt(lrs.count))
        lrschedshim_callback_leave()
        if rc != 0 {
            throw LRSchedError(.callbackFailed, "get_lr callback returned \(rc) at epoch \(r.epoch)")
        }
    }
}

@_cdecl("lrsched_custom_lr_create")
public func lrsched_custom_lr_create(_ opt: OpaquePointer?, _ fn: LRsFunctionPointer?, _ user: UnsafeMutableRawPointer?,
                                     _ hasClosedForm: Int32, _ lastEpoch: Int64,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        let out = try output(out)
        guard let fn else { throw .null("fn") }
        try requireNotInCallback("lrsched_custom_lr_create")
        let le = try int(lastEpoch, "last_epoch")
        let s = try core { () throws(LRSchedError) in
            try CustomLR(o, lastEpoch: le, closedForm: hasClosedForm != 0, initialStep: false, lrs: lrsFunction(fn, user))
        }
        out.pointee = retainedHandle(SchedulerHandle(s))
    }
}
