import XCTest
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining

final class TensorTests: XCTestCase {
    // MARK: Construction

    func testInitRepeatingAndZeros() {
        let t = Tensor(shape: [2, 3], repeating: 1.5)
        XCTAssertEqual(t.shape, [2, 3])
        XCTAssertEqual(t.count, 6)
        XCTAssertEqual(t.rank, 2)
        XCTAssertEqual(t.storage, Array(repeating: 1.5, count: 6))
        XCTAssertEqual(Tensor.zeros([0, 4]).count, 0)
        XCTAssertEqual(Tensor.zeros([]).count, 1)  // rank 0 holds one element
        XCTAssertEqual(Tensor().shape, [0])
    }

    func testInitValuesValidates() throws {
        let t = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        XCTAssertEqual(t.storage, [1, 2, 3, 4])
        assertThrowsKind(.valueError, try Tensor(shape: [2, 2], values: [1, 2, 3]))
        assertThrowsKind(.valueError, try Tensor(shape: [-1, 2], values: []))
        assertThrowsKind(.valueError, try Tensor(shape: [Int.max, 3], values: []))
        assertThrowsKind(.valueError, try t.reshaped([3]))
        XCTAssertEqual(try t.reshaped([4]).shape, [4])
    }

    // MARK: Matmul

    /// Naive triple loop in Double over op(a)·op(b).
    private func naive(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) -> [Double] {
        let (m, k) = ta ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let n = tb ? b.shape[0] : b.shape[1]
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = ta ? a.storage[p * m + i] : a.storage[i * k + p]
                    let bv = tb ? b.storage[j * k + p] : b.storage[p * n + j]
                    s += Double(av) * Double(bv)
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    func testMatmulMatchesNaiveForRandomShapes() throws {
        var g = SeededGenerator(seed: 7)
        for trial in 0..<60 {
            let m = g.nextInt(upperBound: 20) + (trial < 5 ? 0 : 1)
            let k = g.nextInt(upperBound: 40)
            let n = g.nextInt(upperBound: 20) + 1
            let a = randomTensor([m, k], &g)
            let b = randomTensor([k, n], &g)
            let c = try a.matmul(b)
            XCTAssertEqual(c.shape, [m, n])
            assertClose(c.storage, naive(a, b, false, false), tol: 1e-5)
        }
    }

    func testTransposedMatmulsMatchNaive() throws {
        var g = SeededGenerator(seed: 11)
        for _ in 0..<40 {
            let m = g.nextInt(upperBound: 12) + 1
            let k = g.nextInt(upperBound: 30) + 1
            let n = g.nextInt(upperBound: 12) + 1
            let aT = randomTensor([k, m], &g)  // stored transposed
            let b = randomTensor([k, n], &g)
            let a = randomTensor([m, k], &g)
            let bT = randomTensor([n, k], &g)  // stored transposed

            let tn = try Tensor.matmul(aT, b, transposeA: true)
            XCTAssertEqual(tn.shape, [m, n])
            assertClose(tn.storage, naive(aT, b, true, false), tol: 1e-5)

            let nt = try Tensor.matmul(a, bT, transposeB: true)
            XCTAssertEqual(nt.shape, [m, n])
            assertClose(nt.storage, naive(a, bT, false, true), tol: 1e-5)

            let tt = try Tensor.matmul(aT, bT, transposeA: true, transposeB: true)
            XCTAssertEqual(tt.shape, [m, n])
            assertClose(tt.storage, naive(aT, bT, true, true), tol: 1e-5)
        }
    }

    func testMatmulSmallExact() throws {
        let a = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3, 2], values: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(try a.matmul(b).storage, [58, 64, 139, 154])
        // aᵀ·a is [3, 3]
        XCTAssertEqual(try Tensor.matmul(a, a, transposeA: true).storage,
                       [17, 22, 27, 22, 29, 36, 27, 36, 45])
        // a·aᵀ is [2, 2]
        XCTAssertEqual(try Tensor.matmul(a, a, transposeB: true).storage, [14, 32, 32, 77])
    }

