import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// A fully connected layer, torch's `nn.Linear`: `y = x·Wᵀ + b` for `x` `[batch, in]`,
/// with `weight` `[out, in]` and `bias` `[out]` in torch's layout.
///
/// Initialisation is torch's default (`kaiming_uniform_(a=√5)` for the weight, which
/// reduces to `U(-1/√in, 1/√in)`, then the bias from the same bound), drawn weight
/// first, then bias, from the given generator. The values differ from torch's (a
/// different generator); the distribution is the same.
public final class Linear: Layer {
    public let inFeatures: Int
    public let outFeatures: Int
    /// `[out, in]`.
    public let weight: Parameter
    /// `[out]`.
    public let bias: Parameter

    // `@exclusivity(unchecked)` on the hot buffers: see Parameter.swift.
    /// The last forward's input, kept for the weight gradient and released by backward
    /// (so the producer of the input can reuse its buffer without copying).
    @exclusivity(unchecked) private var input: Tensor?
    @exclusivity(unchecked) private var output = Tensor()
    @exclusivity(unchecked) private var gradInput = Tensor()

    /// A layer initialised from `generator`.
    /// - Precondition: `inFeatures >= 0` and `outFeatures >= 0`.
    public init<G: RandomNumberGenerator>(in inFeatures: Int, out outFeatures: Int, generator: inout G) {
        precondition(inFeatures >= 0 && outFeatures >= 0, "Linear: feature counts must be non-negative")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = inFeatures > 0 ? 1.0 / Double(inFeatures).squareRoot() : 0
        let w = Tensor.uniform(shape: [outFeatures, inFeatures], low: -bound, high: bound, using: &generator)
        let b = Tensor.uniform(shape: [outFeatures], low: -bound, high: bound, using: &generator)
        weight = Parameter(name: "weight", data: w)
        bias = Parameter(name: "bias", data: b)
    }

    /// A layer initialised from `SeededGenerator(seed: seed)`.
    /// - Precondition: `inFeatures >= 0` and `outFeatures >= 0`.
    public convenience init(in inFeatures: Int, out outFeatures: Int, seed: UInt64 = 0) {
        var g = SeededGenerator(seed: seed)
        self.init(in: inFeatures, out: outFeatures, generator: &g)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias)]
    }

    /// `x·Wᵀ + b` into the layer's output buffer.
    /// - Throws: ValueError unless `input` is `[batch, in]`.
    /// - Complexity: O(batch·in·out); no allocation in steady state.
    public func forward(_ input: Tensor) throws(LRSchedError) -> Tensor {
        guard input.shape.count == 2, input.shape[1] == inFeatures else {
            let s = input.shape.map(String.init).joined(separator: "x")
            throw .value("mat1 and mat2 shapes cannot be multiplied (\(s) and \(inFeatures)x\(outFeatures))")
        }
        try Tensor.affine(input, weight.data, bias: bias.data, into: &output)
        self.input = input
        return output
    }

    /// Writes `weight.grad = gradOutputᵀ·x`, `bias.grad = gradOutput.sum(0)` and returns
    /// `gradOutput·W` (when asked).
    /// - Throws: ValueError unless `gradOutput` is `[batch, out]` for the last forward's
    ///   batch; RuntimeError without a preceding forward.
    /// - Complexity: O(batch·in·out); no allocation in steady state.
    public func backward(_ gradOutput: Tensor, computeInputGradient: Bool) throws(LRSchedError) -> Tensor? {
        guard let x = input else {
            throw .runtime("Linear.backward called without a preceding forward")
        }
        guard gradOutput.shape.count == 2, gradOutput.shape[0] == x.shape[0],
              gradOutput.shape[1] == outFeatures else {
            throw .value("Linear.backward: gradOutput shape \(Tensor.describe(gradOutput.shape)) does not match the output shape [\(x.shape[0]), \(outFeatures)]")
        }
        input = nil
        try weight.withGradBuffer { (g: inout Tensor) throws(LRSchedError) in
            try Tensor.matmul(gradOutput, x, transposeA: true, into: &g)
        }
        try bias.withGradBuffer { (g: inout Tensor) throws(LRSchedError) in
            try Tensor.columnSums(of: gradOutput, into: &g)
        }
        guard computeInputGradient else { return nil }
        try Tensor.matmul(gradOutput, weight.data, into: &gradInput)
        return gradInput
    }
}
