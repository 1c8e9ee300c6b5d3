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
public final class LambdaLR: LRScheduler {
    @exclusivity(unchecked) package var lrLambdas: [LRLambda] = []
    /// What `state_dict()["lr_lambdas"]` holds for each function: `null` for a plain
    /// function (torch saves `None`), `{}` for a `functools.partial` (torch saves its
    /// empty `__dict__`), as transformers' schedules are. Not loaded.
    @exclusivity(unchecked) package var savedFunctionState: JSONValue = .null
    override public class var descriptor: SchedulerDescriptor { lambdaLR }

    /// - Throws: ValueError when a per-group list has the wrong length; whatever the
    ///   lambda throws at the construction step; KeyError on resume without `initial_lr`.
    public init(_ optimizer: OptimizerState, lrLambda: LRLambdas, lastEpoch: Int = -1) throws(LRSchedError) {
        self.lrLambdas = try lrLambda.resolved(groups: optimizer.count)
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch)
        try constructionStep()
    }

    public convenience init(_ optimizer: OptimizerState, lrLambda: @escaping LRLambda, lastEpoch: Int = -1) throws(LRSchedError) {
        try self.init(optimizer, lrLambda: .shared(lrLambda), lastEpoch: lastEpoch)
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        self.lrLambdas = (other as? LambdaLR)?.lrLambdas ?? []
        self.savedFunctionState = (other as? LambdaLR)?.savedFunctionState ?? .null
        super.init(copying: other, optimizer: optimizer)
    }

    package override func checkLoadedState() throws(LRSchedError) {
        try checkLambdaCount(lrLambdas.count)
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = lastEpoch
        for i in 0..<baseLRs.count {
            let factor = try callLambda(lrLambdas[i], e)
            newLRs[i] = baseLRs[i] * factor
        }
    }
}

private let lambdaLR = SchedulerDescriptor(
    "LambdaLR", summary: "sets the lr to the base lr times lr_lambda(epoch)",
    parameters: [.init("lr_lambda", .lrFunction, doc: "a [named lr function](#named-lr-functions), or a list with one name per group (length = number of groups: else `ValueError: Expected 3 lr_lambdas, but got 2`)"), .lastEpoch],
    state: StateField.base + [.lambdas(\LambdaLR.lrLambdas, saved: \LambdaLR.savedFunctionState)],
    build: { (a, c) throws(LRSchedError) in
        try LambdaLR(c.optimizer, lrLambda: SchedulerSpec.lambdas(a, c), lastEpoch: a.int("last_epoch"))
    })