    func testMatmulZeroInnerDimensionGivesZeros() throws {
        var out = Tensor(shape: [2, 3], repeating: 9)
        try Tensor.matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3]), into: &out)
        XCTAssertEqual(out.storage, Array(repeating: 0, count: 6))
    }

    func testMatmulShapeErrorsThrow() {
        let a = Tensor.zeros([2, 3])
        let b = Tensor.zeros([2, 3])
        assertThrowsKind(.valueError, try a.matmul(b))
        assertThrowsKind(.valueError, try Tensor.matmul(a, Tensor.zeros([3]), transposeA: true))
        assertThrowsKind(.valueError, try Tensor.matmul(a, b, transposeA: true, transposeB: true))
        XCTAssertNoThrow(try Tensor.matmul(a, b, transposeA: true))
        XCTAssertNoThrow(try Tensor.matmul(a, b, transposeB: true))
        var out = Tensor(shape: [1], repeating: 5)
        assertThrowsKind(.valueError, try Tensor.matmul(a, b, into: &out))
        XCTAssertEqual(out.storage, [5])  // untouched on error
        do {
            _ = try a.matmul(b)
        } catch {
            XCTAssertEqual(error.message, "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)")
        }
    }

    func testMatmulIntoReusesStorage() throws {
        let a = Tensor(shape: [4, 3], repeating: 1)
        let b = Tensor(shape: [3, 5], repeating: 2)
        var out = Tensor()
        try Tensor.matmul(a, b, into: &out)
        let addr = storageAddress(out)
        for _ in 0..<3 { try Tensor.matmul(a, b, into: &out) }
        XCTAssertEqual(storageAddress(out), addr)
        XCTAssertEqual(out.storage, Array(repeating: 6, count: 20))
        // A smaller result reuses the capacity too.
        try Tensor.matmul(Tensor(shape: [2, 3], repeating: 1), b, into: &out)
        XCTAssertEqual(out.shape, [2, 5])
        XCTAssertEqual(storageAddress(out), addr)
    }

    // MARK: Elementwise

    func testElementwiseOps() throws {
        let a = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let b = try Tensor(shape: [2, 2], values: [0.5, -1, 2, 0])
        XCTAssertEqual(try a.adding(b).storage, [1.5, 1, 5, 4])
        XCTAssertEqual(try a.subtracting(b).storage, [0.5, 3, 1, 4])
        XCTAssertEqual(try a.multiplying(b).storage, [0.5, -2, 6, 0])
        XCTAssertEqual(a.adding(scalar: 1).storage, [2, 3, 4, 5])
        XCTAssertEqual(a.multiplying(scalar: -2).storage, [-2, -4, -6, -8])
        var c = a
        try c.add(b)
        try c.subtract(b)
        try c.multiply(b)
        c.add(scalar: 1)
        c.multiply(scalar: 2)
        XCTAssertEqual(c.storage, [3, -2, 14, 2])
        XCTAssertEqual(a.storage, [1, 2, 3, 4])  // value semantics
        c.fill(7)
        XCTAssertEqual(c.storage, [7, 7, 7, 7])
    }

    func testElementwiseShapeErrorsThrow() {
        var a = Tensor.zeros([2, 2])
        let b = Tensor.zeros([4])
        assertThrowsKind(.valueError, try a.adding(b))
        assertThrowsKind(.valueError, try a.subtracting(b))
        assertThrowsKind(.valueError, try a.multiplying(b))
        assertThrowsKind(.valueError, try a.add(b))
        assertThrowsKind(.valueError, try a.addRowVector(Tensor.zeros([3])))
        assertThrowsKind(.valueError, try a.addRowVector(Tensor.zeros([1, 2])))
        assertThrowsKind(.valueError, try b.addingRowVector(b))
    }

    func testAddRowVectorBroadcastsOverRows() throws {
        let a = try Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6])
        let bias = try Tensor(shape: [2], values: [10, -1])
        XCTAssertEqual(try a.addingRowVector(bias).storage, [11, 1, 13, 3, 15, 5])
    }

    // MARK: Reductions

    func testSumMeanAndColumnSums() throws {
        let a = try Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(a.sum(), 21)
        XCTAssertEqual(a.mean(), 3.5)
        XCTAssertEqual(try a.columnSums().storage, [9, 12])
        XCTAssertEqual(try a.columnSums().shape, [2])
        XCTAssertEqual(Tensor.zeros([0]).sum(), 0)
        XCTAssertTrue(Tensor.zeros([0]).mean().isNaN)
        XCTAssertEqual(try Tensor.zeros([0, 3]).columnSums().storage, [0, 0, 0])
        assertThrowsKind(.valueError, try Tensor.zeros([3]).columnSums())
    }

    // MARK: ReLU

    func testReluAndBackwardMask() throws {
        let x = try Tensor(shape: [2, 3], values: [-1, 0, 2, .nan, -0.5, 3])
        let y = x.relu()
        XCTAssertEqual(y.storage[0], 0)
        XCTAssertEqual(y.storage[1], 0)
        XCTAssertEqual(y.storage[2], 2)
        XCTAssertTrue(y.storage[3].isNaN)  // NaN propagates, as torch
        XCTAssertEqual(Array(y.storage[4...]), [0, 3])
        let g = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let gx = try Tensor.reluBackward(gradOutput: g, output: y)
        XCTAssertEqual(gx.storage, [0, 0, 3, 4, 0, 6])
        assertThrowsKind(.valueError, try Tensor.reluBackward(gradOutput: Tensor.zeros([6]), output: y))
    }

    // MARK: Random fills

    func testRandomFillsAreDeterministicAndInRange() {
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let u1 = Tensor.uniform(shape: [1000], low: -0.5, high: 0.25, using: &g1)
        let u2 = Tensor.uniform(shape: [1000], low: -0.5, high: 0.25, using: &g2)
        XCTAssertEqual(u1, u2)
        XCTAssertTrue(u1.storage.allSatisfy { $0 >= -0.5 && $0 <= 0.25 })
        let n = Tensor.normal(shape: [20_001], mean: 3, std: 2, using: &g1)
        let mean = Double(n.mean())
        let variance = n.storage.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n.count)
        XCTAssertEqual(mean, 3, accuracy: 0.05)
        XCTAssertEqual(variance.squareRoot(), 2, accuracy: 0.05)
    }
}
