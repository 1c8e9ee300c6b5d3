import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// A trainable tensor and its gradient, shared by reference between a model's layers
/// (which write `grad` in `backward`) and an optimizer (which updates `data`).
///
/// Reading `values` or `gradValues` is O(1) (copy-on-write arrays); holding such an
/// array while the optimizer steps makes that step copy the storage once.
///
/// Not thread-safe: use a model and its optimizer from one thread at a time.
public final class Parameter {
    /// The parameter's name inside its layer (`"weight"`, `"bias"`); a container's
    /// qualified names (`"0.weight"`) come from ``Layer/namedParameters``.
    public let name: String
    // `@exclusivity(unchecked)`: these buffers are touched on every training step, and
    // the dynamic exclusivity checks on class properties cost about a quarter of a
    // small step's time. They are safe to drop here because the properties are
    // private (or package(set)) and no method of this module accesses one of them
    // while another access to it is in progress.
    /// The current value.
    @exclusivity(unchecked) public package(set) var data: Tensor
    /// The gradient written by the last `backward`, same shape as `data`; `nil` before
    /// the first backward or after ``zeroGrad()`` (torch's `grad is None`): SGD skips
    /// parameters whose gradient is `nil`.
    @exclusivity(unchecked) public package(set) var grad: Tensor?

    /// A parameter holding `data`.
    public init(name: String, data: Tensor) {
        self.name = name
        self.data = data
    }

    /// The shape of `data`.
    public var shape: [Int] { data.shape }

    /// The number of elements (torch's `numel()`).
    public var numel: Int { data.count }

    /// The value as a flat row-major array.
    public var values: [Float] { data.storage }

    /// The gradient as a flat row-major array, `nil` when there is none.
    public var gradValues: [Float]? { grad?.storage }

    /// Overwrites the value from a flat row-major array (the shape is kept).
    /// - Throws: ValueError when `values.count != numel`.
    /// - Complexity: O(numel), no allocation when the storage is unshared.
    public func set(_ values: [Float]) throws(LRSchedError) {
        guard values.count == data.count else {
            throw .value("parameter '\(name)' of shape \(Tensor.describe(data.shape)) needs \(data.count) values, got \(values.count)")
        }
        data.assign(values)
    }

    /// Sets the gradient from a flat row-major array (`nil` clears it).
    /// - Throws: ValueError when `values.count != numel`.
    public func setGrad(_ values: [Float]?) throws(LRSchedError) {
        guard let values else {
            grad = nil
            return
        }
        guard values.count == data.count else {
            throw .value("gradient for parameter '\(name)' of shape \(Tensor.describe(data.shape)) needs \(data.count) values, got \(values.count)")
        }
        grad = try Tensor(shape: data.shape, values: values)
    }

    /// Clears the gradient (torch's `zero_grad(set_to_none=True)`). Not needed between
    /// steps: `backward` overwrites gradients, and clearing them makes the next
    /// backward allocate a fresh gradient tensor.
    public func zeroGrad() {
        grad = nil
    }

    /// The gradient storage for a layer's backward to write into: created on first
    /// use, otherwise reused in place.
    @inline(__always)
    package func withGradBuffer<R>(_ body: (inout Tensor) throws(LRSchedError) -> R) throws(LRSchedError) -> R {
        if grad == nil { grad = Tensor() }
        return try body(&grad!)
    }
}
