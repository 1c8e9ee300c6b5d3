import LRSchedSupport
import LRSchedJSON

/// What a scheduler's keyword argument takes, as torch (or transformers, timm) accepts it.
///
/// The kind drives the spec reader's type checks (and their messages), the C spec
/// builder's checks at set time, `lrsched_describe()`, and everything generated from it
/// (Python signatures and stubs, the JSON Schema, the tables of docs/spec.md).
///
/// A struct rather than an indirect enum: kinds live in global descriptors, and an
/// indirect enum's boxes are held through tagged pointers that leak checkers report.
public struct ParameterKind: Sendable, Equatable {
    /// The kinds, by name.
    public enum Name: String, Sendable {
        case int, float, bool, string, list, tuple, perGroup = "per_group", nullable, union
        case lrFunction = "lr_function", scaleFunction = "scale_function", schedulers, number, mapping
        case realFunction = "real_function"
    }

    public let name: Name
    /// The nested kinds: the element of `list`, `per_group` and `nullable`; the members
    /// of `tuple` and `union`.
    public let of: [ParameterKind]
    /// A string's accepted values (empty: any).
    public let choices: [String]

    private init(_ name: Name, of: [ParameterKind] = [], choices: [String] = []) {
        self.name = name
        self.of = of
        self.choices = choices
    }

    /// A Python int (JSON without `.` or exponent).
    public static let int = ParameterKind(.int)
    /// A Python float; an int is accepted and converted, as Python arithmetic does.
    public static let float = ParameterKind(.float)
    public static let bool = ParameterKind(.bool)
    /// Any number (int or float), checked by the scheduler itself with its library's
    /// message (torch's `T_0`, `total_steps`, `pct_start` type rules).
    public static let number = ParameterKind(.number)
    /// An lr function of the epoch (`lr_lambda`): a name of `NamedLRFunction` in JSON, a
    /// callable from Python, an `lrsched_lr_fn` from C; or a list, one per group.
    public static let lrFunction = ParameterKind(.lrFunction)
    /// A scale function of the cycle or iteration (CyclicLR's `scale_fn`), or None.
    public static let scaleFunction = ParameterKind(.scaleFunction)
    /// Nested scheduler specs (a list), built on the same optimizer.
    public static let schedulers = ParameterKind(.schedulers)
    /// Keyword arguments passed on to another schedule (a dict; transformers'
    /// `scheduler_specific_kwargs`).
    public static let mapping = ParameterKind(.mapping)

    /// A function of a float (timm's WSD `decay_fn(progress)`): one of the library's
    /// named functions (`choices`, a str in JSON and C), a callable from Python, an
    /// `lrsched_real_fn` from C (`lrsched_spec_set_real_fn`).
    public static func realFunction(choices: [String]) -> ParameterKind { ParameterKind(.realFunction, choices: choices) }
    /// A str; `choices` lists the accepted values (empty: any). The value is checked by
    /// the scheduler, in its library's order and with its message.
    public static func string(choices: [String]) -> ParameterKind { ParameterKind(.string, choices: choices) }
    /// A list of values of one kind.
    public static func list(_ k: ParameterKind) -> ParameterKind { ParameterKind(.list, of: [k]) }
    /// A fixed-length list (a tuple), e.g. a pair of ints.
    public static func tuple(_ ks: [ParameterKind]) -> ParameterKind { ParameterKind(.tuple, of: ks) }
    /// One value for every group, or a list with one value per group.
    public static func perGroup(_ k: ParameterKind) -> ParameterKind { ParameterKind(.perGroup, of: [k]) }
    /// The kind, or None (JSON null).
    public static func nullable(_ k: ParameterKind) -> ParameterKind { ParameterKind(.nullable, of: [k]) }
    /// Any of the kinds (in the order they are tried).
    public static func union(_ ks: [ParameterKind]) -> ParameterKind { ParameterKind(.union, of: ks) }

    private var element: ParameterKind { of.first ?? .number }

