import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// Fits a model with SGD and learning-rate schedulers, the way a plain torch loop does:
///
///     for epoch in 1...epochs:
///         for xb, yb in batches:        # in order, or shuffled from `seed`
///             loss = mse(model(xb), yb); loss.backward(); sgd.step()
///             if stepScheduler == .batch: step every scheduler
///         loss = mse(model(X), y)       # full dataset
///         if stepScheduler == .epoch: step every scheduler (ReduceLROnPlateau with loss)
///
/// Schedulers step in the given order. With per-batch stepping ReduceLROnPlateau gets
/// the batch's loss.
public final class Trainer {
    /// When schedulers step.
    public enum StepUnit: String, Sendable {
        case epoch, batch
    }

    public let model: Sequential
    public let optimizer: SGD
    public let schedulers: [LRScheduler]
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    public let stepScheduler: StepUnit
    public let seed: UInt64
    /// Where the shuffles draw from; carried on from one `fit` to the next, as torch's
    /// global generator is.
    package var generator: SeededGenerator
    package let lossFunction = MSELoss()

    /// - Throws: ValueError for `batchSize <= 0` or a scheduler attached to another
    ///   optimizer's state.
    public init(model: Sequential, optimizer: SGD, schedulers: [LRScheduler] = [], batchSize: Int = 10,
                shuffle: Bool = false, dropLast: Bool = false, stepScheduler: StepUnit = .epoch,
                seed: UInt64 = 0) throws(LRSchedError) {
        guard batchSize > 0 else {
            throw .value("batch_size should be a positive integer value, but got batch_size=\(batchSize)")
        }
        for s in schedulers where s.optimizer !== optimizer.state {
            throw .value("\(s.typeName) is attached to a different optimizer than the trainer's")
        }
        self.model = model
        self.optimizer = optimizer
        self.schedulers = schedulers
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.stepScheduler = stepScheduler
        self.seed = seed
        self.generator = SeededGenerator(seed: seed)
    }

    /// Trains for `epochs` epochs on `data`, updating the model's parameters in place.
    ///
    /// - Parameter callback: called after each epoch with its record; throwing from
    ///   it stops training (the error propagates).
    /// - Returns: one record per epoch.
    /// - Throws: ValueError for shape mismatches or `epochs < 0`; any scheduler error
    ///   (e.g. OneCycleLR stepped past its end).
    @discardableResult
    public func fit(_ data: Dataset, epochs: Int,
                    callback: ((EpochRecord) throws -> Void)? = nil) throws -> [EpochRecord] {
        guard epochs >= 0 else { throw LRSchedError(.valueError, "epochs must be >= 0, got \(epochs)") }
        guard optimizer.state.count > 0 else { throw LRSchedError(.valueError, "the optimizer has no param groups") }
        var loader = try DataLoader(dataset: data, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast,
                                    generator: generator)
        defer { generator = loader.generator }
        var xb = Tensor()
        var yb = Tensor()
        var grad = Tensor()
        var history: [EpochRecord] = []
        history.reserveCapacity(min(epochs, 4096))
        for epoch in stride(from: 1, through: epochs, by: 1) {
            let lrStart = optimizer.state.groups[0].lr
            while loader.nextBatch(x: &xb, y: &yb) {
                let pred = try model.forward(xb)
                try lossFunction.gradient(pred, yb, into: &grad)
                _ = try model.backward(grad, computeInputGradient: false)
                optimizer.step()
                if stepScheduler == .batch {
                    let batchLoss = try lossFunction.forward(pred, yb)
                    try stepSchedulers(metric: Double(batchLoss))
                }
            }
            let loss = try self.loss(on: data)
            if stepScheduler == .epoch { try stepSchedulers(metric: loss) }
            let record = EpochRecord(epoch: epoch, lrStart: lrStart, loss: loss, lrAfter: optimizer.state.groups[0].lr)
            history.append(record)
            try callback?(record)
        }
        return history
    }

    /// The model's MSE over every row of `data` (torch's `mse_loss(model(X), y)`),
    /// evaluated in chunks of 4096 rows (the same value as one pass: rows are
    /// independent and the sum runs in row order). NaN for an empty dataset.
    /// - Throws: ValueError when the model's input or output size does not fit `data`.
    public func loss(on data: Dataset) throws(LRSchedError) -> Double {
        guard data.count > 0 else { return .nan }
        var xb = Tensor()
        var yb = Tensor()
        var acc = 0.0
        var start = 0
        while start < data.count {
            let b = min(4096, data.count - start)
            data.copyRows(start, b, x: &xb, y: &yb)
            acc += try lossFunction.sumOfSquares(try model.forward(xb), yb)
            start += b
        }
        return Double(Float(acc / Double(data.count * data.outputCount)))
    }

    private func stepSchedulers(metric: Double) throws(LRSchedError) {
        for s in schedulers {
            if s.flags.contains(.metric) { try s.step(metric: metric) } else { try s.step() }
        }
    }
}
