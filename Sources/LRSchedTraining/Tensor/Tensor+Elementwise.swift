import LRSchedSupport
import LRSchedJSON
import LRSchedCore

// Elementwise arithmetic: same-shape binary ops, a row-vector broadcast, scalar ops.
// Every operation is one float32 rounding per element, as torch's CPU kernels.

extension Tensor {
    // MARK: Same-shape binary operations

    /// `self + other`, elementwise.
    /// - Throws: ValueError when the shapes differ (no broadcasting).
    /// - Complexity: O(count).
    public func adding(_ other: Tensor) throws(LRSchedError) -> Tensor {
        var r = self
        try r.add(other)
        return r
    }

    /// `self - other`, elementwise. - Throws: ValueError when the shapes differ.
    public func subtracting(_ other: Tensor) throws(LRSchedError) -> Tensor {
        var r = self
        try r.subtract(other)
        return r
    }

    /// `self * other`, elementwise (Hadamard). - Throws: ValueError when the shapes differ.
    public func multiplying(_ other: Tensor) throws(LRSchedError) -> Tensor {
        var r = self
        try r.multiply(other)
        return r
    }

    /// `self += other` in place. - Throws: ValueError when the shapes differ.
    public mutating func add(_ other: Tensor) throws(LRSchedError) {
        try checkSameShape(other, "add")
        updateEach(with: other) { $0 + $1 }
    }

    /// `self -= other` in place. - Throws: ValueError when the shapes differ.
    public mutating func subtract(_ other: Tensor) throws(LRSchedError) {
        try checkSameShape(other, "sub")
        updateEach(with: other) { $0 - $1 }
    }

    /// `self *= other` in place. - Throws: ValueError when the shapes differ.
    public mutating func multiply(_ other: Tensor) throws(LRSchedError) {
        try checkSameShape(other, "mul")
        updateEach(with: other) { $0 * $1 }
    }

    // MARK: Row-vector broadcast

    /// `self[i, j] + bias[j]` for `self` `[m, n]` and `bias` `[n]` (a linear layer's bias).
    /// - Throws: ValueError unless `self` is rank 2 and `bias` is `[n]`.
    public func addingRowVector(_ bias: Tensor) throws(LRSchedError) -> Tensor {
        var r = self
        try r.addRowVector(bias)
        return r
    }

    /// Adds `bias` `[n]` to every row of `self` `[m, n]`, in place.
    /// - Throws: ValueError unless `self` is rank 2 and `bias` is `[n]`.
    /// - Complexity: O(m·n), no allocation when the storage is unshared.
    public mutating func addRowVector(_ bias: Tensor) throws(LRSchedError) {
        guard shape.count == 2, bias.shape.count == 1, bias.shape[0] == shape[1] else {
            throw .value("cannot add a row vector of shape \(Tensor.describe(bias.shape)) to a tensor of shape \(Tensor.describe(shape))")
        }
        let m = shape[0], n = shape[1]
        if m == 0 || n == 0 { return }
        storage.withUnsafeMutableBufferPointer { dst in
            bias.storage.withUnsafeBufferPointer { b in
                let d = dst.baseAddress!, pb = b.baseAddress!
                for i in 0..<m {
                    let row = d + i * n
                    for j in 0..<n { row[j] += pb[j] }
                }
            }
        }
    }

    // MARK: Scalar operations

    /// `self + s`, elementwise.
    public func adding(scalar s: Float) -> Tensor {
        var r = self
        r.add(scalar: s)
        return r
    }

    /// `self * s`, elementwise.
    public func multiplying(scalar s: Float) -> Tensor {
        var r = self
        r.multiply(scalar: s)
        return r
    }

    /// `self += s` in place. - Complexity: O(count).
    public mutating func add(scalar s: Float) {
        updateEach { $0 + s }
    }

    /// `self *= s` in place. - Complexity: O(count).
    public mutating func multiply(scalar s: Float) {
        updateEach { $0 * s }
    }

    /// Sets every element to `value`, in place.
    public mutating func fill(_ value: Float) {
        updateEach { _ in value }
    }

    // MARK: - Helpers

    package func checkSameShape(_ other: Tensor, _ op: String) throws(LRSchedError) {
        guard shape == other.shape else {
            throw .value("\(op): shape mismatch: \(Tensor.describe(shape)) vs \(Tensor.describe(other.shape))")
        }
    }

    /// `self[i] = f(self[i], other[i])`; counts are equal (checked by the caller).
    @inline(__always)
    package mutating func updateEach(with other: Tensor, _ f: (Float, Float) -> Float) {
        let n = count
        if n == 0 { return }
        storage.withUnsafeMutableBufferPointer { dst in
            other.storage.withUnsafeBufferPointer { src in
                let d = dst.baseAddress!, s = src.baseAddress!
                for i in 0..<n { d[i] = f(d[i], s[i]) }
            }
        }
    }

    /// `self[i] = f(self[i])`.
    @inline(__always)
    package mutating func updateEach(_ f: (Float) -> Float) {
        let n = count
        if n == 0 { return }
        storage.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!
            for i in 0..<n { d[i] = f(d[i]) }
        }
    }
}
