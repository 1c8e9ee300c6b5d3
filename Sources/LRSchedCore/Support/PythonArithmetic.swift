import LRSchedSupport
import LRSchedJSON

// Python's integer and float semantics where they differ from Swift's, used by the
// schedulers so that every formula runs torch's operations in torch's order.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's functions, named so that `Py`'s members can share their names.
@inline(__always) private func _libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) private func _libmCos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func _libmLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func _libmFmod(_ x: Double, _ y: Double) -> Double { fmod(x, y) }

package enum Py {
    /// Python's `a % b` for ints: floored modulo, sign of the divisor.
    /// Throws ZeroDivisionError("integer modulo by zero") for `b == 0`.
    @inline(__always)
    package static func mod(_ a: Int, _ b: Int) throws(LRSchedError) -> Int {
        if b == 0 { throw .zeroDivision("integer modulo by zero") }
        if b == -1 { return 0 }  // avoids Int.min % -1 overflow
        let r = a % b
        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r
    }

    /// Python's `a // b` for ints: floored division.
    @inline(__always)
    package static func floorDiv(_ a: Int, _ b: Int) throws(LRSchedError) -> Int {
        if b == 0 { throw .zeroDivision("integer division or modulo by zero") }
        if b == -1 { return a == Int.min ? Int.min : -a }
        let q = a / b
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
    }

    /// Python's `a / b` for floats: raises instead of producing inf/NaN.
    @inline(__always)
    package static func div(_ a: Double, _ b: Double) throws(LRSchedError) -> Double {
        if b == 0 { throw .zeroDivision("float division by zero") }
        return a / b
    }

    /// Python's `a % b` for floats (floored modulo, sign of the divisor).
    package static func fmod(_ a: Double, _ b: Double) throws(LRSchedError) -> Double {
        if b == 0 { throw .zeroDivision("float modulo") }
        var m = _libmFmod(a, b)
        if m != 0 {
            if (b < 0) != (m < 0) { m += b }
        } else {
            m = (b < 0) ? -0.0 : 0.0
        }
        return m
    }

    /// `x ** y` for floats: libm `pow`.
    @inline(__always)
    package static func pow(_ x: Double, _ y: Double) -> Double { _libmPow(x, y) }

    @inline(__always)
    package static func cos(_ x: Double) -> Double { _libmCos(x) }

    @inline(__always)
    package static func log(_ x: Double) -> Double { _libmLog(x) }

    /// `math.floor(x)` for a finite double, as an Int (nil when out of Int's range).
    package static func floorInt(_ x: Double) -> Int? {
        let f = x.rounded(.down)
        guard f.isFinite, f >= -9.2e18, f <= 9.2e18 else { return nil }
        return Int(f)
    }
}

extension Py {
    /// `a + b` for Python ints that must fit in Int64 (Python's are unbounded; lrsched's
    /// counters are not). Overflow is a ValueError, never a trap.
    @inline(__always)
    package static func add(_ a: Int, _ b: Int) throws(LRSchedError) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw .value("integer overflow: \(a) + \(b) does not fit in 64 bits") }
        return r
    }

    @inline(__always)
    package static func sub(_ a: Int, _ b: Int) throws(LRSchedError) -> Int {
        let (r, o) = a.subtractingReportingOverflow(b)
        if o { throw .value("integer overflow: \(a) - \(b) does not fit in 64 bits") }
        return r
    }

    @inline(__always)
    package static func mul(_ a: Int, _ b: Int) throws(LRSchedError) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        if o { throw .value("integer overflow: \(a) * \(b) does not fit in 64 bits") }
        return r
    }

    /// Python's `float ** float` (CPython's float_pow): libm `pow`, but `0.0 ** negative`
    /// is a ZeroDivisionError, a negative base with a non-integral exponent (a complex
    /// result in Python) is a ValueError, and a finite base and exponent whose power
    /// overflows is CPython's OverflowError (underflow to 0 is no error).
    package static func floatPow(_ x: Double, _ y: Double) throws(LRSchedError) -> Double {
        if x == 0 && y < 0 { throw .zeroDivision("0.0 cannot be raised to a negative power") }
        if x < 0 && y.isFinite && y.rounded(.towardZero) != y {
            throw .value("negative number cannot be raised to a fractional power")
        }
        let r = pow(x, y)
        if r.isInfinite && x.isFinite && y.isFinite { throw .overflow("(34, 'Numerical result out of range')") }
        return r
    }
}

extension Py {
    /// Python's `a / b` for ints: the exact quotient rounded once to the nearest double
    /// (ties to even), as CPython's long true division. Swift's `Double(a) / Double(b)`
    /// rounds twice when `a` or `b` exceeds 2^53.
    package static func trueDiv(_ a: Int, _ b: Int) throws(LRSchedError) -> Double {
        if b == 0 { throw .zeroDivision("division by zero") }
        let (ua, ub) = (UInt64(a.magnitude), UInt64(b.magnitude))
        let exact: UInt64 = 1 << 53
        if ua <= exact && ub <= exact { return Double(a) / Double(b) }
        if ua == 0 { return (b < 0) ? -0.0 : 0.0 }
        // Q = floor(a * 2^s / b) has 63 or 64 bits: 53 to keep, the rest to round with.
        let s = 63 - (ua.bitWidth - ua.leadingZeroBitCount) + (ub.bitWidth - ub.leadingZeroBitCount)
        let high: UInt64 = s >= 64 ? ua << UInt64(s - 64) : ua >> UInt64(64 - s)
        let low: UInt64 = s >= 64 ? 0 : ua << UInt64(s)
        let (q, r) = ub.dividingFullWidth((high: high, low: low))
        let k = (q.bitWidth - q.leadingZeroBitCount) - 53
        var m = q >> UInt64(k)
        let rest = q & ((1 << UInt64(k)) - 1)
        let half: UInt64 = 1 << UInt64(k - 1)
        if rest > half || (rest == half && (r != 0 || m & 1 == 1)) { m += 1 }
        return Double(sign: (a < 0) != (b < 0) ? .minus : .plus, exponent: k - s, significand: Double(m))
    }
}
