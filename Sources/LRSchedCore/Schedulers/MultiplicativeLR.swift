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
public final class MultiplicativeLR: LRScheduler {
    @exclusivity(unchecked) package var lrLambdas: [LRLambda] = []
    override public class var descriptor: SchedulerDescriptor { multiplicativeLR }

    /// - Throws: ValueError when a per-group list has the wrong length.
    public init(_ optimizer: OptimizerState, lrLambda: LRLambdas, lastEpoch: Int = -1) throws(LRSchedError) {
        self.lrLambdas = try lrLambda.resolved(groups: optimizer.count)
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch)
        try constructionStep()
    }

    public convenience init(_ optimizer: OptimizerState, lrLambda: @escaping LRLambda, lastEpoch: Int = -1) throws(LRSchedError) {
        try self.init(optimizer, lrLambda: .shared(lrLambda), lastEpoch: lastEpoch)
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        self.lrLambdas = (other as? MultiplicativeLR)?.lrLambdas ?? []
        super.init(copying: other, optimizer: optimizer)
    }

    package override func checkLoadedState() throws(LRSchedError) {
        try checkLambdaCount(lrLambdas.count)
    }

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
    }
}

private let multiplicativeLR = SchedulerDescriptor(
    "MultiplicativeLR", summary: "multiplies the lr by lr_lambda(epoch) every epoch",
    parameters: [.init("lr_lambda", .lrFunction, doc: "as LambdaLR"), .lastEpoch],
    state: StateField.base + [.lambdas(\MultiplicativeLR.lrLambdas)],
    build: { (a, c) throws(LRSchedError) in
        try MultiplicativeLR(c.optimizer, lrLambda: SchedulerSpec.lambdas(a, c), lastEpoch: a.int("last_epoch"))
    })
