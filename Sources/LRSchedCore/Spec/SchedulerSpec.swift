import LRSchedSupport
import LRSchedJSON

/// Builds schedulers from JSON specs in the conformance format: `{"type": NAME,
/// ...torch keyword arguments...}` with torch's class names, keyword names and defaults.
///
/// A nested spec is built as the Python expression it stands for:
/// `{"type": "SequentialLR", "schedulers": [A, B], "milestones": [5]}` constructs A, then
/// B, on the live optimizer, then the SequentialLR. `lr_lambda` names one of
/// `NamedLRFunction`'s functions (or lists one per group); callers may resolve other
/// names with `lrFunctions`.
public enum SchedulerSpec {
    /// Resolves a name in `lr_lambda` to a function; the default knows `NamedLRFunction`.
    public typealias Resolver = (String) throws(LRSchedError) -> LRLambda
    /// Functions of a float by name (`.realFunction` arguments); nil: not the caller's.
    public typealias RealResolver = (String) -> RealFunction?

    public static func standardResolver(_ name: String) throws(LRSchedError) -> LRLambda {
        try NamedLRFunction.named(name).lambda
    }

    /// The type names a spec may use (`SchedulerRegistry.names`).
    public static var typeNames: [String] { SchedulerRegistry.names }

    /// Builds one scheduler (children first) on `optimizer`.
    ///
    /// - Throws: the errors torch raises for the same arguments (kind and message), a
    ///   TypeError for unknown keywords, wrong JSON types or an unknown `type`, and a
    ///   ValueError for an unknown lr function name.
    public static func build(_ spec: JSONValue, optimizer: OptimizerState,
                             lrFunctions: @escaping Resolver = standardResolver,
                             realFunctions: @escaping RealResolver = { _ in nil }) throws(LRSchedError) -> LRScheduler {
        guard case .object(let obj) = spec else {
            throw .type("a scheduler spec must be an object, got \(spec.typeName)")
        }
        guard let typeValue = obj["type"] else { throw .type("scheduler spec has no 'type'") }
        guard case .string(let type) = typeValue else {
            throw .type("scheduler spec 'type' must be a str, got \(typeValue.typeName)")
        }
        guard let d = SchedulerRegistry.descriptor(named: type) else {
            throw .type("unknown scheduler type '\(type)' (known: \(typeNames.joined(separator: ", ")))")
        }
        let a = SpecArguments(obj, descriptor: d)
        try a.check()
        var context = SpecContext(optimizer: optimizer, lrFunctions: lrFunctions)
        context.realFunctions = realFunctions
        return try d.build(a, context)
    }

    /// `lr_lambda`: a function name, or a list of them (one per group).
    package static func lambdas(_ a: SpecArguments, _ c: SpecContext) throws(LRSchedError) -> LRLambdas {
        let v = try a.value("lr_lambda")
        let type = a.owner
        func one(_ v: JSONValue) throws(LRSchedError) -> LRLambda {
            guard case .string(let name) = v else {
                if type == "MultiplicativeLR" {
                    throw .type("lr_lambda should be a function, but got \(v.typeName)")
                }
                throw .type("'\(v.typeName)' object is not callable")
            }
            return try c.lrFunctions(name)
        }
        if case .array(let items) = v {
            var fns: [LRLambda] = []
            for item in items { fns.append(try one(item)) }
            return .perGroup(fns)
        }
        return .shared(try one(v))
    }

    /// `schedulers`: the nested specs, built in order on the same optimizer.
    package static func children(_ a: SpecArguments, _ c: SpecContext) throws(LRSchedError) -> [LRScheduler] {
        guard case .array(let items) = try a.value("schedulers") else { return [] }
        var out: [LRScheduler] = []
        for item in items { out.append(try c.build(item)) }
        return out
    }
}
