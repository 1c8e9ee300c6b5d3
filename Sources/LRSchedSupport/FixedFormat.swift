#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `x` with exactly `digits` digits after the point, correctly rounded from the exact
/// binary value (half to even), as Python's `f"{x:.{digits}f}"` and C's `%.*f`.
/// `digits` is clamped to 0...40; non-finite values print as Python does (`inf`,
/// `-inf`, `nan`).
public func formatFixed(_ x: Double, digits: Int) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    let d = Int32(max(0, min(40, digits)))
    var buffer = [CChar](repeating: 0, count: 400)
    let n = buffer.withUnsafeMutableBufferPointer { buf in
        withVaList([d, x]) { vsnprintf(buf.baseAddress, buf.count, "%.*f", $0) }
    }
    guard n > 0 else { return "" }
    return buffer.withUnsafeBufferPointer { buf in
        String(decoding: UnsafeRawBufferPointer(buf).prefix(Int(n)), as: UTF8.self)
    }
}
