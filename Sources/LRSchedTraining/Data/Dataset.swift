import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// A supervised dataset held in memory: inputs `x` `[n, features]` and targets `y`
/// `[n, outputs]`, both float32, row `i` of each forming example `i`.
///
/// The rows are either owned (two tensors) or borrowed from caller memory
/// (``init(borrowingX:y:rows:features:outputs:)``), which C and Python callers use to
/// train on their buffers without a copy.
public struct Dataset: @unchecked Sendable {
    package enum Storage {
        case owned(x: Tensor, y: Tensor)
        case borrowed(x: UnsafeBufferPointer<Float>, y: UnsafeBufferPointer<Float>)
    }

    package let storage: Storage
    /// The number of examples (rows).
    public let count: Int
    /// The number of input features (columns of `x`).
    public let featureCount: Int
    /// The number of outputs (columns of `y`).
    public let outputCount: Int

    /// A dataset of `x` and `y`.
    /// - Throws: ValueError unless both are rank 2 with the same number of rows.
    public init(x: Tensor, y: Tensor) throws(LRSchedError) {
        guard x.shape.count == 2, y.shape.count == 2 else {
            throw .value("Dataset: x and y must be 2-D, got shapes \(Tensor.describe(x.shape)) and \(Tensor.describe(y.shape))")
        }
        guard x.shape[0] == y.shape[0] else {
            throw .value("Size mismatch between tensors: x has \(x.shape[0]) rows, y has \(y.shape[0])")
        }
        self.storage = .owned(x: x, y: y)
        self.count = x.shape[0]
        self.featureCount = x.shape[1]
        self.outputCount = y.shape[1]
    }

    /// A dataset over caller memory, row-major: `x` holds `rows × features` floats and
    /// `y` `rows × outputs`. Nothing is copied: the buffers must stay valid and
    /// unchanged while this dataset, or a loader or trainer using it, is in use.
    /// - Throws: ValueError when the buffers are smaller than the shapes say or a size
    ///   is not positive.
    public init(borrowingX x: UnsafeBufferPointer<Float>, y: UnsafeBufferPointer<Float>, rows: Int,
                features: Int, outputs: Int) throws(LRSchedError) {
        guard rows >= 0, features > 0, outputs > 0 else {
            throw .value("Dataset: rows must be >= 0 and features, outputs > 0 (got \(rows), \(features), \(outputs))")
        }
        let (nx, o1) = rows.multipliedReportingOverflow(by: features)
        let (ny, o2) = rows.multipliedReportingOverflow(by: outputs)
        guard !o1, !o2, x.count >= nx, y.count >= ny, nx == 0 || x.baseAddress != nil, ny == 0 || y.baseAddress != nil else {
            throw .value("Dataset: buffers hold \(x.count) and \(y.count) floats, need \(rows)×\(features) and \(rows)×\(outputs)")
        }
        self.storage = .borrowed(x: UnsafeBufferPointer(rebasing: x[0..<nx]), y: UnsafeBufferPointer(rebasing: y[0..<ny]))
        self.count = rows
        self.featureCount = features
        self.outputCount = outputs
    }

    /// The inputs `[count, featureCount]` (a copy when the rows are borrowed).
    public var x: Tensor {
        switch storage {
        case .owned(let x, _): return x
        case .borrowed(let x, _): return Tensor(copying: x, shape: [count, featureCount])
        }
    }

    /// The targets `[count, outputCount]` (a copy when the rows are borrowed).
    public var y: Tensor {
        switch storage {
        case .owned(_, let y): return y
        case .borrowed(_, let y): return Tensor(copying: y, shape: [count, outputCount])
        }
    }

    /// Copies rows `start ..< start + n` into `x` `[n, features]` and `y` `[n, outputs]`,
    /// reusing their storage.
    package func copyRows(_ start: Int, _ n: Int, x: inout Tensor, y: inout Tensor) {
        x.ensureShape(n, featureCount)
        y.ensureShape(n, outputCount)
        withBuffers { xs, ys in
            x.storage.withUnsafeMutableBufferPointer { dst in
                guard let d = dst.baseAddress, let s = xs.baseAddress else { return }
                d.update(from: s + start * featureCount, count: n * featureCount)
            }
            y.storage.withUnsafeMutableBufferPointer { dst in
                guard let d = dst.baseAddress, let s = ys.baseAddress else { return }
                d.update(from: s + start * outputCount, count: n * outputCount)
            }
        }
    }

    /// Calls `body` with the row-major x and y values.
    package func withBuffers<R>(_ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> R) -> R {
        switch storage {
        case .owned(let x, let y):
            return x.storage.withUnsafeBufferPointer { xs in y.storage.withUnsafeBufferPointer { ys in body(xs, ys) } }
        case .borrowed(let x, let y):
            return body(x, y)
        }
    }

    /// The article's synthetic linear-regression data (d2l's `synthetic_data`):
    /// `X ~ N(0, 1)` of shape `[n, 2]`, then `y = X·[2, -3.4] + 4.2 + ε` with
    /// `ε ~ N(0, 0.01)` (standard deviation 0.01) of shape `[n, 1]`.
    ///
    /// Drawn from `SeededGenerator(seed: seed)`: all of `X` row-major first, then the
    /// noise. `y` is computed in float32 as `(x₀·2 + x₁·(-3.4)) + 4.2 + ε`.
    /// - Precondition: `n >= 0`.
    /// - Complexity: O(n).
    public static func articleSynthetic(n: Int = 1000, seed: UInt64) -> Dataset {
        precondition(n >= 0, "articleSynthetic: n must be non-negative")
        var g = SeededGenerator(seed: seed)
        let x = Tensor.normal(shape: [n, 2], mean: 0, std: 1, using: &g)
        let noise = Tensor.normal(shape: [n, 1], mean: 0, std: 0.01, using: &g)
        let w0: Float = 2, w1: Float = -3.4, b: Float = 4.2
        var yValues = [Float](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xs in
            noise.withUnsafeBufferPointer { eps in
                for i in 0..<n {
                    yValues[i] = (xs[2 * i] * w0 + xs[2 * i + 1] * w1) + b + eps[i]
                }
            }
        }
        // Shapes are valid by construction.
        let y = try! Tensor(shape: [n, 1], values: yValues)
        return try! Dataset(x: x, y: y)
    }
}
