import LRSchedSupport
import LRSchedJSON

/// transformers' `get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer,
/// num_warmup_steps, num_training_steps, num_cycles=0.5, last_epoch=-1, min_lr=None,
/// min_lr_rate=None, warmup_lr_rate=None)`: a warmup that starts above 0, then a cosine
/// down to `min_lr_rate`, with the step counted from 1 (all in floats).
///
/// With `s`, `w`, `t` the step and the two counts as floats: during warmup (`s < w`)
/// `(s + 1.0) / max(1.0, w)`, or with `warmup_lr_rate` `r`:
/// `r + (1.0 - r) * s / max(1, w - 1)`; after it `progress = (s - w + 1.0) /
/// max(1.0, t - w)` and `max(0, cos_factor * (1 - min_lr_rate) + min_lr_rate)`.
///
/// - Throws: ValueError when both or neither of `min_lr`, `min_lr_rate` are given.
package enum GetCosineWithMinLRScheduleWithWarmupLRRate {
    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
        summary: "warms up from warmup_lr_rate (or 1/num_warmup_steps), then follows a cosine down to min_lr",
        parameters: [
            HFDoc.warmup, HFDoc.training, HFDoc.cycles, .lastEpoch, HFDoc.minLR, HFDoc.minLRRate,
            .init("warmup_lr_rate", .nullable(.float), default: .null,
                  doc: "the first warmup factor; None: `(step + 1.0) / max(1.0, num_warmup_steps)`"),
        ],
        makeLambda: { (a, c) throws(LRSchedError) -> LRLambda in
            let schedule = try Schedule(a, c)
            return { (step: Int) throws -> Double in try schedule.factor(step) }
        })

    struct Schedule {
        let warmup: Double, training: Double, cycles: Double, minRate: Double, warmupRate: Double?

        init(_ a: SpecArguments, _ c: SpecContext) throws(LRSchedError) {
            warmup = Double(try a.int("num_warmup_steps"))
            training = Double(try a.int("num_training_steps"))
            cycles = try a.double("num_cycles")
            minRate = try HF.minLRRate(a, c)
            warmupRate = try HF.optionalDouble(a, "warmup_lr_rate")
        }

        func factor(_ step: Int) throws(LRSchedError) -> Double {
            let s = Double(step)
            if s < warmup {
                guard let r = warmupRate else { return (s + 1.0) / max(1.0, warmup) }
                return r + (1.0 - r) * s / max(1.0, warmup - 1.0)
            }
            let progress = (s - warmup + 1.0) / max(1.0, training - warmup)
            return HF.floor(try HF.cosineFactor(cycles: cycles, progress: progress), minRate: minRate)
        }
    }
}
