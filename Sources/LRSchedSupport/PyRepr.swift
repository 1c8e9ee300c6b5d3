/// Returns exactly what CPython 3's `repr(x)` returns for the float `x`.
///
/// - Digits are the shortest decimal string that round-trips to `x` (taken from Swift's
///   `Double.description`, which uses the same shortest/closest criterion as CPython).
/// - With `d1.d2d3… × 10^e`: exponent notation is used when `e < -4` or `e >= 16`, as
///   `d1[.d2d3…]e±XX` with at least two exponent digits (`1e-05`, `1.5e+16`, `1e+300`);
///   otherwise positional notation with at least one digit after the point
///   (`0.0001`, `100.0`, `1234567890123456.0`).
/// - Zeros print as `0.0` / `-0.0`; non-finite values as `inf`, `-inf`, `nan`
///   (NaN's sign and payload are ignored, as in Python).
public func pyRepr(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }

    let text = x.magnitude.description
    guard let (digits, pointPosition) = shortestDigits(ofSwiftDescription: text) else {
        // Unreachable for finite non-zero input; never trap.
        return x.description
    }

    var out: [UInt8] = []
    out.reserveCapacity(digits.count + 8)
    if x.sign == .minus { out.append(UInt8(ascii: "-")) }
    let zero = UInt8(ascii: "0")
    let exponent = pointPosition - 1  // value = d1.d2d3... × 10^exponent

    if exponent < -4 || exponent >= 16 {
        out.append(digits[0])
        if digits.count > 1 {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[1...])
        }
        out.append(UInt8(ascii: "e"))
        out.append(UInt8(ascii: exponent < 0 ? "-" : "+"))
        let magnitude = exponent.magnitude
        if magnitude < 10 { out.append(zero) }
        out.append(contentsOf: String(magnitude).utf8)
    } else if pointPosition <= 0 {
        out.append(zero)
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: repeatElement(zero, count: -pointPosition))
        out.append(contentsOf: digits)
    } else if pointPosition >= digits.count {
        out.append(contentsOf: digits)
        out.append(contentsOf: repeatElement(zero, count: pointPosition - digits.count))
        out.append(UInt8(ascii: "."))
        out.append(zero)
    } else {
        out.append(contentsOf: digits[..<pointPosition])
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: digits[pointPosition...])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Returns Python's `repr(x)` for an int: plain decimal, `-` for negatives.
public func pyRepr(_ x: Int) -> String {
    String(x)
}

/// Splits a positive finite Swift `Double.description` (any of its forms: `0.0001`,
/// `100.0`, `1e-05`, `1.5e+16`, `5e-324`, `1.0e+16`, ...) into significant digits
/// (ASCII, no leading or trailing zeros, non-empty) and the decimal point position
/// `p`, meaning value = 0.d1d2d3... × 10^p. Returns `nil` for anything unexpected.
internal func shortestDigits(ofSwiftDescription text: String) -> (digits: [UInt8], pointPosition: Int)? {
    var digits: [UInt8] = []
    var integerDigitCount = 0
    var seenPoint = false
    var exponent = 0
    var bytes = text.utf8.makeIterator()

    mantissa: while let b = bytes.next() {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            digits.append(b)
            if !seenPoint { integerDigitCount += 1 }
        case UInt8(ascii: "."):
            guard !seenPoint else { return nil }
            seenPoint = true
        case UInt8(ascii: "e"), UInt8(ascii: "E"):
            var rest: [UInt8] = []
            while let c = bytes.next() { rest.append(c) }
            guard let e = Int(String(decoding: rest, as: UTF8.self)) else { return nil }
            exponent = e
            break mantissa
        default:
            return nil
        }
    }

    // Drop leading zeros (each shifts the point left) and trailing zeros.
    var first = 0
    while first < digits.count, digits[first] == UInt8(ascii: "0") { first += 1 }
    var last = digits.count
    while last > first, digits[last - 1] == UInt8(ascii: "0") { last -= 1 }
    guard first < last else { return nil }
    let (shifted, overflow) = (integerDigitCount - first).addingReportingOverflow(exponent)
    guard !overflow else { return nil }
    return (Array(digits[first..<last]), shifted)
}
