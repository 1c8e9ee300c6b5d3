import LRSchedSupport
import LRSchedJSON

/// The arithmetic shared by Hugging Face transformers' schedule lambdas
/// (`transformers.optimization`), with Python's float semantics: each function runs
/// transformers' operations in its order, so the doubles are the library's.
///
/// Python's int true division (`a / b`) is correctly rounded from the exact integers;
/// `Double(a) / Double(b)` is the same for |a|, |b| ≤ 2^53 (every step count lrsched meets).
package enum HF {
    /// `float(current_step) / float(max(1, num_warmup_steps))`, the linear warmup of
    /// every schedule (`max(1.0, n)` gives the same double).
    @inline(__always)
    package static func warmup(_ step: Int, _ warmupSteps: Int) -> Double {
        Double(step) / Double(Swift.max(1, warmupSteps))
    }

    /// Python's `max(0.0, x)` (and `max(0, x)`): `x` when `x > 0`, else `0.0` (NaN and
    /// `-0.0` give `0.0`, as Python keeps the first argument unless the second is greater).
    @inline(__always)
    package static func clampZero(_ x: Double) -> Double { x > 0.0 ? x : 0.0 }

    /// `math.cos(x)`: ValueError("math domain error") for an infinite argument.
    package static func cos(_ x: Double) throws(LRSchedError) -> Double {
        if x.isInfinite { throw .value("math domain error") }
        return Py.cos(x)
    }

    /// `math.sqrt(x)`: ValueError("math domain error") for `x < 0` (IEEE square root,
    /// correctly rounded as libm's).
    package static func sqrt(_ x: Double) throws(LRSchedError) -> Double {
        if x < 0 { throw .value("math domain error") }
        return x.squareRoot()
    }

    /// Python's `a / b` for ints: ZeroDivisionError("division by zero") for `b == 0`.
    package static func trueDiv(_ a: Int, _ b: Int) throws(LRSchedError) -> Double {
        if b == 0 { throw .zeroDivision("division by zero") }
        return Double(a) / Double(b)
    }

    /// `float(current_step - num_warmup_steps) / float(max(1, num_training_steps -
    /// num_warmup_steps))`: the progress after warmup of the cosine schedules.
    package static func progress(_ step: Int, warmup: Int, training: Int) throws(LRSchedError) -> Double {
        let done = try Py.sub(step, warmup)
        let span = try Py.sub(training, warmup)
        return Double(done) / Double(Swift.max(1, span))
    }

    /// The lambda of the cosine schedules: transformers' linear warmup for the first
    /// `num_warmup_steps` steps, then `decay(progress)` (see `progress`), reading the
    /// two step counts from the spec.
    package static func warmupThen(
        _ a: SpecArguments, _ decay: @escaping (Double) throws(LRSchedError) -> Double
    ) throws(LRSchedError) -> LRLambda {
        let warmup = try a.int("num_warmup_steps")
        let training = try a.int("num_training_steps")
        return { (step: Int) throws -> Double in
            if step < warmup { return HF.warmup(step, warmup) }
            return try decay(try HF.progress(step, warmup: warmup, training: training))
        }
    }

    /// `0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))`.
    package static func cosineFactor(cycles: Double, progress: Double) throws(LRSchedError) -> Double {
        0.5 * (1.0 + (try cos(Double.pi * cycles * 2.0 * progress)))
    }

    /// `factor * (1 - min_lr_rate) + min_lr_rate`, then `max(0, factor)`.
    package static func floor(_ factor: Double, minRate: Double) -> Double {
        clampZero(factor * (1.0 - minRate) + minRate)
    }

    /// The value of an optional float argument (nil for None).
    package static func optionalDouble(_ a: SpecArguments, _ key: String) throws(LRSchedError) -> Double? {
        guard let v = try a.optional(key) else { return nil }
        return try SpecArguments.double(v, key: key, owner: a.owner)
    }

    /// The value of an optional int argument (nil for None).
    package static func optionalInt(_ a: SpecArguments, _ key: String) throws(LRSchedError) -> Int? {
        guard let v = try a.optional(key) else { return nil }
        return try SpecArguments.int(v, key: key, owner: a.owner)
    }

    /// A number as Python's f-string writes the argument (`0.5`, `1e-07`, `0`).
    package static func text(_ a: SpecArguments, _ key: String) -> String {
        ((try? a.value(key)).map(SpecArguments.describe)) ?? "None"
    }

    /// transformers' `min_lr` / `min_lr_rate` rule of the two cosine-with-min-lr
    /// schedules: exactly one must be given; `min_lr` becomes `min_lr / optimizer.defaults["lr"]`.
    package static func minLRRate(_ a: SpecArguments, _ c: SpecContext) throws(LRSchedError) -> Double {
        let minLR = try optionalDouble(a, "min_lr")
        let rate = try optionalDouble(a, "min_lr_rate")
        if minLR != nil && rate != nil { throw .value("Only one of min_lr or min_lr_rate should be set") }
        if let minLR { return try Py.div(minLR, c.optimizer.defaults.lr) }
        guard let rate else {
            throw .value("One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`")
        }
        return rate
    }
}

/// The documentation of the warmup and step-count arguments the schedules share.
package enum HFDoc {
    static let warmup = ParameterDescriptor(
        "num_warmup_steps", .int,
        doc: "steps of linear warmup from 0: the factor is `float(step) / float(max(1, num_warmup_steps))` before it")
    static let training = ParameterDescriptor(
        "num_training_steps", .int, doc: "the total number of steps (warmup included)")
    static let cycles = ParameterDescriptor(
        "num_cycles", .float, default: .float(0.5), doc: "waves of the cosine after warmup (0.5: a half cosine down to the minimum)")
    static let minLR = ParameterDescriptor(
        "min_lr", .nullable(.float), default: .null,
        doc: "the final lr; becomes `min_lr_rate = min_lr / optimizer.defaults[\"lr\"]`. Exactly one of `min_lr`, `min_lr_rate`: both: `ValueError: Only one of min_lr or min_lr_rate should be set`; neither: `` ValueError: One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs` ``")
    static let minLRRate = ParameterDescriptor(
        "min_lr_rate", .nullable(.float), default: .null, doc: "the final lr as a fraction of the initial lr (see `min_lr`)")
}

extension SchedulerDescriptor {
    /// A transformers schedule that returns torch's `LambdaLR` over a lambda of the step:
    /// the spec type `hf.<function>`, built as `LambdaLR(optimizer, lr_lambda, last_epoch)`
    /// with the lambda `makeLambda` returns (after the function's own argument checks).
    /// The scheduler is a LambdaLR (its class, type name and state); `partial` says
    /// whether transformers passes a `functools.partial` (saved as `{}`) or a plain
    /// function (saved as `null`).
    package static func transformersLambda(
        _ function: String, summary: String, parameters: [ParameterDescriptor], partial: Bool = true,
        makeLambda: @escaping (SpecArguments, SpecContext) throws(LRSchedError) -> LRLambda
    ) -> SchedulerDescriptor {
        SchedulerDescriptor(
            "hf." + function, library: "transformers", summary: summary, parameters: parameters,
            state: LambdaLR.descriptor.state,
            build: { (a, c) throws(LRSchedError) in
                let lambda = try makeLambda(a, c)
                let s = try LambdaLR(c.optimizer, lrLambda: .shared(lambda), lastEpoch: a.int("last_epoch"))
                if partial { s.savedFunctionState = .object(JSONObject()) }
                return s
            })
    }
}
