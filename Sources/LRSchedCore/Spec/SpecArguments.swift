import LRSchedSupport
import LRSchedJSON

/// The keyword arguments of one spec object, read with Python's type rules: a JSON
/// literal with `.` or an exponent is a float, otherwise an int. Every key must be
/// consumed; a leftover key is torch's TypeError ("got an unexpected keyword
/// argument"), a missing required one torch's "missing 1 required positional argument".
///
/// Built for a scheduler descriptor, it knows the parameters: `check()` applies Python's
/// call rules (an unexpected keyword, then a missing required argument, then each
/// value's kind, in declaration order) and the typed readers fall back to the declared
/// defaults, so a scheduler's defaults are written once, in its descriptor.
package struct SpecArguments {
    package let owner: String
    private let object: JSONObject
    /// The keys read so far (a reference: reading does not mutate the arguments).
    private final class Keys { var used: Set<String> = ["type"] }
    private let keys = Keys()
    private let parameters: [ParameterDescriptor]

    package init(_ object: JSONObject, owner: String) {
        self.object = object
        self.owner = owner
        self.parameters = []
    }

    package init(_ object: JSONObject, descriptor: SchedulerDescriptor) {
        self.object = object
        self.owner = descriptor.name
        self.parameters = descriptor.parameters
        for p in parameters { keys.used.insert(p.name) }
    }

    /// Python's call rules against the descriptor's parameters.
    package func check() throws(LRSchedError) {
        try finish()
        for p in parameters where p.defaultValue == nil && object[p.name] == nil {
            throw .type("\(owner).__init__() missing 1 required positional argument: '\(p.name)'")
        }
        for p in parameters {
            if let v = object[p.name] { try p.kind.check(v, key: p.name, owner: owner) }
        }
    }

    /// The value given for `key`, else its declared default (JSON null for None).
    package func value(_ key: String) throws(LRSchedError) -> JSONValue {
        keys.used.insert(key)
        if let v = object[key] { return v }
        guard let d = parameters.first(where: { $0.name == key })?.defaultValue else {
            throw .type("\(owner).__init__() missing 1 required positional argument: '\(key)'")
        }
        return d
    }

    /// A declared int parameter.
    package func int(_ key: String) throws(LRSchedError) -> Int {
        try Self.int(try value(key), key: key, owner: owner)
    }

    /// A declared float parameter.
    package func double(_ key: String) throws(LRSchedError) -> Double {
        try Self.double(try value(key), key: key, owner: owner)
    }

    /// A declared per-group float parameter.
    package func doubles(_ key: String) throws(LRSchedError) -> [Double] {
        try Self.doubles(try value(key), key: key, owner: owner)
    }

    /// A declared list-of-ints parameter.
    package func ints(_ key: String) throws(LRSchedError) -> [Int] {
        try Self.ints(try value(key), key: key, owner: owner)
    }

    package func bool(_ key: String) throws(LRSchedError) -> Bool {
        try Self.bool(try value(key), key: key, owner: owner)
    }

    package func string(_ key: String) throws(LRSchedError) -> String {
        try Self.string(try value(key), key: key, owner: owner)
    }

    /// A declared nullable parameter: nil for None.
    package func optional(_ key: String) throws(LRSchedError) -> JSONValue? {
        let v = try value(key)
        return v.isNull ? nil : v
    }

    /// The raw value (JSON null included); `nil` when absent.
    package mutating func raw(_ key: String) -> JSONValue? {
        keys.used.insert(key)
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

    package static func ints(_ v: JSONValue, key: String, owner: String) throws(LRSchedError) -> [Int] {
        guard case .array(let items) = v else {
            throw .type("\(owner): '\(key)' must be a list of ints, got \(v.typeName)")
        }
        var out: [Int] = []
        for item in items { out.append(try Self.int(item, key: key, owner: owner)) }
        return out
    }

    package mutating func bool(_ key: String, default d: Bool) throws(LRSchedError) -> Bool {
        guard let v = raw(key) else { return d }
        return try Self.bool(v, key: key, owner: owner)
    }

    package static func bool(_ v: JSONValue, key: String, owner: String) throws(LRSchedError) -> Bool {
        guard case .bool(let b) = v else {
            throw .type("\(owner): '\(key)' must be a bool, got \(v.typeName) \(Self.describe(v))")
        }
        return b
    }

    package mutating func string(_ key: String, default d: String) throws(LRSchedError) -> String {
        guard let v = raw(key) else { return d }
        return try Self.string(v, key: key, owner: owner)
    }

    package static func string(_ v: JSONValue, key: String, owner: String) throws(LRSchedError) -> String {
        guard case .string(let s) = v else {
            throw .type("\(owner): '\(key)' must be a str, got \(v.typeName) \(Self.describe(v))")
        }
        return s
    }

    /// Throws torch's TypeError for the first key not consumed.
    package func finish() throws(LRSchedError) {
        for k in object.keys where !keys.used.contains(k) {
            if owner == "param group" { throw .type("param group: unknown key '\(k)'") }
            throw Self.unexpected(k, owner: owner)
        }
    }

    /// torch's TypeError for a keyword the constructor does not take.
    package static func unexpected(_ key: String, owner: String) -> LRSchedError {
        .type("\(owner).__init__() got an unexpected keyword argument '\(key)'")
    }

    /// Python's `str()` of a JSON value, as torch's f-string messages show arguments
    /// ("but got 5.0", "but got x"): `describe` but strings unquoted.
    package static func pyStr(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return describe(v)
    }

    /// The int of a value torch checks with `isinstance(x, int)`: an int, or a bool
    /// (Python's bools are ints); nil otherwise.
    package static func pythonInt(_ v: JSONValue) -> Int? {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
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

extension SchedulerDescriptor {
    /// Checks one spec argument as building the spec would (the C spec builder checks
    /// each value when it is set): an undeclared key is torch's "unexpected keyword
    /// argument" TypeError, a value of the wrong kind the spec reader's TypeError. Values
    /// the scheduler checks itself (ranges, torch's int-or-float rules, enum strings) are
    /// checked when the spec is built.
    public func checkArgument(_ key: String, _ value: JSONValue) throws(LRSchedError) {
        guard key != "type", let p = parameters.first(where: { $0.name == key }) else {
            throw SpecArguments.unexpected(key, owner: name)
        }
        try p.kind.check(value, key: key, owner: name)
    }
}
