import XCTest
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining

final class ModelTests: XCTestCase {
    // MARK: Parameters and layout

    func testLinearLayoutAndInitBounds() {
        let layer = Linear(in: 4, out: 3, seed: 1)
        XCTAssertEqual(layer.weight.shape, [3, 4])
        XCTAssertEqual(layer.bias.shape, [3])
        XCTAssertEqual(layer.weight.numel, 12)
        let bound: Float = 0.5  // 1/sqrt(4)
        XCTAssertTrue(layer.weight.values.allSatisfy { abs($0) <= bound })
        XCTAssertTrue(layer.bias.values.allSatisfy { abs($0) <= bound })
        XCTAssertEqual(Set(layer.weight.values).count, 12)  // really random
        // Deterministic per seed.
        XCTAssertEqual(Linear(in: 4, out: 3, seed: 1).weight.values, layer.weight.values)
        XCTAssertNotEqual(Linear(in: 4, out: 3, seed: 2).weight.values, layer.weight.values)
        XCTAssertEqual(layer.namedParameters.map(\.name), ["weight", "bias"])
        XCTAssertNil(layer.weight.grad)
    }

    func testSequentialNamedParametersInTorchOrder() {
        let model = Sequential(Linear(in: 2, out: 5), ReLU(), Linear(in: 5, out: 1))
        XCTAssertEqual(model.namedParameters.map(\.name), ["0.weight", "0.bias", "2.weight", "2.bias"])
        XCTAssertEqual(model.parameters.map(\.shape), [[5, 2], [5], [1, 5], [1]])
        XCTAssertTrue(model.parameter(named: "2.weight") === (model.layers[2] as! Linear).weight)
        XCTAssertNil(model.parameter(named: "1.weight"))
    }

    func testParameterSetAndValues() throws {
        let layer = Linear(in: 2, out: 2)
        try layer.weight.set([1, 2, 3, 4])
        XCTAssertEqual(layer.weight.values, [1, 2, 3, 4])
        XCTAssertEqual(layer.weight.shape, [2, 2])
        assertThrowsKind(.valueError, try layer.weight.set([1, 2, 3]))
        assertThrowsKind(.valueError, try layer.bias.setGrad([1]))
        try layer.bias.setGrad([0.5, 0.25])
        XCTAssertEqual(layer.bias.gradValues, [0.5, 0.25])
        layer.zeroGrad()
        XCTAssertNil(layer.bias.gradValues)
    }

    // MARK: Forward

    func testLinearForwardIsXWtPlusB() throws {
        let layer = Linear(in: 3, out: 2)
        try layer.weight.set([1, 0, -1, 2, 1, 0])
        try layer.bias.set([0.5, -1])
        let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let y = try layer.forward(x)
        XCTAssertEqual(y.shape, [2, 2])
        XCTAssertEqual(y.storage, [-1.5, 3, -1.5, 12] as [Float])  // [1-3+0.5, 2+2-1, 4-6+0.5, 8+5-1]
    }

    func testShapeErrorsThrow() throws {
        let layer = Linear(in: 3, out: 2)
        assertThrowsKind(.valueError, try layer.forward(Tensor.zeros([2, 4])))
        assertThrowsKind(.valueError, try layer.forward(Tensor.zeros([3])))
        do {
            _ = try layer.forward(Tensor.zeros([10, 4]))
        } catch {
            XCTAssertEqual(error.message, "mat1 and mat2 shapes cannot be multiplied (10x4 and 3x2)")
        }
        _ = try layer.forward(Tensor.zeros([4, 3]))
        assertThrowsKind(.valueError, try layer.backward(Tensor.zeros([4, 3])))
        assertThrowsKind(.valueError, try layer.backward(Tensor.zeros([5, 2])))
        XCTAssertNoThrow(try layer.backward(Tensor.zeros([4, 2])))
    }

    func testBackwardWithoutForwardIsRuntimeError() throws {
        let layer = Linear(in: 2, out: 2)
        assertThrowsKind(.runtimeError, try layer.backward(Tensor.zeros([1, 2])))
        _ = try layer.forward(Tensor.zeros([1, 2]))
        _ = try layer.backward(Tensor.zeros([1, 2]))
        assertThrowsKind(.runtimeError, try layer.backward(Tensor.zeros([1, 2])))  // second time
        let relu = ReLU()
        assertThrowsKind(.runtimeError, try relu.backward(Tensor.zeros([1])))
    }

    // MARK: Backward vs finite differences

