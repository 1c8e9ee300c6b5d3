/// A supervised dataset held in memory: inputs `x` `[n, features]` and targets `y`
/// `[n, outputs]`, both float32, row `i` of each forming example `i`.
public struct Dataset: Sendable {
    /// `[count, featureCount]`.
    public let x: Tensor
    /// `[count, outputCount]`.
    public let y: Tensor

    /// A dataset of `x` and `y`.
    /// - Throws: ValueError unless both are rank 2 with the same number of rows.
    public init(x: Tensor, y: Tensor) throws(LRSchedError) {
        guard x.shape.count == 2, y.shape.count == 2 else {
            throw .value("Dataset: x and y must be 2-D, got shapes \(Tensor.describe(x.shape)) and \(Tensor.describe(y.shape))")
        }
        guard x.shape[0] == y.shape[0] else {
            throw .value("Size mismatch between tensors: x has \(x.shape[0]) rows, y has \(y.shape[0])")
        }
        self.x = x
        self.y = y
    }

    /// The number of examples (rows).
    public var count: Int { x.shape[0] }
    /// The number of input features (columns of `x`).
    public var featureCount: Int { x.shape[1] }
    /// The number of outputs (columns of `y`).
    public var outputCount: Int { y.shape[1] }

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
