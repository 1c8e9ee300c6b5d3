import LRSched
import LRSchedTraining

// MARK: - Threads (include/lrsched.h)

/// Sets the number of threads the training kernels use (process-wide).
@_cdecl("lrsched_set_num_threads")
public func lrsched_set_num_threads(_ n: Int32) -> Int32 {
    capi { () throws(CFailure) in
        try core { () throws(LRSchedError) in try setNumThreads(Int(n)) }
    }
}

/// The number of threads the training kernels use.
@_cdecl("lrsched_get_num_threads")
public func lrsched_get_num_threads() -> Int32 {
    Int32(clamping: getNumThreads())
}
