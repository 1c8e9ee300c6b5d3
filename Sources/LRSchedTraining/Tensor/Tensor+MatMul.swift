import LRSchedSupport
import LRSchedJSON
import LRSchedCore
internal import LRSchedKernels

// Matrix products of rank-2 tensors, with the transposed forms backward passes need.

extension Tensor {
    /// The matrix product `self · other` of `self` `[m, k]` and `other` `[k, n]`: `[m, n]`.
    ///
    /// - Throws: ValueError unless both are rank 2 with matching inner dimensions.
    /// - Complexity: O(m·k·n).
    public func matmul(_ other: Tensor) throws(LRSchedError) -> Tensor {
        try Tensor.matmul(self, other)
    }

    /// `op(a) · op(b)` where `op(x)` is `xᵀ` when the matching flag is set.
    ///
    /// `transposeA: true` computes `aᵀ·b` for `a` `[k, m]` (weight gradients);
    /// `transposeB: true` computes `a·bᵀ` for `b` `[n, k]` (a linear layer's forward).
    /// No transposed copy is made.
    ///
    /// - Throws: ValueError unless both are rank 2 and the inner dimensions of
    ///   `op(a)` and `op(b)` agree.
    /// - Complexity: O(m·k·n) time, one allocation (the result).
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
    ) throws(LRSchedError) -> Tensor {
        var out = Tensor()
        try matmul(a, b, transposeA: transposeA, transposeB: transposeB, into: &out)
        return out
    }

    /// `out = op(a) · op(b)` (see ``matmul(_:_:transposeA:transposeB:)``), overwriting
    /// `out`. `out` is reshaped to `[m, n]` if needed; it allocates nothing when it
    /// already has that shape and unshared storage.
    ///
    /// Products of at least ``blasMinimumWork`` multiply-adds (`m·k·n`) go to the BLAS's
    /// sgemm (OpenBLAS, on ``getNumThreads()`` threads). Smaller ones, where a BLAS call
    /// costs more than it saves, use contiguous loops the compiler vectorizes: i-k-j
    /// order for `a·b` and `aᵀ·b`, and dot products with 8 partial sums for `a·bᵀ`;
    /// there products and sums are separate float32 roundings (no fused multiply-add).
    /// Either way results can differ from torch's in the last bits.
    ///
    /// - Throws: ValueError as the allocating form; `out` is untouched then.
    /// - Complexity: O(m·k·n).
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
        into out: inout Tensor
    ) throws(LRSchedError) {
        guard a.shape.count == 2, b.shape.count == 2 else {
            throw .value("matmul: both arguments must be 2-D, got \(a.shape.count)-D and \(b.shape.count)-D")
        }
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == k2 else {
            throw .value("mat1 and mat2 shapes cannot be multiplied (\(m)x\(k) and \(k2)x\(n))")
        }
        out.ensureShape(m, n)
        if m == 0 || n == 0 { return }
        out.storage.withUnsafeMutableBufferPointer { cBuf in
            let c = cBuf.baseAddress!
            if k == 0 {
                c.update(repeating: 0, count: m * n)
                return
            }
            a.storage.withUnsafeBufferPointer { aBuf in
                b.storage.withUnsafeBufferPointer { bBuf in
                    let pa = aBuf.baseAddress!, pb = bBuf.baseAddress!
                    if usesBLAS(m, k, n) {
                        lrskern_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 1,
                                      pa, a.shape[1], pb, b.shape[1], 0, c, n)
                        return
                    }
                    switch (transposeA, transposeB) {
                    case (false, false): gemmNN(pa, pb, c, m, k, n)
                    case (true, false): gemmTN(pa, pb, c, m, k, n)
                    case (false, true): gemmNT(pa, pb, c, m, k, n)
                    case (true, true): gemmTT(pa, pb, c, m, k, n)
                    }
                }
            }
        }
    }

    /// The smallest product (`m·k·n` multiply-adds) sent to the BLAS. Measured with
    /// `lrsched-bench crossover` (one thread): OpenBLAS costs about 0.1 µs a call, so
    /// the loops win only for the tiniest products (the article's `Linear(2, 1)`: 20,
    /// 0.04–0.07 µs against 0.11–0.13 µs); from 4096 on the BLAS is 2.5–4 times faster
    /// in both forms, between 1024 and 4096 it depends on the form.
    public static let blasMinimumWork = 4096

    /// Whether the sgemm goes to the BLAS (built with one, and big enough).
    @inline(__always)
    package static func usesBLAS(_ m: Int, _ k: Int, _ n: Int) -> Bool {
        blasAvailable && m * k * n >= blasThreshold
    }

    /// The threshold in force: ``blasMinimumWork``, lowered only by tests (which run
    /// serially) to send every product of the small recorded runs through the BLAS.
    nonisolated(unsafe) package static var blasThreshold = blasMinimumWork

    private static let blasAvailable = lrskern_blas_available() != 0

    /// `out = x·wᵀ + bias` for `x` `[m, k]`, `w` `[n, k]` and `bias` `[n]` (a linear
    /// layer's forward, torch's `addmm(bias, x, wᵀ)`). Through the BLAS the bias rows
    /// are written first and the product added to them in one sgemm (`beta = 1`);
    /// small products are ``matmul(_:_:transposeA:transposeB:into:)`` then
    /// ``addRowVector(_:)``.
    /// - Throws: ValueError for mismatched shapes; `out` is untouched then.
    /// - Complexity: O(m·k·n); no allocation when `out` already is `[m, n]`.
    package static func affine(_ x: Tensor, _ w: Tensor, bias: Tensor, into out: inout Tensor) throws(LRSchedError) {
        guard x.shape.count == 2, w.shape.count == 2, bias.shape.count == 1,
              x.shape[1] == w.shape[1], bias.shape[0] == w.shape[0],
              usesBLAS(x.shape[0], x.shape[1], w.shape[0]) else {
            try matmul(x, w, transposeB: true, into: &out)
            try out.addRowVector(bias)
            return
        }
        let m = x.shape[0], k = x.shape[1], n = w.shape[0]
        out.ensureShape(m, n)
        out.storage.withUnsafeMutableBufferPointer { cBuf in
            x.storage.withUnsafeBufferPointer { xBuf in
                w.storage.withUnsafeBufferPointer { wBuf in
                    bias.storage.withUnsafeBufferPointer { bBuf in
                        let c = cBuf.baseAddress!, pb = bBuf.baseAddress!
                        for i in 0..<m { (c + i * n).update(from: pb, count: n) }
                        lrskern_sgemm(0, 1, m, n, k, 1, xBuf.baseAddress!, k, wBuf.baseAddress!, k, 1, c, n)
                    }
                }
            }
        }
    }

    // MARK: - Kernels (all pointers valid, m, k, n > 0)

    /// C[m,n] = A[m,k] · B[k,n], i-k-j order: row i of C accumulates scaled rows of B.
    private static func gemmNN(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        _ m: Int, _ k: Int, _ n: Int
    ) {
        for i in 0..<m {
            let ci = c + i * n
            let ai = a + i * k
            let a0 = ai[0]
            for j in 0..<n { ci[j] = a0 * b[j] }
            var p = 1
            while p < k {
                let s = ai[p]
                let bp = b + p * n
                for j in 0..<n { ci[j] += s * bp[j] }
                p += 1
            }
        }
    }

    /// C[m,n] = Aᵀ · B with A stored [k,m], B [k,n]: rank-1 updates row p by row p.
    private static func gemmTN(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        _ m: Int, _ k: Int, _ n: Int
    ) {
        // p = 0 initialises C, so no separate zeroing pass.
        for i in 0..<m {
            let s = a[i]
            let ci = c + i * n
            for j in 0..<n { ci[j] = s * b[j] }
        }
        var p = 1
        while p < k {
            let ap = a + p * m
            let bp = b + p * n
            for i in 0..<m {
                let s = ap[i]
                let ci = c + i * n
                for j in 0..<n { ci[j] += s * bp[j] }
            }
            p += 1
        }
    }

    /// C[m,n] = A · Bᵀ with A [m,k], B stored [n,k]: each element a contiguous dot.
    private static func gemmNT(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        _ m: Int, _ k: Int, _ n: Int
    ) {
        for i in 0..<m {
            let ai = a + i * k
            let ci = c + i * n
            for j in 0..<n {
                ci[j] = dot(ai, b + j * k, k)
            }
        }
    }

    /// C[m,n] = Aᵀ · Bᵀ with A stored [k,m], B stored [n,k] (rarely needed; strided).
    private static func gemmTT(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        _ m: Int, _ k: Int, _ n: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                let bj = b + j * k
                var s: Float = 0
                for p in 0..<k { s += a[p * m + i] * bj[p] }
                c[i * n + j] = s
            }
        }
    }

    /// Dot product of two contiguous length-`k` vectors with 8 independent partial sums
    /// (vectorizable), then a sequential tail.
    @inline(__always)
    private static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ k: Int) -> Float {
        var p = 0
        var s: Float = 0
        if k >= 8 {
            var acc = SIMD8<Float>(repeating: 0)
            let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
            let stride = MemoryLayout<Float>.stride
            while p + 8 <= k {
                acc += rx.loadUnaligned(fromByteOffset: p * stride, as: SIMD8<Float>.self)
                    * ry.loadUnaligned(fromByteOffset: p * stride, as: SIMD8<Float>.self)
                p += 8
            }
            s = acc.sum()
        }
        while p < k {
            s += x[p] * y[p]
            p += 1
        }
        return s
    }
}
