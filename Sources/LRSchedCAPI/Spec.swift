import LRSched
import LRSchedCShims

// lrsched_spec_*: a scheduler spec built key by key, then lrsched_scheduler_create
// (include/lrsched.h, "Specs"). Any scheduler the library has is reachable this way
// without a symbol of its own: the spec is the JSON spec in memory, plus the C lr
// functions it names. Every value is checked against the scheduler's descriptor when
// it is set, with the messages the JSON path gives.

/// What an `lrsched_spec *` points to.
final class SpecHandle {
    let descriptor: SchedulerDescriptor
    /// The spec as JSON: C lr functions appear as names (`"<fn0>"`...) of `functions`.
    var object: JSONObject
    var functions: [String: LRLambda] = [:]
    /// C functions of a float (`lrsched_spec_set_real_fn`), named as `functions` are.
    var realFunctions: [String: RealFunction] = [:]

    init(_ descriptor: SchedulerDescriptor) {
        self.descriptor = descriptor
        self.object = JSONObject([("type", .string(descriptor.name))])
    }

    /// A name for a new function, unused in this spec.
    func newFunctionName() -> String { "<fn\(functions.count + realFunctions.count)>" }

    /// Sets `key` after the descriptor's check; nothing changes on failure.
    func set(_ key: String, _ value: JSONValue) throws(CFailure) {
        try core { () throws(LRSchedError) in try descriptor.checkArgument(key, value) }
        object[key] = value
    }

    /// The parameter `key`, which must be of `kind` (a C builder call for another kind
    /// is a TypeError naming it).
    func parameter(_ key: String, of kind: ParameterKind.Name, _ call: String) throws(CFailure) {
        try parameter(key, of: [kind], call)
    }

    /// The kind of parameter `key`, one of `kinds` (nil for a key the descriptor's own
    /// check accepts without a parameter); TypeError for a parameter of another kind.
    @discardableResult
    func parameter(_ key: String, of kinds: [ParameterKind.Name], _ call: String) throws(CFailure) -> ParameterKind.Name? {
        guard let p = descriptor.parameters.first(where: { $0.name == key }) else {
            try core { () throws(LRSchedError) in try descriptor.checkArgument(key, .null) }
            return nil
        }
        let name = p.kind.name == .nullable ? p.kind.of.first?.name : p.kind.name
        guard let name, kinds.contains(name) else {
            throw .type("\(descriptor.name): '\(key)' takes \(p.kind.description), not \(call)")
        }
        return name
    }

    /// This spec as a value inside another (`into`'s function names are renamed so that
    /// they stay unique there).
    func value(mergingInto parent: SpecHandle) -> JSONValue {
        var renamed: [String: String] = [:]
        for (name, f) in functions.sorted(by: { $0.key < $1.key }) {
            let new = parent.newFunctionName()
            parent.functions[new] = f
            renamed[name] = new
        }
        for (name, f) in realFunctions.sorted(by: { $0.key < $1.key }) {
            let new = parent.newFunctionName()
            parent.realFunctions[new] = f
            renamed[name] = new
        }
        return Self.rename(.object(object), renamed)
    }

    private static func rename(_ v: JSONValue, _ names: [String: String]) -> JSONValue {
        switch v {
        case .string(let s): return .string(names[s] ?? s)
        case .array(let items): return .array(items.map { rename($0, names) })
        case .object(let o):
            var out = JSONObject()
            for (k, x) in o.pairs { out[k] = rename(x, names) }
            return .object(out)
        default: return v
        }
    }

    /// Resolves this spec's function names, then the library's named functions.
    var resolver: SchedulerSpec.Resolver {
        let functions = self.functions
        return { (name) throws(LRSchedError) -> LRLambda in
            if let f = functions[name] { return f }
            return try SchedulerSpec.standardResolver(name)
        }
    }
}

@inline(__always)
private func spec(_ p: OpaquePointer?, _ name: String = "spec") throws(CFailure) -> SpecHandle {
    try typedHandle(p, name, "lrsched_spec", as: SpecHandle.self)
}

/// A NUL-terminated key.
private func key(_ p: UnsafePointer<CChar>?) throws(CFailure) -> String {
    guard let p else { throw .null("key") }
    return String(cString: p)
}

/// Sets one value: the common body of the setters.
@inline(__always)
private func setter(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?,
                    _ value: () throws(CFailure) -> JSONValue) -> Int32 {
    capi { () throws(CFailure) in
        let h = try spec(s)
        try h.set(try key(k), try value())
    }
}

@_cdecl("lrsched_spec_create")
public func lrsched_spec_create(_ type: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let out = try output(out)
        guard let type else { throw .null("type") }
        let name = String(cString: type)
        guard let d = SchedulerRegistry.descriptor(named: name) else {
            throw .type("unknown scheduler type '\(name)' (known: \(SchedulerRegistry.names.joined(separator: ", ")))")
        }
        out.pointee = retainedHandle(SpecHandle(d))
    }
}

@_cdecl("lrsched_spec_create_from_json")
public func lrsched_spec_create_from_json(_ json: UnsafePointer<CChar>?, _ len: UInt,
                                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let out = try output(out)
        let value = try parseJSON(json, len, "json")
        guard case .object(let o) = value else { throw .type("a scheduler spec must be an object, got \(value.typeName)") }
        guard case .string(let name)? = o["type"] else { throw .type("scheduler spec has no 'type' str") }
        guard let d = SchedulerRegistry.descriptor(named: name) else {
            throw .type("unknown scheduler type '\(name)' (known: \(SchedulerRegistry.names.joined(separator: ", ")))")
        }
        let h = SpecHandle(d)
        for (k, v) in o.pairs where k != "type" { try h.set(k, v) }
        out.pointee = retainedHandle(h)
    }
}

