import LRSchedSupport
import LRSchedJSON

/// transformers' `get_constant_schedule_with_warmup(optimizer, num_warmup_steps,
/// last_epoch=-1)`: a `LambdaLR` whose factor rises linearly from 0 over
/// `num_warmup_steps` steps, then stays 1.
///
/// Factor at step `s`: `float(s) / float(max(1.0, num_warmup_steps))` while
/// `s < num_warmup_steps`, else `1.0`.
package enum GetConstantScheduleWithWarmup {
    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_constant_schedule_with_warmup", summary: "warms up linearly from 0, then keeps the base lr",
        parameters: [HFDoc.warmup, .lastEpoch],
        makeLambda: { (a, _) throws(LRSchedError) -> LRLambda in
            let warmup = try a.int("num_warmup_steps")
            return { (step: Int) -> Double in step < warmup ? HF.warmup(step, warmup) : 1.0 }
        })
}
