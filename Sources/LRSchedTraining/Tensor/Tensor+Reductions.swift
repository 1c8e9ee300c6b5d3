import LRSchedSupport
import LRSchedJSON
import LRSchedCore

// Reductions: whole-tensor sum and mean, and column sums (a bias gradient).

extension Tensor {
    /// The sum of all elements, accumulated in Double and rounded once to Float
    /// (at least as accurate as torch's float32 cascade sum). 0 for an empty tensor.
    /// - Complexity: O(count).
    public func sum() -> Float {
        Float(sumAsDouble())
    }

    /// The mean of all elements (Double accumulation, one rounding). NaN when empty,
    /// as torch's `mean()` of an empty tensor.
    /// - Complexity: O(count).
    public func mean() -> Float {
        Float(sumAsDouble() / Double(count))
    }

    /// Column sums of a rank-2 tensor `[m, n]`: a `[n]` tensor (torch's `x.sum(0)`).
    /// - Throws: ValueError unless `self` is rank 2.
    public func columnSums() throws(LRSchedError) -> Tensor {
        var out = Tensor()
        try Tensor.columnSums(of: self, into: &out)
        return out
    }

    /// `out = x.sum(0)` for `x` `[m, n]`, accumulated row by row in float32 (the inner
    /// loop over columns vectorizes). `out` is reshaped to `[n]` if needed and
    /// allocates nothing when it already is.
    /// - Throws: ValueError unless `x` is rank 2; `out` is untouched then.
    /// - Complexity: O(m·n).
    public static func columnSums(of x: Tensor, into out: inout Tensor) throws(LRSchedError) {
        guard x.shape.count == 2 else {
            throw .value("columnSums: expected a 2-D tensor, got shape \(describe(x.shape))")
        }
        let m = x.shape[0], n = x.shape[1]
        out.ensureShape(n)
        if n == 0 { return }
        out.storage.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!
            d.update(repeating: 0, count: n)
            if m == 0 { return }
            x.storage.withUnsafeBufferPointer { src in
                let s = src.baseAddress!
                if n < 8 {
                    // Few columns: a register accumulator per column (same order of
                    // additions, no vector-loop set-up per row).
                    for j in 0..<n {
                        var acc: Float = 0
                        for i in 0..<m { acc += s[i * n + j] }
                        d[j] = acc
                    }
                } else {
                    for i in 0..<m {
                        let row = s + i * n
                        for j in 0..<n { d[j] += row[j] }
                    }
                }
            }
        }
    }

    package func sumAsDouble() -> Double {
        storage.withUnsafeBufferPointer { buf in
            var s = 0.0
            for v in buf { s += Double(v) }
            return s
        }
    }
}
