import LRSchedSupport
import LRSchedJSON

/// transformers' `get_cosine_with_min_lr_schedule_with_warmup(optimizer,
/// num_warmup_steps, num_training_steps, num_cycles=0.5, last_epoch=-1, min_lr=None,
/// min_lr_rate=None)`: the cosine schedule, its factor lifted to end at `min_lr_rate`.
///
/// Factor at `s ≥ num_warmup_steps`: the cosine schedule's `0.5 * (1.0 + cos(...))`,
/// then `max(0, factor * (1 - min_lr_rate) + min_lr_rate)`.
///
/// - Throws: ValueError when both or neither of `min_lr`, `min_lr_rate` are given
///   (transformers' messages).
package enum GetCosineWithMinLRScheduleWithWarmup {
    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_cosine_with_min_lr_schedule_with_warmup",
        summary: "warms up linearly from 0, then follows a cosine down to min_lr",
        parameters: [HFDoc.warmup, HFDoc.training, HFDoc.cycles, .lastEpoch, HFDoc.minLR, HFDoc.minLRRate],
        makeLambda: { (a, c) throws(LRSchedError) -> LRLambda in
            let cycles = try a.double("num_cycles")
            let minRate = try HF.minLRRate(a, c)
            return try HF.warmupThen(a) { (progress) throws(LRSchedError) in
                HF.floor(try HF.cosineFactor(cycles: cycles, progress: progress), minRate: minRate)
            }
        })
}
