import LRSchedSupport
import LRSchedJSON
import LRSchedCore
internal import LRSchedKernels

// ReLU and its backward mask.

extension Tensor {
    /// `max(x, 0)` elementwise; NaN stays NaN (as torch's `relu`).
    /// - Complexity: O(count).
    public func relu() -> Tensor {
        var out = Tensor()
        Tensor.relu(self, into: &out)
        return out
    }

    /// `out = relu(x)`, reshaping `out` to `x`'s shape if needed (no allocation when
    /// it already has that shape and unshared storage).
    public static func relu(_ x: Tensor, into out: inout Tensor) {
        out.ensureShape(like: x)
        let n = x.count
        if n == 0 { return }
        out.storage.withUnsafeMutableBufferPointer { dst in
            x.storage.withUnsafeBufferPointer { src in
                lrskern_relu(dst.baseAddress!, src.baseAddress!, n)
            }
        }
    }

    /// The gradient through a ReLU: `gradOutput` where `output > 0`, else 0 (torch's
    /// `threshold_backward(grad, result, 0)`: the mask comes from the ReLU's *output*).
    /// - Throws: ValueError when the shapes differ.
    public static func reluBackward(gradOutput: Tensor, output: Tensor) throws(LRSchedError) -> Tensor {
        var out = Tensor()
        try reluBackward(gradOutput: gradOutput, output: output, into: &out)
        return out
    }

    /// `out = reluBackward(gradOutput, output)`, reusing `out`'s storage.
    /// - Throws: ValueError when the shapes differ; `out` is untouched then.
    /// - Complexity: O(count).
    public static func reluBackward(
        gradOutput: Tensor, output: Tensor, into out: inout Tensor
    ) throws(LRSchedError) {
        try gradOutput.checkSameShape(output, "reluBackward")
        out.ensureShape(like: output)
        let n = output.count
        if n == 0 { return }
        out.storage.withUnsafeMutableBufferPointer { dst in
            gradOutput.storage.withUnsafeBufferPointer { gBuf in
                output.storage.withUnsafeBufferPointer { yBuf in
                    lrskern_relu_backward(dst.baseAddress!, gBuf.baseAddress!, yBuf.baseAddress!, n)
                }
            }
        }
    }
}
