import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// torch's `nn.ReLU`: `max(x, 0)` elementwise. No parameters.
public final class ReLU: Layer {
    // `@exclusivity(unchecked)` on the hot buffers: see Parameter.swift.
    @exclusivity(unchecked) private var output = Tensor()
    @exclusivity(unchecked) private var gradInput = Tensor()
    private var hasForward = false

    public init() {}

    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    /// `relu(input)` into the layer's output buffer (any shape).
    /// - Complexity: O(count); no allocation in steady state.
    public func forward(_ input: Tensor) throws(LRSchedError) -> Tensor {
        Tensor.relu(input, into: &output)
        hasForward = true
        return output
    }

    /// `gradOutput` masked where the forward's output is `<= 0`.
    /// - Throws: ValueError when `gradOutput`'s shape is not the output's; RuntimeError
    ///   without a preceding forward.
    public func backward(_ gradOutput: Tensor, computeInputGradient: Bool) throws(LRSchedError) -> Tensor? {
        guard hasForward else {
            throw .runtime("ReLU.backward called without a preceding forward")
        }
        try gradOutput.checkSameShape(output, "ReLU.backward")
        hasForward = false
        guard computeInputGradient else { return nil }
        try Tensor.reluBackward(gradOutput: gradOutput, output: output, into: &gradInput)
        return gradInput
    }
}
