import LRSchedSupport
import LRSchedJSON

/// torch's `MultiplicativeLR(optimizer, lr_lambda, last_epoch=-1)`: each step
/// multiplies the current lr by `lr_lambda(epoch)`.
///
/// Chainable: `lr = lr * λ(last_epoch)`; construction leaves the lr unchanged. No
/// closed form (torch's `step(epoch)` multiplies again).
///
/// | epoch | 0 | 1 | 2 | 3 |
/// |---|---|---|---|---|
/// | lr (0.1, λ = 0.95) | 0.1 | 0.095 | 0.09025 | 0.0857375 |
public final class MultiplicativeLR: LRLambdaScheduler {
    override public class var descriptor: SchedulerDescriptor { multiplicativeLR }

    package override func computeLRs() throws(LRSchedError) {
        let n = baseLRs.count
        if isInitial {
            setLRs(currentTimes: 1)
            return
        }
        let e = lastEpoch
        for i in 0..<n {
            let factor = try callLambda(lrLambdas[i], e)
            newLRs[i] = optimizer.lr(i) * factor
        }
        lrsPerBaseLR = true  // torch zips lr_lambdas (one per group at construction) with the groups
    }
}

private let multiplicativeLR = LRLambdaScheduler.descriptor(
    MultiplicativeLR.self, "MultiplicativeLR", summary: "multiplies the lr by lr_lambda(epoch) every epoch",
    lambdaDoc: "as LambdaLR")
