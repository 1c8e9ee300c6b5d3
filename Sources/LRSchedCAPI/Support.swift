#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LRSched
import LRSchedCShims

// The machinery every C entry point uses: status codes, the per-thread last error,
// handle boxes, and checked conversions of C arguments. No entry point may trap, so
// every conversion of a caller value here is checked and reported as a status.

// MARK: - Status codes (include/lrsched.h)

enum Status {
    static let ok: Int32 = 0
    static let valueError: Int32 = 1
    static let typeError: Int32 = 2
    static let keyError: Int32 = 3
    static let runtimeError: Int32 = 4
    static let zeroDivisionError: Int32 = 5
    static let notImplementedError: Int32 = 6
    static let callbackFailed: Int32 = 7
    static let nullArgument: Int32 = 8
    static let bufferTooSmall: Int32 = 9
    static let outOfMemory: Int32 = 10
    static let overflowError: Int32 = 11

    static func of(_ kind: LRSchedError.Kind) -> Int32 {
        switch kind {
        case .valueError: valueError
        case .typeError: typeError
        case .keyError: keyError
        case .runtimeError: runtimeError
        case .zeroDivisionError: zeroDivisionError
        case .notImplementedError: notImplementedError
        case .callbackFailed: callbackFailed
        case .memoryError: outOfMemory
        case .overflowError: overflowError
        }
    }

    /// lrsched_status_string's names, indexed by code.
    static let names = [
        "ok", "value error", "type error", "key error", "runtime error", "zero division error",
        "not implemented error", "callback failed", "null argument", "buffer too small", "out of memory",
        "overflow error",
    ]
}

/// A failed C call: the status to return and the message for lrsched_last_error().
struct CFailure: Error {
    var status: Int32
    var message: String

    init(_ status: Int32, _ message: String) {
        self.status = status
        self.message = message
    }

    init(_ e: LRSchedError) {
        self.init(Status.of(e.kind), e.message)
    }

    static func value(_ m: String) -> CFailure { .init(Status.valueError, m) }
    static func type(_ m: String) -> CFailure { .init(Status.typeError, m) }
    static func null(_ name: String) -> CFailure { .init(Status.nullArgument, "\(name) must not be NULL") }
}

// MARK: - Entry and exit

/// Runs the body of a fallible C entry point: LRSCHED_OK, or the failure's status with
/// its message recorded as this thread's last error.
@inline(__always)
func capi(_ body: () throws(CFailure) -> Void) -> Int32 {
    do {
        try body()
        return Status.ok
    } catch {
        recordLastError(error)
        return error.status
    }
}

/// Calls into the core, turning its errors into C failures.
@inline(__always)
func core<T>(_ body: () throws(LRSchedError) -> T) throws(CFailure) -> T {
    do {
        return try body()
    } catch {
        throw CFailure(error)
    }
}

func recordLastError(_ f: CFailure) {
    var m = f.message
    if m.isEmpty {
        m = Int(exactly: f.status).flatMap { Status.names.indices.contains($0) ? Status.names[$0] : nil }
            ?? "error \(f.status)"
    }
    m.withUTF8 { buf in
        buf.withMemoryRebound(to: CChar.self) { lrschedshim_set_last_error($0.baseAddress, $0.count) }
    }
}

/// Calls that modify an optimizer, scheduler, model or trainer, or build schedulers, SGD
/// optimizers or trainers, are refused while an lr-function or epoch callback runs on this
/// thread: the object being stepped or trained must not change under the step (it could
/// not be done safely).
@inline(__always)
func requireNotInCallback(_ function: StaticString) throws(CFailure) {
    if lrschedshim_callback_depth() != 0 {
        throw CFailure(Status.runtimeError, "\(function) cannot be called from inside an lr_lambda callback or an epoch callback")
    }
}

// MARK: - Static C strings

/// A NUL-terminated copy of `s` that is never freed (for tables of static strings).
func permanentCString(_ s: String) -> UnsafePointer<CChar> {
    let bytes = Array(s.utf8CString)
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    p.initialize(from: bytes, count: bytes.count)
    return UnsafePointer(p)
}

// MARK: - Handles

/// What an `lrsched_optimizer *` points to (a retained Swift object).
final class OptimizerHandle {
    let state: OptimizerState
    init(_ state: OptimizerState) { self.state = state }
}

/// What an `lrsched_scheduler *` points to. The core scheduler strongly references its
/// optimizer state (and a composite its children), which gives the header's ownership
/// rules.
final class SchedulerHandle {
    let scheduler: LRScheduler
    init(_ scheduler: LRScheduler) { self.scheduler = scheduler }
}

@inline(__always)
func retainedHandle(_ object: AnyObject) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(object).toOpaque())
}

@inline(__always)
func handleObject(_ p: OpaquePointer) -> AnyObject {
    Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
}

/// The optimizer state behind an `lrsched_optimizer *`.
@inline(__always)
func optimizerState(_ p: OpaquePointer?, _ name: String = "opt") throws(CFailure) -> OptimizerState {
    try typedHandle(p, name, "lrsched_optimizer", as: OptimizerHandle.self).state
}

/// The scheduler behind an `lrsched_scheduler *`.
@inline(__always)
func scheduler(_ p: OpaquePointer?, _ name: String = "sched") throws(CFailure) -> LRScheduler {
    try typedHandle(p, name, "lrsched_scheduler", as: SchedulerHandle.self).scheduler
}

