import LRSchedSupport
import LRSchedJSON

/// transformers' `get_polynomial_decay_schedule_with_warmup(optimizer, num_warmup_steps,
/// num_training_steps, lr_end=1e-7, power=1.0, last_epoch=-1)`: linear warmup from 0,
/// then a polynomial decay from `lr_init = optimizer.defaults["lr"]` to `lr_end`, and
/// `lr_end / lr_init` after `num_training_steps`.
///
/// Factor at `num_warmup_steps ≤ s ≤ num_training_steps`:
/// `((lr_init - lr_end) * pct_remaining ** power + lr_end) / lr_init` with
/// `pct_remaining = 1 - (s - num_warmup_steps) / (num_training_steps - num_warmup_steps)`
/// (int true division: ZeroDivisionError when the two step counts are equal).
///
/// - Throws: ValueError("lr_end (…) must be smaller than initial lr (…)") unless
///   `lr_init > lr_end`.
package enum GetPolynomialDecayScheduleWithWarmup {
    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_polynomial_decay_schedule_with_warmup",
        summary: "warms up linearly from 0, then decays polynomially from the optimizer's lr to lr_end",
        parameters: [
            HFDoc.warmup, HFDoc.training,
            .init("lr_end", .float, default: .float(1e-7),
                  doc: "the final lr; `optimizer.defaults[\"lr\"] > lr_end`: else `ValueError: lr_end (0.5) must be smaller than initial lr (0.1)`"),
            .init("power", .float, default: .float(1.0), doc: "the power of the decay"),
            .lastEpoch,
        ],
        makeLambda: { (a, c) throws(LRSchedError) -> LRLambda in
            let schedule = try Schedule(a, c)
            return { (step: Int) throws -> Double in try schedule.factor(step) }
        })

    struct Schedule {
        let warmup: Int, training: Int, lrEnd: Double, power: Double, lrInit: Double

        init(_ a: SpecArguments, _ c: SpecContext) throws(LRSchedError) {
            warmup = try a.int("num_warmup_steps")
            training = try a.int("num_training_steps")
            lrEnd = try a.double("lr_end")
            power = try a.double("power")
            lrInit = c.optimizer.defaults.lr
            if !(lrInit > lrEnd) {
                throw .value("lr_end (\(HF.text(a, "lr_end"))) must be smaller than initial lr (\(pyRepr(lrInit)))")
            }
        }

        func factor(_ step: Int) throws(LRSchedError) -> Double {
            if step < warmup { return HF.warmup(step, warmup) }
            if step > training { return try Py.div(lrEnd, lrInit) }
            let lrRange = lrInit - lrEnd
            let decaySteps = try Py.sub(training, warmup)
            let pctRemaining = 1.0 - (try HF.trueDiv(try Py.sub(step, warmup), decaySteps))
            let decay = lrRange * (try Py.floatPow(pctRemaining, power)) + lrEnd
            return try Py.div(decay, lrInit)
        }
    }
}
