import LRSchedSupport
import LRSchedJSON

/// transformers' `get_inverse_sqrt_schedule(optimizer, num_warmup_steps, timescale=None,
/// last_epoch=-1)`: linear warmup from 0, then an inverse square-root decay.
///
/// `timescale` defaults to `num_warmup_steps or 10_000`. Factor at
/// `s ≥ num_warmup_steps`: `1.0 / math.sqrt((s + shift) / timescale)` with
/// `shift = timescale - num_warmup_steps` (int true division: `timescale == 0` is a
/// ZeroDivisionError at the first such step, construction included).
package enum GetInverseSqrtSchedule {
    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_inverse_sqrt_schedule", summary: "warms up linearly from 0, then decays as 1/sqrt(step/timescale)",
        parameters: [
            HFDoc.warmup,
            .init("timescale", .nullable(.int), default: .null,
                  doc: "None: `num_warmup_steps or 10_000`; `0`: `ZeroDivisionError: division by zero` at the first step after warmup"),
            .lastEpoch,
        ],
        makeLambda: { (a, _) throws(LRSchedError) -> LRLambda in
            let warmup = try a.int("num_warmup_steps")
            let timescale = try HF.optionalInt(a, "timescale") ?? (warmup != 0 ? warmup : 10_000)
            return { (step: Int) throws -> Double in try factor(step, warmup: warmup, timescale: timescale) }
        })

    static func factor(_ step: Int, warmup: Int, timescale: Int) throws(LRSchedError) -> Double {
        if step < warmup { return HF.warmup(step, warmup) }
        let shift = try Py.sub(timescale, warmup)
        let root = try HF.sqrt(try HF.trueDiv(try Py.add(step, shift), timescale))
        return try Py.div(1.0, root)
    }
}
