import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// torch's `nn.MSELoss()` with `reduction="mean"`: `mean((prediction - target)²)` over
/// all elements.
public struct MSELoss: Sendable {
    public init() {}

    /// The loss value. Differences and squares are float32 (as torch); the sum is
    /// accumulated in Double and divided by the element count before one rounding.
    /// NaN for empty tensors (torch's mean of nothing).
    /// - Throws: ValueError when the shapes differ (torch would broadcast with a warning).
    /// - Complexity: O(count), no allocation.
    public func forward(_ prediction: Tensor, _ target: Tensor) throws(LRSchedError) -> Float {
        Float(try sumOfSquares(prediction, target) / Double(prediction.count))
    }

    /// `Σ (prediction - target)²` with float32 differences and squares and a Double sum
    /// (the numerator of ``forward(_:_:)``).
    package func sumOfSquares(_ prediction: Tensor, _ target: Tensor) throws(LRSchedError) -> Double {
        try prediction.checkSameShape(target, "MSELoss")
        let n = prediction.count
        return prediction.storage.withUnsafeBufferPointer { p in
            target.storage.withUnsafeBufferPointer { y in
                var acc = 0.0
                for i in 0..<n {
                    let d = p[i] - y[i]
                    acc += Double(d * d)
                }
                return acc
            }
        }
    }

    /// Same as ``forward(_:_:)``.
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) throws(LRSchedError) -> Float {
        try forward(prediction, target)
    }

    /// dL/dprediction `= 2(prediction - target)/N`.
    /// - Throws: ValueError when the shapes differ.
    public func gradient(_ prediction: Tensor, _ target: Tensor) throws(LRSchedError) -> Tensor {
        var g = Tensor()
        try gradient(prediction, target, into: &g)
        return g
    }

    /// `grad = 2(prediction - target)/N`, computed as torch's `mse_loss_backward`:
    /// `(prediction - target) * Float(2.0 / N)`, in float32. Reuses `grad`'s storage.
    /// - Throws: ValueError when the shapes differ; `grad` is untouched then.
    /// - Complexity: O(count); no allocation in steady state.
    public func gradient(_ prediction: Tensor, _ target: Tensor, into grad: inout Tensor) throws(LRSchedError) {
        try prediction.checkSameShape(target, "MSELoss")
        grad.ensureShape(like: prediction)
        let n = prediction.count
        if n == 0 { return }
        let norm = Float(2.0 / Double(n))
        grad.storage.withUnsafeMutableBufferPointer { gBuf in
            prediction.storage.withUnsafeBufferPointer { pBuf in
                target.storage.withUnsafeBufferPointer { yBuf in
                    let g = gBuf.baseAddress!, p = pBuf.baseAddress!, y = yBuf.baseAddress!
                    for i in 0..<n { g[i] = (p[i] - y[i]) * norm }
                }
            }
        }
    }
}
