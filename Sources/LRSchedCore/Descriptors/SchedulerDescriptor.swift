import LRSchedSupport
import LRSchedJSON

/// One keyword argument of a scheduler: its name, kind, default (nil when required)
/// and its documentation.
///
/// `tools/regen.py` generates docs/spec.md's parameter tables and the JSON Schema's
/// scheduler subschemas from these (through `lrsched-cli describe --json`).
public struct ParameterDescriptor: Sendable {
    public let name: String
    public let kind: ParameterKind
    /// The default as JSON (`.null` for None); nil for a required argument.
    public let defaultValue: JSONValue?
    /// What the value may be and what happens otherwise, with the library's messages
    /// (Markdown: the "constraints" column of docs/spec.md).
    public let doc: String
    /// Extra JSON Schema keywords for the JSON Schema's subschema of this argument,
    /// over the ones its kind gives (`["minimum": 1]`; `"type": "integer"` for a
    /// `.number` that must be an int).
    public let schema: JSONObject?
    /// The type as docs/spec.md writes it, where the kind's wording is not it.
    public let docType: String?
    /// The default as the docs write it, where the JSON value is not it (`1.0/3`).
    public let docDefault: String?

    public init(_ name: String, _ kind: ParameterKind, default defaultValue: JSONValue? = nil,
                docType: String? = nil, docDefault: String? = nil, schema: JSONObject? = nil, doc: String = "") {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.doc = doc
        self.schema = schema
        self.docType = docType
        self.docDefault = docDefault
    }

    /// torch's `last_epoch=-1`: the index of the last epoch when resuming (-1: a fresh start).
    public static let lastEpoch = ParameterDescriptor("last_epoch", .int, default: .int(-1), doc: "≥ −1")

    /// The parameter as JSON for `lrsched_describe()`.
    public var json: JSONValue {
        var o = JSONObject([("name", .string(name)), ("kind", kind.json), ("required", .bool(defaultValue == nil))])
        if let defaultValue { o["default"] = defaultValue }
        o["python_type"] = .string(kind.pythonType)
        o["doc"] = .string(doc)
        if let schema { o["schema"] = .object(schema) }
        if let docType { o["doc_type"] = .string(docType) }
        if let docDefault { o["doc_default"] = .string(docDefault) }
        return .object(o)
    }
}

/// How a scheduler steps: `lrsched_scheduler_flags()` in C.
public struct SchedulerFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Steps on a metric (`step(metric:)`, `lrsched_scheduler_step_metric`).
    public static let metric = SchedulerFlags(rawValue: 1)
    /// `step(epoch)` takes fractional epochs and is not deprecated (no torch warning).
    public static let fractionalEpoch = SchedulerFlags(rawValue: 2)
    /// Holds child schedulers (their states are nested in its state).
    public static let composite = SchedulerFlags(rawValue: 4)
    /// `step(epoch)` is a TypeError: it takes no epoch.
    public static let noEpoch = SchedulerFlags(rawValue: 8)
    /// Stepped with its index given explicitly, timm's `step(epoch, metric)`
    /// (`LRScheduler.stepIndex` `.epoch`; an instance's flag: it follows `t_in_epochs`).
    public static let stepsAtEpoch = SchedulerFlags(rawValue: 16)
    /// Stepped with timm's `step_update(num_updates, metric)` (`stepIndex` `.update`).
    public static let stepsAtUpdate = SchedulerFlags(rawValue: 32)
    /// Has timm's `get_cycle_length(cycles=0)` (`TimmScheduler.cycleLength(cycles:)`,
    /// `lrsched_scheduler_cycle_length`): cosine, tanh, poly and WSD.
    public static let cycles = SchedulerFlags(rawValue: 64)

    /// The flags' names, for `lrsched_describe()`.
    public var names: [String] {
        [(Self.metric, "metric"), (.fractionalEpoch, "fractional_epoch"), (.composite, "composite"),
         (.noEpoch, "no_epoch"), (.stepsAtEpoch, "steps_at_epoch"), (.stepsAtUpdate, "steps_at_update"),
         (.cycles, "cycles")]
            .filter { contains($0.0) }.map(\.1)
    }
}