    /// L = Σ out ⊙ r in Double, so dL/dout = r.
    private func weightedSum(_ out: Tensor, _ r: Tensor) -> Double {
        zip(out.storage, r.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Central differences of L with respect to every element of `p` and of `x`.
    private func checkGradients(
        model: any Layer, x: Tensor, eps: Float = 1e-2, tol: Float = 2e-3,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var g = SeededGenerator(seed: 99)
        let out = try model.forward(x)
        let r = randomTensor(out.shape, &g)
        let gx = try model.backward(r)
        let loss = { (input: Tensor) throws -> Double in
            self.weightedSum(try model.forward(input), r)
        }
        for p in model.parameters {
            let analytic = try XCTUnwrap(p.gradValues, file: file, line: line)
            let base = p.values
            var numeric = [Float]()
            for i in 0..<base.count {
                var v = base
                v[i] = base[i] + eps
                try p.set(v)
                let lp = try loss(x)
                v[i] = base[i] - eps
                try p.set(v)
                let lm = try loss(x)
                numeric.append(Float((lp - lm) / (2 * Double(eps))))
            }
            try p.set(base)
            assertClose(analytic, numeric, tol: tol, file: file, line: line)
        }
        var numericX = [Float]()
        for i in 0..<x.count {
            var v = x.storage
            v[i] += eps
            let lp = try loss(try Tensor(shape: x.shape, values: v))
            v[i] -= 2 * eps
            let lm = try loss(try Tensor(shape: x.shape, values: v))
            numericX.append(Float((lp - lm) / (2 * Double(eps))))
        }
        assertClose(gx.storage, numericX, tol: tol, file: file, line: line)
    }

    func testLinearBackwardMatchesFiniteDifferences() throws {
        var g = SeededGenerator(seed: 4)
        let layer = Linear(in: 5, out: 3, seed: 8)
        try checkGradients(model: layer, x: randomTensor([7, 5], &g))
    }

    func testMLPBackwardMatchesFiniteDifferences() throws {
        var g = SeededGenerator(seed: 21)
        let model = Sequential(Linear(in: 3, out: 6, seed: 1), ReLU(), Linear(in: 6, out: 2, seed: 2))
        // Small eps: keep every ReLU input away from its kink.
        try checkGradients(model: model, x: randomTensor([4, 3], &g), eps: 1e-3, tol: 5e-3)
    }

    func testLinearBackwardExactSmallCase() throws {
        let layer = Linear(in: 2, out: 1)
        try layer.weight.set([3, -1])
        try layer.bias.set([0])
        let x = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        _ = try layer.forward(x)
        let gIn = try layer.backward(try Tensor(shape: [2, 1], values: [1, 0.5]))
        XCTAssertEqual(layer.weight.gradValues, [2.5, 4] as [Float])  // [1·1 + 0.5·3, 1·2 + 0.5·4]
        XCTAssertEqual(layer.bias.gradValues, [1.5])
        XCTAssertEqual(gIn.storage, [3, -1, 1.5, -0.5])
    }

    func testSequentialSkipsFirstInputGradientWhenNotAsked() throws {
        let model = Sequential(Linear(in: 2, out: 2), ReLU(), Linear(in: 2, out: 1))
        _ = try model.forward(Tensor(shape: [3, 2], repeating: 1))
        XCTAssertNil(try model.backward(Tensor(shape: [3, 1], repeating: 1), computeInputGradient: false))
        XCTAssertNotNil(model.parameters[0].grad)
        XCTAssertNotNil(model.parameters[3].grad)
        // An empty Sequential is the identity.
        let id = Sequential([])
        let x = Tensor(shape: [1, 2], repeating: 3)
        XCTAssertEqual(try id.forward(x), x)
        XCTAssertEqual(try id.backward(x), x)
    }

    func testBackwardOverwritesGradients() throws {
        let layer = Linear(in: 1, out: 1)
        let x = Tensor(shape: [1, 1], repeating: 2)
        for _ in 0..<3 {
            _ = try layer.forward(x)
            _ = try layer.backward(Tensor(shape: [1, 1], repeating: 1))
        }
        XCTAssertEqual(layer.weight.gradValues, [2])  // not 6: no accumulation
        XCTAssertEqual(layer.bias.gradValues, [1])
    }

    // MARK: MSE

    func testMSEValueAndGradient() throws {
        let mse = MSELoss()
        let p = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let y = try Tensor(shape: [2, 2], values: [1.5, 2, 1, 5])
        // diffs -0.5, 0, 2, -1 → squares 0.25, 0, 4, 1 → mean 1.3125
        XCTAssertEqual(try mse.forward(p, y), 1.3125)
        XCTAssertEqual(try mse(p, y), 1.3125)
        XCTAssertEqual(try mse.gradient(p, y).storage, [-0.25, 0, 1, -0.5])
        XCTAssertEqual(try mse.gradient(p, y).shape, [2, 2])
        assertThrowsKind(.valueError, try mse.forward(p, Tensor.zeros([4])))
        assertThrowsKind(.valueError, try mse.gradient(p, Tensor.zeros([2, 3])))
        XCTAssertTrue(try mse.forward(Tensor.zeros([0, 1]), Tensor.zeros([0, 1])).isNaN)
    }

    func testMSEGradientMatchesFiniteDifferences() throws {
        var g = SeededGenerator(seed: 17)
        let mse = MSELoss()
        let p = randomTensor([3, 4], &g), y = randomTensor([3, 4], &g)
        let analytic = try mse.gradient(p, y).storage
        var numeric = [Float]()
        let eps: Float = 1e-2
        for i in 0..<p.count {
            var v = p.storage
            v[i] += eps
            let lp = Double(try mse.forward(try Tensor(shape: p.shape, values: v), y))
            v[i] -= 2 * eps
            let lm = Double(try mse.forward(try Tensor(shape: p.shape, values: v), y))
            numeric.append(Float((lp - lm) / (2 * Double(eps))))
        }
        assertClose(analytic, numeric, tol: 1e-3)
    }
}
