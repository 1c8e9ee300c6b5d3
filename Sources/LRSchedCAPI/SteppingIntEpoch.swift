import LRSched

// step(epoch) with an int64 epoch: Python's int epochs reach the core exactly (a double
// rounds integers past 2^53).

@_cdecl("lrsched_scheduler_step_epoch_int")
public func lrsched_scheduler_step_epoch_int(_ sched: OpaquePointer?, _ epoch: Int64) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_step_epoch_int")
        try withExtendedLifetime(s) { () throws(CFailure) in
            try core { () throws(LRSchedError) in try s.step(epoch: Int(epoch)) }
        }
    }
}
