import LRSchedSupport
import LRSchedJSON
import LRSchedCore
internal import LRSchedKernels

// The number of threads the training kernels (the BLAS's matrix products) use.
//
// The count is process-wide. Until `setNumThreads(_:)` is called it is
// `LRSCHED_NUM_THREADS` from the environment when that is a positive integer, else the
// number of CPUs the process may run on (its affinity mask). Results do not depend on
// it beyond float32 rounding: the products split rows and columns between threads,
// never the summed dimension.

/// The number of threads the training kernels use (torch's `get_num_threads()`).
public func getNumThreads() -> Int {
    Int(lrskern_num_threads())
}

/// Sets the number of threads the training kernels use, for the whole process (torch's
/// `set_num_threads(n)`); takes effect at the next matrix product.
/// - Throws: ValueError unless `1 <= n <= 4096`.
public func setNumThreads(_ n: Int) throws(LRSchedError) {
    guard n >= 1, n <= 4096 else {
        throw .value("set_num_threads expects a positive integer (at most 4096), got \(n)")
    }
    lrskern_set_num_threads(Int32(n))
}

/// The count an unset setting has: `LRSCHED_NUM_THREADS` or the available CPUs.
public func defaultNumThreads() -> Int {
    Int(lrskern_default_num_threads())
}
