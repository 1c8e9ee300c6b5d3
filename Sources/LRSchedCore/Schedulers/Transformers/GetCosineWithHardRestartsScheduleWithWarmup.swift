import LRSchedSupport
import LRSchedJSON

/// transformers' `get_cosine_with_hard_restarts_schedule_with_warmup(optimizer,
/// num_warmup_steps, num_training_steps, num_cycles=1, last_epoch=-1)`: linear warmup
/// from 0, then `num_cycles` half cosines from 1 to 0, each restarting at 1; 0 from
/// `num_training_steps` on.
///
/// Factor at step `s ≥ num_warmup_steps` (progress as the cosine schedule's): `0.0` when
/// `progress >= 1.0`, else `max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles)
/// * progress) % 1.0))))` (Python's float modulo).
package enum GetCosineWithHardRestartsScheduleWithWarmup {
    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_cosine_with_hard_restarts_schedule_with_warmup",
        summary: "warms up linearly from 0, then repeats a half cosine from the base lr to 0 num_cycles times",
        parameters: [
            HFDoc.warmup, HFDoc.training,
            .init("num_cycles", .float, default: .int(1), doc: "the number of hard restarts (used as `float(num_cycles)`)"),
            .lastEpoch,
        ],
        makeLambda: { (a, _) throws(LRSchedError) -> LRLambda in
            let cycles = try a.double("num_cycles")
            return try HF.warmupThen(a) { (progress) throws(LRSchedError) in
                if progress >= 1.0 { return 0.0 }
                let phase = try Py.fmod(cycles * progress, 1.0)
                return HF.clampZero(0.5 * (1.0 + (try HF.cos(Double.pi * phase))))
            }
        })
}
