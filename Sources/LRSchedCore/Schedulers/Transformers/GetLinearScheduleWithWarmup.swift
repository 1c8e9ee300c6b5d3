import LRSchedSupport
import LRSchedJSON

/// transformers' `get_linear_schedule_with_warmup(optimizer, num_warmup_steps,
/// num_training_steps, last_epoch=-1)`: linear warmup from 0, then a linear decay to 0
/// at `num_training_steps` (and 0 after).
///
/// Factor at step `s ≥ num_warmup_steps`: `max(0.0, float(num_training_steps - s) /
/// float(max(1, num_training_steps - num_warmup_steps)))`.
package enum GetLinearScheduleWithWarmup {
    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_linear_schedule_with_warmup", summary: "warms up linearly from 0, then decays linearly to 0",
        parameters: [HFDoc.warmup, HFDoc.training, .lastEpoch],
        makeLambda: { (a, _) throws(LRSchedError) -> LRLambda in
            let warmup = try a.int("num_warmup_steps")
            let training = try a.int("num_training_steps")
            return { (step: Int) throws -> Double in try factor(step, warmup: warmup, training: training) }
        })

    static func factor(_ step: Int, warmup: Int, training: Int) throws(LRSchedError) -> Double {
        if step < warmup { return HF.warmup(step, warmup) }
        let left = try Py.sub(training, step)
        let span = try Py.sub(training, warmup)
        return HF.clampZero(Double(left) / Double(max(1, span)))
    }
}
