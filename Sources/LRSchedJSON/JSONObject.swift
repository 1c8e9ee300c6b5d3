import LRSchedSupport

/// A JSON object (Python `dict` with `str` keys) that keeps insertion order.
///
/// Contracts:
/// - Iteration order (`keys`, `pairs`) is insertion order, like a Python 3.7+ dict.
/// - Assigning to an existing key replaces the value but keeps the key's original
///   position; this is also how duplicate keys in parsed JSON behave (last value wins,
///   first position kept — exactly Python's `json.loads`).
/// - Assigning `nil` removes the key (a no-op if absent).
/// - Keys are matched by their exact Unicode scalars (UTF-8 bytes), *not* by Swift's
///   canonical string equivalence, so `"é"` and `"e\u{301}"` are two different keys,
///   as in Python.
/// - `==` follows Python dict equality: same key set, equal values, order ignored.
public struct JSONObject: Sendable {
    /// Hashable wrapper comparing strings by UTF-8 bytes (Python `str` semantics).
    internal struct Key: Hashable, Sendable {
        var string: String

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.string.utf8.elementsEqual(rhs.string.utf8)
        }

        func hash(into hasher: inout Hasher) {
            let utf8 = string.utf8
            hasher.combine(utf8.count)
            let done: Void? = utf8.withContiguousStorageIfAvailable { buffer in
                hasher.combine(bytes: UnsafeRawBufferPointer(buffer))
            }
            if done == nil {
                for byte in utf8 { hasher.combine(byte) }
            }
        }
    }

    private var orderedKeys: [String] = []
    private var orderedValues: [JSONValue] = []
    private var index: [Key: Int] = [:]

    /// An empty object.
    public init() {}

    /// An object built from `pairs` in order; for a repeated key the last value wins
    /// and the first position is kept.
    public init(_ pairs: [(String, JSONValue)]) {
        orderedKeys.reserveCapacity(pairs.count)
        orderedValues.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// The keys in insertion order.
    public var keys: [String] { orderedKeys }

    /// The number of members.
    public var count: Int { orderedKeys.count }

    /// The value for `key`, or `nil` if absent. Setting a value keeps the position of an
    /// existing key (or appends a new one); setting `nil` removes the key.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = index[Key(string: key)] else { return nil }
            return orderedValues[i]
        }
        set {
            let k = Key(string: key)
            if let newValue {
                if let i = index[k] {
                    orderedValues[i] = newValue
                } else {
                    index[k] = orderedKeys.count
                    orderedKeys.append(key)
                    orderedValues.append(newValue)
                }
            } else if let i = index.removeValue(forKey: k) {
                orderedKeys.remove(at: i)
                orderedValues.remove(at: i)
                for j in i..<orderedKeys.count {
                    index[Key(string: orderedKeys[j])] = j
                }
            }
        }
    }

    /// The members in insertion order.
    public var pairs: [(key: String, value: JSONValue)] {
        var result: [(key: String, value: JSONValue)] = []
        result.reserveCapacity(orderedKeys.count)
        for i in orderedKeys.indices {
            result.append((key: orderedKeys[i], value: orderedValues[i]))
        }
        return result
    }
}

extension JSONObject: Equatable {
    /// Python dict equality: same keys (exact scalars) mapped to equal values; order ignored.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for i in lhs.orderedKeys.indices {
            guard let other = rhs[lhs.orderedKeys[i]], other == lhs.orderedValues[i] else {
                return false
            }
        }
        return true
    }
}
