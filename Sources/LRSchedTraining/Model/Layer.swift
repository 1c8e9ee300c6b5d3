import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// A differentiable layer: a forward pass that caches what its backward pass needs,
/// and a backward pass that writes its parameters' gradients.
///
/// Contract:
/// - `forward` returns the layer's output; the layer keeps its output (and, for
///   layers that need it, a reference to the input) in buffers it reuses, so a
///   steady-state training step does not allocate. Holding on to a returned tensor
///   is safe (copy-on-write): the next forward then allocates a fresh buffer.
/// - `backward(gradOutput, computeInputGradient:)` must follow a `forward`; it
///   *overwrites* (does not accumulate) each parameter's `grad` with dL/dparam and
///   returns dL/dinput when `computeInputGradient` is true, `nil` otherwise. A second
///   backward without a new forward is a RuntimeError.
/// - Layers are reference types and not thread-safe.
public protocol Layer: AnyObject {
    /// This layer's parameters in torch's `named_parameters()` order, with torch's names
    /// (`"weight"`, `"bias"`; a `Sequential` prefixes the layer index: `"0.weight"`).
    var namedParameters: [(name: String, parameter: Parameter)] { get }

    /// The forward pass.
    /// - Throws: ValueError when `input` has the wrong shape.
    func forward(_ input: Tensor) throws(LRSchedError) -> Tensor

    /// The backward pass (see the protocol's contract).
    /// - Throws: ValueError when `gradOutput`'s shape is not the last output's;
    ///   RuntimeError when there is no forward to go back through.
    func backward(_ gradOutput: Tensor, computeInputGradient: Bool) throws(LRSchedError) -> Tensor?
}

extension Layer {
    /// The parameters in `namedParameters` order (torch's `parameters()`).
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The backward pass returning dL/dinput.
    public func backward(_ gradOutput: Tensor) throws(LRSchedError) -> Tensor {
        guard let g = try backward(gradOutput, computeInputGradient: true) else {
            throw .runtime("\(Self.self).backward returned no input gradient")
        }
        return g
    }

    /// The parameter with the qualified name `name`, if any.
    public func parameter(named name: String) -> Parameter? {
        namedParameters.first { $0.name == name }?.parameter
    }

    /// Clears every parameter's gradient (see ``Parameter/zeroGrad()``).
    public func zeroGrad() {
        for (_, p) in namedParameters { p.zeroGrad() }
    }
}
