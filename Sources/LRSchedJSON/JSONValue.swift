import LRSchedSupport

/// A parsed JSON document, modelled on the values Python's `json` module produces.
///
/// The int/float split mirrors Python: a number literal without `.`, `e` or `E` is an
/// `.int` (Python `int`), anything else — including the `Infinity`, `-Infinity` and
/// `NaN` extensions — is a `.float` (Python `float`).
///
/// Equality contract (chosen so that `==` is reflexive and exact, which the bit-exact
/// scheduler tests rely on):
/// - `.float` values compare by **bit pattern**: two NaNs with the same payload are equal,
///   and `.float(0.0) != .float(-0.0)`.
/// - `.int(1) != .float(1.0)` (the cases differ, unlike Python's `1 == 1.0`).
/// - `.string` values compare by their exact Unicode scalars (UTF-8 bytes), not by Swift's
///   canonical equivalence, so `"é"` (U+00E9) differs from `"e\u{301}"`, as in Python.
/// - `.object` values compare like Python dicts: same key set and equal values,
///   regardless of insertion order (see `JSONObject`).
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A number literal with no `.`, `e` or `E` (Python `int`), within the `Int` range.
    case int(Int)
    /// A literal with `.` or an exponent, or `Infinity`/`-Infinity`/`NaN` (Python `float`).
    case float(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case let (.bool(a), .bool(b)):
            return a == b
        case let (.int(a), .int(b)):
            return a == b
        case let (.float(a), .float(b)):
            return a.bitPattern == b.bitPattern
        case let (.string(a), .string(b)):
            return a.utf8.elementsEqual(b.utf8)
        case let (.array(a), .array(b)):
            return a == b
        case let (.object(a), .object(b)):
            return a == b
        default:
            return false
        }
    }
}

extension JSONValue {
    /// `true` iff the value is `.null` (Python `None`).
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The payload of `.bool`, otherwise `nil`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The payload of `.int` only (a `.float` yields `nil`, even if integral).
    public var intValue: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// The payload of `.float`, or an `.int` converted with `Double(_:)`
    /// (round-to-nearest-even, like Python's `float(int)` for values in range); otherwise `nil`.
    public var doubleValue: Double? {
        switch self {
        case .float(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }

    /// A number as lrsched writes one: an int or a float, or a non-finite double
    /// written as the string "Infinity", "-Infinity" or "NaN" (`JSON.serialize`'s
    /// spelling, also used by the vector files); otherwise `nil`.
    public var numberOrNonFinite: Double? {
        switch self {
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string("NaN"): return .nan
        default: return doubleValue
        }
    }

    /// The payload of `.string`, otherwise `nil`.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The payload of `.array`, otherwise `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The payload of `.object`, otherwise `nil`.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The member named `key` if the value is an object that contains it; `nil` otherwise
    /// (including when the value is not an object).
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// Python's type name for the value: `"NoneType"`, `"bool"`, `"int"`, `"float"`,
    /// `"str"`, `"list"` or `"dict"` (useful for reproducing Python's TypeError messages).
    public var typeName: String {
        switch self {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}

extension JSONValue {
    /// A list of floats.
    public static func floats(_ xs: [Double]) -> JSONValue { .array(xs.map { .float($0) }) }
    /// A list of ints.
    public static func ints(_ xs: [Int]) -> JSONValue { .array(xs.map { .int($0) }) }
}
