import LRSchedSupport
import LRSchedJSON

/// transformers' `get_wsd_schedule(optimizer, num_warmup_steps, num_decay_steps,
/// num_training_steps=None, num_stable_steps=None, warmup_type="linear",
/// decay_type="cosine", min_lr_ratio=0, num_cycles=0.5, last_epoch=-1)`:
/// warmup – stable – decay, then `min_lr_ratio`.
///
/// Warmup (`s < w`): `p = float(s) / float(max(1, w))`, the warmup curve of `p`, then
/// `max(0.0, f * (1.0 - min_lr_ratio) + min_lr_ratio)`. Stable (`s < w + stable`): 1.0.
/// Decay (`s < w + stable + d`): `p = float(s - w - stable) / float(max(1, d))`, the
/// decay curve of `p`, lifted the same way. After: `min_lr_ratio`. `num_stable_steps`
/// defaults to `num_training_steps - w - d`.
///
/// The curves are functions of the progress (`Curve`): JSON names them; a caller
/// may pass any `(Double) throws -> Double` through `lambda(...)`.
///
/// - Throws: ValueError when neither `num_training_steps` nor `num_stable_steps` is
///   given, or for an unknown curve name (transformers' messages, in its order).
package enum GetWSDSchedule {
    /// A curve of the progress `p` in [0, 1).
    package typealias Curve = (Double) throws(LRSchedError) -> Double

    static let names = ["linear", "cosine", "1-sqrt"]

    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_wsd_schedule", summary: "warms up, holds the base lr, then decays to min_lr_ratio times it",
        parameters: [
            HFDoc.warmup,
            .init("num_decay_steps", .int, doc: "steps of the decay phase"),
            .init("num_training_steps", .nullable(.int), default: .null,
                  doc: "the total; the stable phase is what warmup and decay leave. With neither this nor `num_stable_steps`: `ValueError: Either num_training_steps or num_stable_steps must be specified.`"),
            .init("num_stable_steps", .nullable(.int), default: .null, doc: "steps at the base lr (wins over `num_training_steps`)"),
            .init("warmup_type", .string(choices: names), default: .string("linear"),
                  doc: #"`"linear"` (p), `"cosine"` (`0.5 * (1.0 - cos(pi * p))`) or `"1-sqrt"` (`1.0 - sqrt(1.0 - p)`): else `ValueError: Unknown warmup type: exp, expected 'linear', 'cosine' or '1-sqrt'`"#),
            .init("decay_type", .string(choices: names), default: .string("cosine"),
                  doc: #"`"linear"` (`1.0 - p`), `"cosine"` (`0.5 * (1.0 + cos(pi * num_cycles * 2.0 * p))`) or `"1-sqrt"` (`1.0 - sqrt(p)`): else `ValueError: Unknown decay type: step, expected 'linear', 'cosine' or '1-sqrt'`"#),
            .init("min_lr_ratio", .float, default: .int(0), doc: "the floor, as a fraction of the base lr"),
            HFDoc.cycles,
            .lastEpoch,
        ],
        makeLambda: { (a, _) throws(LRSchedError) -> LRLambda in try build(a) })

    static func build(_ a: SpecArguments) throws(LRSchedError) -> LRLambda {
        let warmup = try a.int("num_warmup_steps")
        let decay = try a.int("num_decay_steps")
        let training = try HF.optionalInt(a, "num_training_steps")
        let stable = try HF.optionalInt(a, "num_stable_steps")
        let cycles = try a.double("num_cycles")
        guard training != nil || stable != nil else {
            throw .value("Either num_training_steps or num_stable_steps must be specified.")
        }
        let up = try warmupCurve(a.string("warmup_type"))
        let down = try decayCurve(a.string("decay_type"), cycles: cycles)
        var stableSteps = stable ?? 0
        if stable == nil { stableSteps = try Py.sub(try Py.sub(training ?? 0, warmup), decay) }
        return lambda(warmup: warmup, stable: stableSteps, decay: decay, up: up, down: down,
                      minRatio: try a.double("min_lr_ratio"))
    }

    /// transformers' warmup curves by name.
    static func warmupCurve(_ name: String) throws(LRSchedError) -> Curve {
        switch name {
        case "linear": return { (p: Double) throws(LRSchedError) -> Double in p }
        case "cosine": return { (p: Double) throws(LRSchedError) -> Double in 0.5 * (1.0 - (try HF.cos(Double.pi * p))) }
        case "1-sqrt": return { (p: Double) throws(LRSchedError) -> Double in 1.0 - (try HF.sqrt(1.0 - p)) }
        default: throw .value("Unknown warmup type: \(name), expected 'linear', 'cosine' or '1-sqrt'")
        }
    }

    /// transformers' decay curves by name.
    static func decayCurve(_ name: String, cycles: Double) throws(LRSchedError) -> Curve {
        switch name {
        case "linear": return { (p: Double) throws(LRSchedError) -> Double in 1.0 - p }
        case "cosine":
            return { (p: Double) throws(LRSchedError) -> Double in try HF.cosineFactor(cycles: cycles, progress: p) }
        case "1-sqrt": return { (p: Double) throws(LRSchedError) -> Double in 1.0 - (try HF.sqrt(p)) }
        default: throw .value("Unknown decay type: \(name), expected 'linear', 'cosine' or '1-sqrt'")
        }
    }

    /// `_get_wsd_scheduler_lambda` over the given curves.
    package static func lambda(warmup: Int, stable: Int, decay: Int, up: @escaping Curve, down: @escaping Curve,
                               minRatio: Double) -> LRLambda {
        { (step: Int) throws -> Double in
            if step < warmup {
                let f = try up(HF.warmup(step, warmup))
                return HF.clampZero(f * (1.0 - minRatio) + minRatio)
            }
            let stableEnd = try Py.add(warmup, stable)
            if step < stableEnd { return 1.0 }
            if step < (try Py.add(stableEnd, decay)) {
                let p = Double(try Py.sub(try Py.sub(step, warmup), stable)) / Double(max(1, decay))
                let f = try down(p)
                return HF.clampZero(f * (1.0 - minRatio) + minRatio)
            }
            return minRatio
        }
    }
}
