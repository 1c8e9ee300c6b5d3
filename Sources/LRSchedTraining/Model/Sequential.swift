import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// torch's `nn.Sequential`: layers applied in order; itself a ``Layer``.
///
/// Parameters are named `"<layer index>.<name>"` (`"0.weight"`, `"0.bias"`,
/// `"2.weight"` for `Sequential(Linear, ReLU, Linear)`), in layer order, as torch's
/// `named_parameters()`.
public final class Sequential: Layer {
    /// The layers, in application order.
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    public convenience init(_ layers: any Layer...) {
        self.init(layers)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result: [(name: String, parameter: Parameter)] = []
        for (i, layer) in layers.enumerated() {
            for (name, p) in layer.namedParameters {
                result.append(("\(i).\(name)", p))
            }
        }
        return result
    }

    /// Runs every layer's forward in order (the identity for no layers).
    /// - Throws: the first layer error (ValueError for a shape mismatch).
    public func forward(_ input: Tensor) throws(LRSchedError) -> Tensor {
        var h = input
        for layer in layers {
            h = try layer.forward(h)
        }
        return h
    }

    /// Runs every layer's backward in reverse order. The first layer is asked for an
    /// input gradient only when `computeInputGradient` is true (torch skips it for an
    /// input that does not require grad).
    public func backward(_ gradOutput: Tensor, computeInputGradient: Bool) throws(LRSchedError) -> Tensor? {
        var g = gradOutput
        var i = layers.count - 1
        while i >= 0 {
            let wantInput = i > 0 || computeInputGradient
            guard let next = try layers[i].backward(g, computeInputGradient: wantInput) else {
                return nil
            }
            g = next
            i -= 1
        }
        return computeInputGradient ? g : nil
    }
}
