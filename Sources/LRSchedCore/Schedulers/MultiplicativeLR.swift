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
    @exclusivity(unchecked) package var lrLambdas: [LRLambda]
    override public var typeName: String { "MultiplicativeLR" }

    /// - Throws: ValueError when a per-group list has the wrong length.
    public init(_ optimizer: OptimizerState, lrLambda: LRLambdas, lastEpoch: Int = -1) throws(LRSchedError) {
        let snapshot = optimizer.groups
        self.lrLambdas = try lrLambda.resolved(groups: optimizer.count)
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch)
        try initialStep(restoring: snapshot)
    }

    public convenience init(_ optimizer: OptimizerState, lrLambda: @escaping LRLambda, lastEpoch: Int = -1) throws(LRSchedError) {
        try self.init(optimizer, lrLambda: .shared(lrLambda), lastEpoch: lastEpoch)
    }

    package init(copying other: MultiplicativeLR, optimizer: OptimizerState) {
        self.lrLambdas = other.lrLambdas
        super.init(copying: other, optimizer: optimizer)
    }

    override public func copy(with optimizer: OptimizerState) -> LRScheduler {
        MultiplicativeLR(copying: self, optimizer: optimizer)
    }

    package override func computeLRs() throws(LRSchedError) {
        let n = baseLRs.count
        if isInitial {
            for i in 0..<n { newLRs[i] = optimizer.lr(i) }
            return
        }
        let e = lastEpoch
        for i in 0..<n {
            let factor = try callLambda(lrLambdas[i], e)
            newLRs[i] = optimizer.lr(i) * factor
        }
    }

    // MARK: State

    package override func saveState(into o: inout JSONObject) {
        saveLambdaState(into: &o, functions: lrLambdas.count)
    }

    package override func loadState(_ r: inout StateReader) throws(LRSchedError) {
        try loadLambdaState(&r, functions: lrLambdas.count)
    }
}
