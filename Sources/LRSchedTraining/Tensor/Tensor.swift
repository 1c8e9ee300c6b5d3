import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// A dense float32 tensor: contiguous, row-major storage with a shape.
///
/// The invariant `storage.count == shape.reduce(1, *)` always holds; every dimension
/// is non-negative. A rank-0 tensor (`shape == []`) holds one element.
///
/// `Tensor` is a value type with copy-on-write storage (a Swift `Array`): copies
/// are cheap until one of them is mutated. The in-place (`mutating`) and `into:`
/// operations write into existing storage without allocating as long as that storage
/// is uniquely referenced and already has the right size; the model's layers rely on
/// this so that a training step allocates nothing in steady state.
///
/// Operations whose operand shapes disagree throw `LRSchedError` of kind
/// `.valueError`; they never trap on shapes.
public struct Tensor: Equatable, Sendable {
    /// The dimensions, outermost first.
    public package(set) var shape: [Int]
    /// The elements in row-major order (`storage.count == count`).
    public package(set) var storage: [Float]

    /// An empty tensor of shape `[0]`, handy as an `into:` destination.
    public init() {
        shape = [0]
        storage = []
    }

    /// A tensor of `shape` whose elements all equal `value`.
    ///
    /// - Precondition: every dimension is non-negative and the element count does not
    ///   overflow `Int` (use ``init(shape:values:)`` to validate untrusted shapes).
    /// - Complexity: O(count).
    public init(shape: [Int], repeating value: Float = 0) {
        guard let n = Tensor.elementCount(of: shape) else {
            preconditionFailure("Tensor(shape:repeating:): invalid shape \(shape)")
        }
        self.shape = shape
        self.storage = Array(repeating: value, count: n)
    }

    /// A tensor of `shape` holding `values` in row-major order.
    ///
    /// - Throws: ValueError when a dimension is negative, the element count overflows,
    ///   or `values.count` differs from the element count of `shape`.
    /// - Complexity: O(1) (the array is shared, not copied).
    public init(shape: [Int], values: [Float]) throws(LRSchedError) {
        guard let n = Tensor.elementCount(of: shape) else {
            throw .value("invalid shape \(shape): dimensions must be non-negative")
        }
        guard n == values.count else {
            throw .value("shape \(shape) is invalid for input of size \(values.count)")
        }
        self.shape = shape
        self.storage = values
    }

    /// A tensor of zeros. Same precondition as ``init(shape:repeating:)``.
    public static func zeros(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, repeating: 0)
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { storage.count }

    /// The same elements viewed with another shape of equal element count.
    /// - Throws: ValueError when the counts differ or a dimension is negative.
    public func reshaped(_ newShape: [Int]) throws(LRSchedError) -> Tensor {
        try Tensor(shape: newShape, values: storage)
    }

    /// Calls `body` with the elements (row-major) for reading.
    public func withUnsafeBufferPointer<R>(
        _ body: (UnsafeBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the elements (row-major) for writing in place. The shape
    /// cannot change; copies storage first if it is shared (copy-on-write).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { buf in try body(buf) }
    }

    // MARK: - Internal shape plumbing

    /// The element count of `shape`, or nil for a negative dimension or overflow.
    package static func elementCount(of shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (r, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = r
        }
        return n
    }

    /// Makes `self` a `[rows, cols]` tensor. No-op (no allocation) when it already is;
    /// otherwise reuses the existing capacity when it suffices. Element values are
    /// unspecified afterwards: callers overwrite them.
    @inline(__always)
    package mutating func ensureShape(_ rows: Int, _ cols: Int) {
        if shape.count == 2 && shape[0] == rows && shape[1] == cols { return }
        resize(to: [rows, cols], count: rows * cols)
    }

    /// Makes `self` a `[n]` tensor (see ``ensureShape(_:_:)``).
    @inline(__always)
    package mutating func ensureShape(_ n: Int) {
        if shape.count == 1 && shape[0] == n { return }
        resize(to: [n], count: n)
    }

    /// Makes `self` the shape of `other` (see ``ensureShape(_:_:)``).
    @inline(__always)
    package mutating func ensureShape(like other: Tensor) {
        if shape == other.shape { return }
        resize(to: other.shape, count: other.count)
    }

    @inline(never)
    package mutating func resize(to newShape: [Int], count n: Int) {
        shape = newShape
        let old = storage.count
        if old == n { return }
        if n <= storage.capacity {
            if old > n {
                storage.removeLast(old - n)
            } else {
                storage.append(contentsOf: repeatElement(0, count: n - old))
            }
        } else {
            storage = Array(repeating: 0, count: n)
        }
    }

    /// Replaces the elements in place from `values` (same count, checked by caller).
    package mutating func assign(_ values: [Float]) {
        storage.withUnsafeMutableBufferPointer { dst in
            values.withUnsafeBufferPointer { src in
                for i in 0..<min(dst.count, src.count) { dst[i] = src[i] }
            }
        }
    }

    package static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        "Tensor(shape: \(Tensor.describe(shape)), \(storage))"
    }
}

extension Tensor {
    /// A tensor holding a copy of `values` (exactly `shape`'s element count of them).
    package init(copying values: UnsafeBufferPointer<Float>, shape: [Int]) {
        self.init(shape: shape, repeating: 0)
        let n = Swift.min(values.count, count)
        storage.withUnsafeMutableBufferPointer { dst in
            for i in 0..<n { dst[i] = values[i] }
        }
    }
}