/// The output pointer of a constructor or getter (written only on success).
@inline(__always)
func output<T>(_ p: UnsafeMutablePointer<T>?, _ name: String = "out") throws(CFailure) -> UnsafeMutablePointer<T> {
    guard let p else { throw .null(name) }
    return p
}

// MARK: - Arguments

/// An int64 argument as Int (always fits on the 64-bit platforms Swift supports; checked
/// anyway).
@inline(__always)
func int(_ v: Int64, _ name: String) throws(CFailure) -> Int {
    guard let i = Int(exactly: v) else { throw .value("\(name) = \(v) does not fit in Int") }
    return i
}

/// A size_t count or index as Int.
@inline(__always)
func size(_ v: UInt, _ name: String) throws(CFailure) -> Int {
    guard let i = Int(exactly: v) else { throw .value("\(name) = \(v) is too large") }
    return i
}

// Doubles: every hyperparameter is checked by the core itself (NaN and infinities are a
// ValueError there); metrics may be NaN or infinite (torch counts NaN as a bad epoch).

/// A C array `(p, n)` copied into a Swift array. `n == 0` gives [] whatever `p` is;
/// otherwise `p` must not be NULL.
func array<T>(_ p: UnsafePointer<T>?, _ n: UInt, _ name: String) throws(CFailure) -> [T] {
    let count = try size(n, "n_\(name)")
    if count == 0 { return [] }
    // No real buffer is larger than the address space (and the copy must not overflow).
    guard count <= (1 << 47) / MemoryLayout<T>.stride else { throw .value("n_\(name) = \(n) is too large") }
    guard let p else { throw .null(name) }
    return Array(UnsafeBufferPointer(start: p, count: count))
}

/// A C array of int64 values as [Int].
func ints(_ p: UnsafePointer<Int64>?, _ n: UInt, _ name: String) throws(CFailure) -> [Int] {
    let a = try array(p, n, name)
    var out: [Int] = []
    out.reserveCapacity(a.count)
    for v in a { out.append(try int(v, name)) }
    return out
}

/// The bytes of a `(text, len)` string argument; `len == LRSCHED_NUL_TERMINATED` means
/// strlen. The buffer is only valid during the call.
func textBytes(_ p: UnsafePointer<CChar>?, _ len: UInt, _ name: String) throws(CFailure) -> UnsafeRawBufferPointer {
    guard let p else { throw .null(name) }
    let n: Int
    if len == UInt.max {
        n = strlen(p)
    } else {
        n = try size(len, "len")
    }
    return UnsafeRawBufferPointer(start: UnsafeRawPointer(p), count: n)
}

/// Parses a `(text, len)` JSON argument with the core's reader.
func parseJSON(_ p: UnsafePointer<CChar>?, _ len: UInt, _ name: String) throws(CFailure) -> JSONValue {
    let bytes = try textBytes(p, len, name)
    return try core { () throws(LRSchedError) in try JSON.parse(bytes: bytes) }
}

// MARK: - Outputs ("Buffers" in the header)

/// Writes `values` into `(buf, capacity)` with the header's "Buffers" convention:
/// `*count` is set first; `(NULL, 0)` is a pure size query; a NULL buffer with a
/// capacity, or a capacity below the count, is LRSCHED_BUFFER_TOO_SMALL naming it.
func writeValues<T>(_ values: some Collection<T>, _ buf: UnsafeMutablePointer<T>?, _ capacity: UInt,
                    _ count: UnsafeMutablePointer<UInt>?, _ name: String = "buf") throws(CFailure) {
    let count = try output(count, "count")
    let n = UInt(values.count)
    count.pointee = n
    if buf == nil && capacity == 0 { return }  // a pure size query
    let out = try buffer(buf, capacity, needed: n, name)
    for (i, v) in values.enumerated() { out[i] = v }
}

/// `buf` when it holds `needed` values, else LRSCHED_BUFFER_TOO_SMALL naming the
/// problem: a NULL `name` with a non-zero capacity, or a capacity below `needed`
/// (`what`: what the values are, for the message).
func buffer<T>(_ buf: UnsafeMutablePointer<T>?, _ capacity: UInt, needed: UInt, _ name: String,
               what: String = "") throws(CFailure) -> UnsafeMutablePointer<T> {
    guard let buf else {
        throw CFailure(Status.bufferTooSmall,
                       "\(name) is NULL with capacity \(capacity) (\(needed) values needed\(what); NULL and 0 ask for the size)")
    }
    guard capacity >= needed else {
        throw CFailure(Status.bufferTooSmall, "\(name) too small: \(needed) values needed\(what), capacity \(capacity)")
    }
    return buf
}

/// Writes `text` and a NUL into `(buf, capacity)`, setting `*len` (bytes including the
/// NUL) first.
func writeText(_ text: String, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: UInt,
               _ len: UnsafeMutablePointer<UInt>?) throws(CFailure) {
    let len = try output(len, "len")
    let utf8 = text.utf8
    let n = UInt(utf8.count) + 1
    len.pointee = n
    if buf == nil && capacity == 0 { return }  // a pure size query
    guard let buf, capacity >= n else {
        throw CFailure(Status.bufferTooSmall, "buffer too small: \(n) bytes needed, capacity \(capacity)")
    }
    var i = 0
    for b in utf8 {
        buf[i] = CChar(bitPattern: b)
        i += 1
    }
    buf[i] = 0
}
