import LRSchedSupport
import LRSchedJSON

/// The keyword arguments of one spec object, read with Python's type rules: a JSON
/// literal with `.` or an exponent is a float, otherwise an int. Every key must be
/// consumed; a leftover key is torch's TypeError ("got an unexpected keyword
/// argument"), a missing required one torch's "missing 1 required positional argument".
package struct SpecArguments {
    package let owner: String
    private let object: JSONObject
    private var used: Set<String> = ["type"]

    package init(_ object: JSONObject, owner: String) {
        self.object = object
        self.owner = owner
    }

    /// The raw value (JSON null included); `nil` when absent.
    package mutating func raw(_ key: String) -> JSONValue? {
        used.insert(key)
        return object[key]
    }

    /// For the arguments torch lets be None: `nil` when absent or JSON null.
    package mutating func noneable(_ key: String) -> JSONValue? {
        guard let v = raw(key), !v.isNull else { return nil }
        return v
    }

    package mutating func required(_ key: String) throws(LRSchedError) -> JSONValue {
        guard let v = raw(key) else {
            throw .type("\(owner).__init__() missing 1 required positional argument: '\(key)'")
        }
        return v
    }

    /// An int argument. A float literal is a TypeError (torch would accept some floats
    /// here; lrsched keeps epoch counts integral — a documented deviation).
    package mutating func int(_ key: String, default d: Int) throws(LRSchedError) -> Int {
        guard let v = raw(key) else { return d }
        return try Self.int(v, key: key, owner: owner)
    }

    package mutating func int(_ key: String) throws(LRSchedError) -> Int {
        try Self.int(try required(key), key: key, owner: owner)
    }

    package static func int(_ v: JSONValue, key: String, owner: String) throws(LRSchedError) -> Int {
        guard case .int(let i) = v else {
            throw .type("\(owner): '\(key)' must be an int, got \(v.typeName) \(describe(v))")
        }
        return i
    }

    /// A float argument (an int is accepted and converted, as Python arithmetic does).
    package mutating func double(_ key: String, default d: Double) throws(LRSchedError) -> Double {
        guard let v = raw(key) else { return d }
        return try Self.double(v, key: key, owner: owner)
    }

    package mutating func double(_ key: String) throws(LRSchedError) -> Double {
        try Self.double(try required(key), key: key, owner: owner)
    }

    package static func double(_ v: JSONValue, key: String, owner: String) throws(LRSchedError) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        default: throw .type("\(owner): '\(key)' must be a number, got \(v.typeName) \(describe(v))")
        }
    }

    /// A float or a list of floats (one per group): torch's `_format_param` inputs.
    package mutating func doubles(_ key: String, default d: Double) throws(LRSchedError) -> [Double] {
        guard let v = raw(key) else { return [d] }
        return try Self.doubles(v, key: key, owner: owner)
    }

    package mutating func doubles(_ key: String) throws(LRSchedError) -> [Double] {
        try Self.doubles(try required(key), key: key, owner: owner)
    }

    /// Whether the argument was given as a list (torch distinguishes `0.1` from `[0.1]`).
    package func isList(_ key: String) -> Bool {
        if case .array = object[key] { return true }
        return false
    }

    package static func doubles(_ v: JSONValue, key: String, owner: String) throws(LRSchedError) -> [Double] {
        if case .array(let items) = v {
            var out: [Double] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try double(item, key: key, owner: owner)) }
            return out
        }
        return [try double(v, key: key, owner: owner)]
    }

    package mutating func ints(_ key: String) throws(LRSchedError) -> [Int] {
        let v = try required(key)
        guard case .array(let items) = v else {
            throw .type("\(owner): '\(key)' must be a list of ints, got \(v.typeName)")
        }
        var out: [Int] = []
        for item in items { out.append(try Self.int(item, key: key, owner: owner)) }
        return out
    }

    package mutating func bool(_ key: String, default d: Bool) throws(LRSchedError) -> Bool {
        guard let v = raw(key) else { return d }
        guard case .bool(let b) = v else {
            throw .type("\(owner): '\(key)' must be a bool, got \(v.typeName) \(Self.describe(v))")
        }
        return b
    }

    package mutating func string(_ key: String, default d: String) throws(LRSchedError) -> String {
        guard let v = raw(key) else { return d }
        guard case .string(let s) = v else {
            throw .type("\(owner): '\(key)' must be a str, got \(v.typeName) \(Self.describe(v))")
        }
        return s
    }

    /// Throws torch's TypeError for the first key not consumed.
    package func finish() throws(LRSchedError) {
        for k in object.keys where !used.contains(k) {
            if owner == "param group" { throw .type("param group: unknown key '\(k)'") }
            throw .type("\(owner).__init__() got an unexpected keyword argument '\(k)'")
        }
    }

    /// Python's `repr` of a JSON value, for messages.
    package static func describe(_ v: JSONValue) -> String {
        switch v {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return pyRepr(d)
        case .string(let s): return "'\(s)'"
        case .array(let a): return "[" + a.map(describe).joined(separator: ", ") + "]"
        case .object: return "{...}"
        }
    }
}
