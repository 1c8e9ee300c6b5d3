import LRSchedSupport
import LRSchedJSON

/// transformers' `get_cosine_schedule_with_warmup(optimizer, num_warmup_steps,
/// num_training_steps, num_cycles=0.5, last_epoch=-1)`: linear warmup from 0, then a
/// cosine over `num_cycles` waves.
///
/// Factor at step `s ≥ num_warmup_steps`, with `progress = float(s - num_warmup_steps) /
/// float(max(1, num_training_steps - num_warmup_steps))`:
/// `max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))`.
package enum GetCosineScheduleWithWarmup {
    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_cosine_schedule_with_warmup", summary: "warms up linearly from 0, then follows a cosine down to 0",
        parameters: [HFDoc.warmup, HFDoc.training, HFDoc.cycles, .lastEpoch],
        makeLambda: { (a, _) throws(LRSchedError) -> LRLambda in
            let cycles = try a.double("num_cycles")
            return try HF.warmupThen(a) { (progress) throws(LRSchedError) in
                HF.clampZero(try HF.cosineFactor(cycles: cycles, progress: progress))
            }
        })
}
