import LRSchedSupport
import LRSchedJSON

/// torch's `LambdaLR(optimizer, lr_lambda, last_epoch=-1)`: each group's lr is its
/// base lr times `lr_lambda(epoch)`.
///
/// Absolute (never reads the current lr): `lr = base_lr * λ(last_epoch)`. Construction
/// sets `lr = base_lr * λ(0)` (resume: `λ(last_epoch + 1)`). No closed form.
///
/// | epoch | 0 | 1 | 2 | 3 |
/// |---|---|---|---|---|
/// | lr (base 0.1, λ = 0.95^e) | 0.1 | 0.095 | 0.09025 | 0.0857375 |
public final class LambdaLR: LRLambdaScheduler {
    override public class var descriptor: SchedulerDescriptor { lambdaLR }

    package override func computeLRs() throws(LRSchedError) {
        let e = lastEpoch
        for i in 0..<baseLRs.count {
            let factor = try callLambda(lrLambdas[i], e)
            newLRs[i] = baseLRs[i] * factor
        }
        lrsPerBaseLR = true
    }
}

private let lambdaLR = LRLambdaScheduler.descriptor(
    LambdaLR.self, "LambdaLR", summary: "sets the lr to the base lr times lr_lambda(epoch)",
    lambdaDoc: "a [named lr function](#named-lr-functions), or a list with one name per group (length = number of groups: else `ValueError: Expected 3 lr_lambdas, but got 2`)")
