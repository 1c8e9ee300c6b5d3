import LRSchedSupport
import LRSchedJSON

/// transformers' `get_scheduler(name, optimizer, num_warmup_steps=None,
/// num_training_steps=None, scheduler_specific_kwargs=None)`: the schedule of a
/// `SchedulerType` name, built with the arguments transformers passes it (the spec of
/// that `hf.<function>`, then its own checks).
///
/// - Throws: ValueError for a name that is no `SchedulerType` value, and when the
///   schedule needs `num_warmup_steps` or `num_training_steps` and it is None, with
///   transformers' messages; TypeError when `scheduler_specific_kwargs` repeats an
///   argument `get_scheduler` passes itself.
package enum GetScheduler {
    /// transformers' `SchedulerType`: (member, value, function), in its order.
    static let types: [(member: String, value: String, function: String)] = [
        ("LINEAR", "linear", "get_linear_schedule_with_warmup"),
        ("COSINE", "cosine", "get_cosine_schedule_with_warmup"),
        ("COSINE_WITH_RESTARTS", "cosine_with_restarts", "get_cosine_with_hard_restarts_schedule_with_warmup"),
        ("POLYNOMIAL", "polynomial", "get_polynomial_decay_schedule_with_warmup"),
        ("CONSTANT", "constant", "get_constant_schedule"),
        ("CONSTANT_WITH_WARMUP", "constant_with_warmup", "get_constant_schedule_with_warmup"),
        ("INVERSE_SQRT", "inverse_sqrt", "get_inverse_sqrt_schedule"),
        ("REDUCE_ON_PLATEAU", "reduce_lr_on_plateau", "get_reduce_on_plateau_schedule"),
        ("COSINE_WITH_MIN_LR", "cosine_with_min_lr", "get_cosine_with_min_lr_schedule_with_warmup"),
        ("COSINE_WARMUP_WITH_MIN_LR", "cosine_warmup_with_min_lr", "get_cosine_with_min_lr_schedule_with_warmup_lr_rate"),
        ("WARMUP_STABLE_DECAY", "warmup_stable_decay", "get_wsd_schedule"),
        ("GREEDY", "greedy", "get_greedy_schedule"),
    ]

    package static let descriptor = SchedulerDescriptor(
        "hf.get_scheduler", library: "transformers",
        summary: "the schedule of a transformers SchedulerType name (linear, cosine, warmup_stable_decay, ...)",
        parameters: [
            .init("name", .string(choices: types.map(\.value)),
                  doc: "a `SchedulerType` value: else `ValueError: ... is not a valid SchedulerType, please select one of [...]`"),
            .init("num_warmup_steps", .nullable(.int), default: .null,
                  doc: "required by every schedule but `constant`, `reduce_lr_on_plateau` and `greedy`"),
            .init("num_training_steps", .nullable(.int), default: .null,
                  doc: "required by the schedules that also take it (not `constant_with_warmup`, `inverse_sqrt`; optional for `warmup_stable_decay`)"),
            .init("scheduler_specific_kwargs", .nullable(.mapping), default: .null,
                  doc: "the schedule's other keyword arguments"),
        ],
        state: [],
        build: { (a, c) throws(LRSchedError) in try c.build(.object(try spec(a))) })

    /// The spec `get_scheduler` builds: the function of `name` with the arguments
    /// transformers passes it.
    static func spec(_ a: SpecArguments) throws(LRSchedError) -> JSONObject {
        let name = try a.string("name")
        guard let t = types.first(where: { $0.value == name }) else {
            let values = types.map { "'\($0.value)'" }.joined(separator: ", ")
            throw .value("\(name) is not a valid SchedulerType, please select one of [\(values)]")
        }
        let kwargs = try a.optional("scheduler_specific_kwargs")?.objectValue ?? JSONObject()
        var spec = JSONObject([("type", .string("hf." + t.function))])
        switch t.value {
        case "constant": return spec
        case "reduce_lr_on_plateau", "greedy": return try merged(spec, kwargs, t.function)
        default: break
        }
        let warmup = try required(a, "num_warmup_steps", t.member)
        spec["num_warmup_steps"] = warmup
        switch t.value {
        case "constant_with_warmup": return spec
        case "inverse_sqrt": return try merged(spec, kwargs, t.function)
        case "warmup_stable_decay":
            spec["num_training_steps"] = try a.value("num_training_steps")
            return try merged(spec, kwargs, t.function)
        default:
            spec["num_training_steps"] = try required(a, "num_training_steps", t.member)
            return try merged(spec, kwargs, t.function)
        }
    }

    /// A step count transformers requires for this schedule.
    private static func required(_ a: SpecArguments, _ key: String, _ member: String) throws(LRSchedError) -> JSONValue {
        guard let v = try a.optional(key) else {
            throw .value("SchedulerType.\(member) requires `\(key)`, please provide that argument.")
        }
        return v
    }

    /// `spec` with `kwargs` added: Python's TypeError for a keyword given twice.
    private static func merged(_ spec: JSONObject, _ kwargs: JSONObject, _ function: String) throws(LRSchedError) -> JSONObject {
        var out = spec
        for (k, v) in kwargs.pairs {
            if out[k] != nil { throw .type("\(function)() got multiple values for keyword argument '\(k)'") }
            out[k] = v
        }
        return out
    }
}
