import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// Mini-batches over a ``Dataset``'s rows, torch's `DataLoader(dataset, batch_size,
/// shuffle, drop_last)` for in-memory tensors.
///
/// Each epoch visits the rows in order, or, with `shuffle`, in a fresh permutation:
/// the order is reset to `0..<n` and shuffled by Fisher–Yates (`i` from `n-1` down to
/// 1, swapping with a uniform `j` in `0...i`) from the loader's own
/// ``SeededGenerator``, so a seed fixes every epoch's order.
///
/// ``nextBatch(x:y:)`` copies a batch's rows into caller-owned tensors, reusing
/// their storage: iterating allocates nothing in steady state (a smaller last batch
/// reuses the same capacity).
///
///     var loader = try DataLoader(dataset: data, batchSize: 10, shuffle: true, seed: 1)
///     var xb = Tensor(), yb = Tensor()
///     for _ in 0..<epochs {
///         while loader.nextBatch(x: &xb, y: &yb) { /* train on xb, yb */ }
///     }
public struct DataLoader: Sendable {
    public let dataset: Dataset
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    /// The generator the shuffles draw from (advanced by each shuffled epoch).
    public private(set) var generator: SeededGenerator
    /// The current epoch's row order.
    public private(set) var order: [Int]
    /// The position in `order` of the next batch's first row.
    private var cursor = 0
    /// Whether the next `nextBatch` starts a new epoch.
    private var epochFinished = true

    /// A loader over `dataset`.
    /// - Throws: ValueError when `batchSize <= 0` (torch's message).
    public init(
        dataset: Dataset, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false,
        generator: SeededGenerator
    ) throws(LRSchedError) {
        guard batchSize > 0 else {
            throw .value("batch_size should be a positive integer value, but got batch_size=\(batchSize)")
        }
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.generator = generator
        self.order = Array(0..<dataset.count)
    }

    /// A loader shuffling (if asked) from `SeededGenerator(seed: seed)`.
    /// - Throws: ValueError when `batchSize <= 0`.
    public init(
        dataset: Dataset, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false,
        seed: UInt64 = 0
    ) throws(LRSchedError) {
        try self.init(dataset: dataset, batchSize: batchSize, shuffle: shuffle,
                      dropLast: dropLast, generator: SeededGenerator(seed: seed))
    }

    /// Batches per epoch: `n / batchSize` with `dropLast`, else `⌈n / batchSize⌉`.
    public var batchesPerEpoch: Int {
        let n = dataset.count
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize
    }

    /// Starts a new epoch now (reshuffling when `shuffle`), abandoning the current one.
    /// - Complexity: O(n).
    public mutating func startEpoch() {
        cursor = 0
        epochFinished = false
        guard shuffle else { return }
        let n = order.count
        order.withUnsafeMutableBufferPointer { o in
            for i in 0..<n { o[i] = i }
            var i = n - 1
            while i > 0 {
                let j = Int(RandomSampling.uniformUInt64(&generator, below: UInt64(i + 1)))
                o.swapAt(i, j)
                i -= 1
            }
        }
    }

    /// Copies the next batch into `x` `[b, features]` and `y` `[b, outputs]` and returns
    /// true; at the end of the epoch returns false and leaves them untouched, and the
    /// call after that starts a new epoch (as a new `for` over a torch DataLoader).
    /// - Complexity: O(b·(features + outputs)); no allocation when `x` and `y` already
    ///   have the capacity and unshared storage.
    public mutating func nextBatch(x: inout Tensor, y: inout Tensor) -> Bool {
        if epochFinished { startEpoch() }
        let n = order.count
        let remaining = n - cursor
        let b = min(batchSize, remaining)
        if b <= 0 || (dropLast && b < batchSize) {
            epochFinished = true
            return false
        }
        dataset.withBuffers { xs, ys in
            gather(xs, width: dataset.featureCount, rows: cursor, count: b, into: &x)
            gather(ys, width: dataset.outputCount, rows: cursor, count: b, into: &y)
        }
        cursor += b
        return true
    }

    /// All batches of one new epoch, allocated (convenience; see ``nextBatch(x:y:)``).
    public mutating func epoch() -> [(x: Tensor, y: Tensor)] {
        startEpoch()
        var result: [(x: Tensor, y: Tensor)] = []
        result.reserveCapacity(batchesPerEpoch)
        var xb = Tensor(), yb = Tensor()
        while nextBatch(x: &xb, y: &yb) {
            result.append((xb, yb))
            xb = Tensor()
            yb = Tensor()
        }
        return result
    }

    private func gather(_ src: UnsafeBufferPointer<Float>, width w: Int, rows start: Int, count b: Int,
                        into out: inout Tensor) {
        out.ensureShape(b, w)
        if w == 0 || b == 0 { return }
        out.storage.withUnsafeMutableBufferPointer { dst in
            order.withUnsafeBufferPointer { o in
                guard let d = dst.baseAddress, let s = src.baseAddress else { return }
                for r in 0..<b {
                    (d + r * w).update(from: s + o[start + r] * w, count: w)
                }
            }
        }
    }
}
