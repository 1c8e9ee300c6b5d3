import LRSchedSupport
import LRSchedJSON

/// Reads a saved state (a JSON object with torch's keys), checking every value's type.
/// Keys that are absent keep their current values, as torch's `__dict__.update`;
/// unknown keys are a ValueError. Non-finite doubles may be written as the strings
/// "Infinity", "-Infinity" and "NaN" (or Python's barewords).
///
/// The static functions check one value (`StateField` uses them); the instance reads
/// keys of one object and remembers which were asked for (`finish()`).
package struct StateReader {
    package let owner: String
    package let object: JSONObject
    private var known: Set<String> = []

    package init(_ value: JSONValue, owner: String) throws(LRSchedError) {
        guard case .object(let o) = value else {
            throw .value("\(owner) state must be a JSON object, got \(value.typeName)")
        }
        self.owner = owner
        self.object = o
    }

    // MARK: One value

    private static func bad(_ key: String, _ owner: String, _ want: String, _ v: JSONValue) -> LRSchedError {
        .value("\(owner) state: '\(key)' must be \(want), got \(v.typeName)")
    }

    package static func double(_ v: JSONValue, _ key: String, _ owner: String) throws(LRSchedError) -> Double {
        guard let d = v.numberOrNonFinite else { throw bad(key, owner, "a number", v) }
        return d
    }

    package static func finite(_ v: JSONValue, _ key: String, _ owner: String) throws(LRSchedError) -> Double {
        let d = try double(v, key, owner)
        guard d.isFinite else { throw .value("\(owner) state: '\(key)' must be finite, got \(pyRepr(d))") }
        return d
    }

    package static func optionalFinite(_ v: JSONValue, _ key: String, _ owner: String) throws(LRSchedError) -> Double? {
        if v.isNull { return nil }
        guard v.numberOrNonFinite != nil else { throw bad(key, owner, "a finite number or null", v) }
        return try finite(v, key, owner)
    }

    package static func int(_ v: JSONValue, _ key: String, _ owner: String) throws(LRSchedError) -> Int {
        guard case .int(let i) = v else { throw bad(key, owner, "an int", v) }
        return i
    }

    package static func bool(_ v: JSONValue, _ key: String, _ owner: String) throws(LRSchedError) -> Bool {
        guard case .bool(let b) = v else { throw bad(key, owner, "a bool", v) }
        return b
    }

    package static func string(_ v: JSONValue, _ key: String, _ owner: String) throws(LRSchedError) -> String {
        guard case .string(let s) = v else { throw bad(key, owner, "a str", v) }
        return s
    }

    package static func doubles(_ v: JSONValue, _ key: String, _ owner: String, finite: Bool = true) throws(LRSchedError) -> [Double] {
        guard case .array(let items) = v else { throw bad(key, owner, "a list of numbers", v) }
        var out: [Double] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let d = item.numberOrNonFinite else { throw bad(key, owner, "a list of numbers", v) }
            guard !finite || d.isFinite else {
                throw .value("\(owner) state: '\(key)' must hold finite numbers, got \(pyRepr(d))")
            }
            out.append(d)
        }
        return out
    }

    package static func ints(_ v: JSONValue, _ key: String, _ owner: String) throws(LRSchedError) -> [Int] {
        guard case .array(let items) = v else { throw bad(key, owner, "a list of ints", v) }
        var out: [Int] = []
        for item in items {
            guard case .int(let i) = item else { throw bad(key, owner, "a list of ints", v) }
            out.append(i)
        }
        return out
    }

    // MARK: Keys of one object

    package mutating func ignore(_ keys: String...) { for k in keys { known.insert(k) } }

    package mutating func value(_ key: String) -> JSONValue? {
        known.insert(key)
        return object[key]
    }

    package mutating func double(_ key: String, _ current: Double) throws(LRSchedError) -> Double {
        guard let v = value(key) else { return current }
        return try Self.double(v, key, owner)
    }

    package mutating func finite(_ key: String, _ current: Double) throws(LRSchedError) -> Double {
        guard let v = value(key) else { return current }
        return try Self.finite(v, key, owner)
    }

    package mutating func optionalFinite(_ key: String, _ current: Double?) throws(LRSchedError) -> Double? {
        guard let v = value(key) else { return current }
        return try Self.optionalFinite(v, key, owner)
    }

    package mutating func bool(_ key: String, _ current: Bool) throws(LRSchedError) -> Bool {
        guard let v = value(key) else { return current }
        return try Self.bool(v, key, owner)
    }

    package mutating func doubles(_ key: String, _ current: [Double], finite: Bool = true) throws(LRSchedError) -> [Double] {
        guard let v = value(key) else { return current }
        return try Self.doubles(v, key, owner, finite: finite)
    }

    /// Throws for keys no reader asked for.
    package func finish() throws(LRSchedError) {
        for k in object.keys where !known.contains(k) {
            throw .value("\(owner) state: unknown key '\(k)'")
        }
    }
}

/// `StateField`'s value checks, with the state reader's messages.
package typealias StateValue = StateReader