/// What a spec's build function gets besides its arguments: the optimizer, the lr
/// function resolver, and a way to build nested specs.
public struct SpecContext {
    public let optimizer: OptimizerState
    public let lrFunctions: SchedulerSpec.Resolver
    /// The caller's functions of a float by name (`.realFunction` arguments: C's
    /// `lrsched_spec_set_real_fn`, Python callables); nil for a name it does not have.
    public var realFunctions: SchedulerSpec.RealResolver = { _ in nil }

    /// Builds a nested spec on the same optimizer.
    public func build(_ spec: JSONValue) throws(LRSchedError) -> LRScheduler {
        try SchedulerSpec.build(spec, optimizer: optimizer, lrFunctions: lrFunctions, realFunctions: realFunctions)
    }
}

/// Everything lrsched knows about one scheduler class besides its arithmetic: its
/// name, parameters, how it steps, the state it saves and the attributes front ends
/// expose; and how to build it from a spec. Each scheduler declares its own, next to
/// its arithmetic, as `static let descriptor`; `SchedulerRegistry` lists them.
///
/// Spec building, state save/load/copy, type lookup, `lrsched_describe()` and the
/// generated Python signatures, stubs, JSON Schema and doc tables are driven by it.
public struct SchedulerDescriptor: @unchecked Sendable {
    /// The class name (`"StepLR"`).
    public let name: String
    /// The library whose schedule this is (`"torch"`).
    public let library: String
    /// One line: what the schedule does.
    public let summary: String
    /// The keyword arguments of a spec, in the constructor's order (no optimizer).
    public let parameters: [ParameterDescriptor]
    public let flags: SchedulerFlags
    /// The `state_dict()` entries, in the order they are saved.
    package let state: [StateField]
    /// Builds the scheduler from checked arguments.
    package let build: (SpecArguments, SpecContext) throws(LRSchedError) -> LRScheduler
    /// `name` as a NUL-terminated C string with static storage (descriptors are built
    /// once; C's `lrsched_scheduler_type`).
    public let cName: UnsafePointer<CChar>

    package init(_ name: String, library: String = "torch", summary: String,
                 parameters: [ParameterDescriptor], flags: SchedulerFlags = [], state: [StateField],
                 build: @escaping (SpecArguments, SpecContext) throws(LRSchedError) -> LRScheduler) {
        self.name = name
        self.library = library
        self.summary = summary
        self.parameters = parameters
        self.flags = flags
        self.state = state
        self.build = build
        let bytes = Array(name.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        self.cName = UnsafePointer(p)
    }

    /// Another spec type that builds this scheduler with the same arguments (a library's
    /// factory function: transformers' `get_reduce_on_plateau_schedule`).
    package func alias(_ name: String, library: String, summary: String) -> SchedulerDescriptor {
        SchedulerDescriptor(name, library: library, summary: summary, parameters: parameters, flags: flags,
                            state: state, build: build)
    }

    /// The keys of `state_dict()`, in order.
    public var stateKeys: [String] { state.map(\.key) }

    /// The state entries front ends expose as read-only attributes (torch's
    /// `sched.gamma`, `sched.T_cur`): the class's own, public (no leading `_`) ones.
    public var attributes: [String] { state.filter(\.isAttribute).map(\.key) }

    /// The descriptor as JSON (`lrsched_describe()`).
    public var json: JSONValue {
        .object(JSONObject([
            ("name", .string(name)), ("library", .string(library)), ("summary", .string(summary)),
            ("flags", .array(flags.names.map { .string($0) })),
            ("parameters", .array(parameters.map(\.json))),
            ("state_keys", .array(stateKeys.map { .string($0) })),
            ("attributes", .array(attributes.map { .string($0) })),
            ("attribute_types", .object(JSONObject(state.filter(\.isAttribute).map { ($0.key, .string($0.pythonType)) }))),
        ]))
    }
}
