import LRSched

// torch's scheduler internals reached from outside the class (include/lrsched.h,
// "Schedulers"): last_epoch assignment, _step_count, _initial_step(), _update_lr(epoch),
// get_lr(). Each call only converts its arguments and calls the core.

@_cdecl("lrsched_scheduler_set_last_epoch")
public func lrsched_scheduler_set_last_epoch(_ sched: OpaquePointer?, _ epoch: Int64) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_set_last_epoch")
        s.setLastEpoch(try int(epoch, "epoch"))
    }
}

@_cdecl("lrsched_scheduler_step_count")
public func lrsched_scheduler_step_count(_ sched: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        let out = try output(out)
        guard let n = Int64(exactly: s.torchStepCount) else { throw .value("_step_count does not fit in int64") }
        out.pointee = n
    }
}

@_cdecl("lrsched_scheduler_initial_step")
public func lrsched_scheduler_initial_step(_ sched: OpaquePointer?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_initial_step")
        try withExtendedLifetime(s) { () throws(CFailure) in
            try core { () throws(LRSchedError) in try s.torchInitialStep() }
        }
    }
}

@_cdecl("lrsched_scheduler_update_lr")
public func lrsched_scheduler_update_lr(_ sched: OpaquePointer?, _ epoch: Int64, _ hasEpoch: Int32) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_update_lr")
        let e: Int? = hasEpoch != 0 ? try int(epoch, "epoch") : nil
        try withExtendedLifetime(s) { () throws(CFailure) in
            try core { () throws(LRSchedError) in try s.torchUpdateLR(epoch: e) }
        }
    }
}

@_cdecl("lrsched_scheduler_get_lr")
public func lrsched_scheduler_get_lr(_ sched: OpaquePointer?, _ buf: UnsafeMutablePointer<Double>?, _ capacity: UInt,
                                     _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_get_lr")
        let lrs = try withExtendedLifetime(s) { () throws(CFailure) -> [Double] in
            try core { () throws(LRSchedError) -> [Double] in try s.torchGetLR() }
        }
        try writeValues(lrs, buf, capacity, count)
    }
}