    /// The kind as Python would write it in a signature (`int`, `float | list[float]`...).
    public var pythonType: String {
        switch name {
        case .int: return "int"
        case .float, .number: return "float"
        case .bool: return "bool"
        case .string:
            return choices.isEmpty ? "str" : "Literal[" + choices.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .list: return "Sequence[\(element.pythonType)]"
        case .tuple: return "tuple[" + of.map(\.pythonType).joined(separator: ", ") + "]"
        case .perGroup: return "\(element.pythonType) | Sequence[\(element.pythonType)]"
        case .nullable: return "\(element.pythonType) | None"
        case .union: return of.map(\.pythonType).joined(separator: " | ")
        case .lrFunction: return "Callable[[int], float] | Sequence[Callable[[int], float]]"
        case .scaleFunction: return "Callable[[float], float] | None"
        case .realFunction:
            return "Literal[" + choices.map { "\"\($0)\"" }.joined(separator: ", ") + "] | Callable[[float], float]"
        case .schedulers: return "Sequence[LRScheduler]"
        case .mapping: return "dict[str, Any]"
        }
    }

    /// The kind as JSON (`{"kind": "per_group", "of": {"kind": "float"}}`).
    public var json: JSONValue {
        var o = JSONObject([("kind", .string(name.rawValue))])
        switch name {
        case .string, .realFunction: o["choices"] = .array(choices.map { .string($0) })
        case .list, .perGroup, .nullable: o["of"] = element.json
        case .tuple, .union: o["of"] = .array(of.map(\.json))
        default: break
        }
        return .object(o)
    }

    /// Whether `v` is a value of this kind (no message; see `check`).
    package func accepts(_ v: JSONValue) -> Bool {
        switch (name, v) {
        case (.int, .int), (.bool, .bool), (.float, .int), (.float, .float), (.number, .int), (.number, .float):
            return true
        case (.string, .string), (.lrFunction, .string), (.scaleFunction, .string), (.scaleFunction, .null),
             (.realFunction, .string):
            return true
        case (.list, .array(let items)), (.perGroup, .array(let items)): return items.allSatisfy(element.accepts)
        case (.tuple, .array(let items)): return of.count == items.count && zip(of, items).allSatisfy { $0.accepts($1) }
        case (.perGroup, _): return element.accepts(v)
        case (.nullable, .null): return true
        case (.nullable, _): return element.accepts(v)
        case (.union, _): return of.contains { $0.accepts(v) }
        case (.lrFunction, .array(let items)): return items.allSatisfy { $0.stringValue != nil }
        case (.schedulers, .array(let items)): return items.allSatisfy { $0.objectValue != nil }
        case (.mapping, .object): return true
        default: return false
        }
    }

    /// Checks `v` against the kind with the spec reader's messages (TypeError
    /// `"StepLR: 'step_size' must be an int, got float 10.0"`). Numbers, lr functions and
    /// scale functions are left to the scheduler, which checks them with its library's
    /// messages.
    package func check(_ v: JSONValue, key: String, owner: String) throws(LRSchedError) {
        switch name {
        case .int: _ = try SpecArguments.int(v, key: key, owner: owner)
        case .float: _ = try SpecArguments.double(v, key: key, owner: owner)
        case .bool: _ = try SpecArguments.bool(v, key: key, owner: owner)
        case .string, .realFunction: _ = try SpecArguments.string(v, key: key, owner: owner)
        case .list where element == .int: _ = try SpecArguments.ints(v, key: key, owner: owner)
        case .perGroup where element == .float: _ = try SpecArguments.doubles(v, key: key, owner: owner)
        case .nullable: if !v.isNull { try element.check(v, key: key, owner: owner) }
        case .schedulers:
            guard case .array = v else {
                throw .type("\(owner): '\(key)' must be a list of scheduler specs, got \(v.typeName)")
            }
        case .number, .lrFunction, .scaleFunction: return
        default:
            if !accepts(v) {
                throw .type("\(owner): '\(key)' must be \(description), got \(v.typeName) \(SpecArguments.describe(v))")
            }
        }
    }

    /// "an int", "a number", "a list of ints"... for messages.
    public var description: String {
        switch name {
        case .int: return "an int"
        case .float, .number: return "a number"
        case .bool: return "a bool"
        case .string: return "a str"
        case .list: return element == .int ? "a list of ints" : "a list of \(element.pythonType)"
        case .tuple: return "a list of \(of.count) values"
        case .perGroup: return "\(element.description) or a list of them (one per group)"
        case .nullable: return "\(element.description) or None"
        case .union: return of.map(\.description).joined(separator: " or ")
        case .lrFunction: return "a function name or a list of them"
        case .scaleFunction: return "a function name or None"
        case .realFunction: return "a function name"
        case .schedulers: return "a list of scheduler specs"
        case .mapping: return "a dict of keyword arguments"
        }
    }
}