@_cdecl("lrsched_spec_free")
public func lrsched_spec_free(_ s: OpaquePointer?) {
    releaseHandle(s, as: SpecHandle.self)
}

@_cdecl("lrsched_spec_set_int")
public func lrsched_spec_set_int(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?, _ v: Int64) -> Int32 {
    setter(s, k) { () throws(CFailure) in .int(try int(v, "value")) }
}

@_cdecl("lrsched_spec_set_double")
public func lrsched_spec_set_double(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?, _ v: Double) -> Int32 {
    setter(s, k) { () throws(CFailure) in .float(v) }
}

@_cdecl("lrsched_spec_set_bool")
public func lrsched_spec_set_bool(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?, _ v: Int32) -> Int32 {
    setter(s, k) { () throws(CFailure) in .bool(v != 0) }
}

@_cdecl("lrsched_spec_set_string")
public func lrsched_spec_set_string(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?, _ v: UnsafePointer<CChar>?) -> Int32 {
    setter(s, k) { () throws(CFailure) in
        guard let v else { throw .null("value") }
        return .string(String(cString: v))
    }
}

@_cdecl("lrsched_spec_set_null")
public func lrsched_spec_set_null(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?) -> Int32 {
    setter(s, k) { () throws(CFailure) in .null }
}

@_cdecl("lrsched_spec_set_ints")
public func lrsched_spec_set_ints(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?, _ v: UnsafePointer<Int64>?,
                                  _ n: UInt) -> Int32 {
    setter(s, k) { () throws(CFailure) in .ints(try ints(v, n, "values")) }
}

@_cdecl("lrsched_spec_set_doubles")
public func lrsched_spec_set_doubles(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?, _ v: UnsafePointer<Double>?,
                                     _ n: UInt) -> Int32 {
    setter(s, k) { () throws(CFailure) in .floats(try array(v, n, "values")) }
}

@_cdecl("lrsched_spec_add_child")
public func lrsched_spec_add_child(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?, _ child: OpaquePointer?) -> Int32 {
    capi { () throws(CFailure) in
        let h = try spec(s)
        let c = try spec(child, "child")
        let name = try key(k)
        try h.parameter(name, of: .schedulers, "lrsched_spec_add_child")
        if c === h { throw .value("a spec cannot be its own child") }
        var items = h.object[name]?.arrayValue ?? []
        let saved = h.functions
        items.append(c.value(mergingInto: h))
        do throws(CFailure) {
            try h.set(name, .array(items))
        } catch {
            h.functions = saved
            throw error
        }
    }
}

@_cdecl("lrsched_spec_set_lr_fns")
public func lrsched_spec_set_lr_fns(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?,
                                    _ fns: UnsafePointer<LRFunctionPointer?>?,
                                    _ userData: UnsafePointer<UnsafeMutableRawPointer?>?, _ n: UInt) -> Int32 {
    capi { () throws(CFailure) in
        let h = try spec(s)
        let name = try key(k)
        let kind = try h.parameter(name, of: [.lrFunction, .scaleFunction], "lrsched_spec_set_lr_fns")
        let fs = try array(fns, n, "fns")
        if fs.isEmpty { throw .value("lr functions: n must be at least 1") }
        if kind == .scaleFunction && fs.count != 1 { throw .value("'\(name)' takes one function: n must be 1") }
        let users: [UnsafeMutableRawPointer?] = userData == nil
            ? Array(repeating: nil, count: fs.count) : try array(userData, n, "user_data")
        var names: [JSONValue] = []
        var added: [String: LRLambda] = [:]
        for (i, f) in fs.enumerated() {
            guard let f else { throw .null("fns[\(i)]") }
            let fname = "<fn\(h.functions.count + i)>"
            added[fname] = lambda(f, users[i])
            names.append(.string(fname))
        }
        try h.set(name, names.count == 1 ? names[0] : .array(names))
        h.functions.merge(added) { _, new in new }
    }
}

@_cdecl("lrsched_spec_set_real_fn")
public func lrsched_spec_set_real_fn(_ s: OpaquePointer?, _ k: UnsafePointer<CChar>?, _ fn: RealFunctionPointer?,
                                     _ user: UnsafeMutableRawPointer?) -> Int32 {
    capi { () throws(CFailure) in
        let h = try spec(s)
        let name = try key(k)
        try h.parameter(name, of: .realFunction, "lrsched_spec_set_real_fn")
        guard let fn else { throw .null("fn") }
        let fname = h.newFunctionName()
        try h.set(name, .string(fname))
        h.realFunctions[fname] = realFunction(fn, user, name)
    }
}

@_cdecl("lrsched_scheduler_create")
public func lrsched_scheduler_create(_ opt: OpaquePointer?, _ s: OpaquePointer?,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        let h = try spec(s)
        let out = try output(out)
        try requireNotInCallback("lrsched_scheduler_create")
        let built = try core { () throws(LRSchedError) in
            try SchedulerSpec.build(.object(h.object), optimizer: o, lrFunctions: h.resolver,
                                    realFunctions: { [real = h.realFunctions] in real[$0] })
        }
        out.pointee = retainedHandle(SchedulerHandle(built))
    }
}
