import XCTest
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining

final class SGDTests: XCTestCase {
    private func param(_ values: [Float], name: String = "p") -> Parameter {
        Parameter(name: name, data: try! Tensor(shape: [values.count], values: values))
    }

    /// Expected values computed by hand (float64, torch's formula) for p0 = [1, -2],
    /// grads [0.5, -0.25] then [0.1, 0.3], lr 0.1:
    /// (momentum, dampening, nesterov, weight_decay, maximize, after step 1, after step 2).
    private let cases: [(Double, Double, Bool, Double, Bool, [Double], [Double])] = [
        (0, 0, false, 0, false, [0.95, -1.975], [0.94, -2.005]),
        (0, 0, false, 0, true, [1.05, -2.025], [1.06, -1.995]),
        (0, 0, false, 0.01, false, [0.949, -1.973], [0.938051, -2.001027]),
        (0, 0, false, 0.01, true, [1.049, -2.023], [1.057951, -1.990977]),
        (0, 0.5, false, 0, false, [0.95, -1.975], [0.94, -2.005]),
        (0, 0.5, false, 0, true, [1.05, -2.025], [1.06, -1.995]),
        (0, 0.5, false, 0.01, false, [0.949, -1.973], [0.938051, -2.001027]),
        (0, 0.5, false, 0.01, true, [1.049, -2.023], [1.057951, -1.990977]),
        (0.9, 0, false, 0, false, [0.95, -1.975], [0.895, -1.9825]),
        (0.9, 0, false, 0, true, [1.05, -2.025], [1.105, -2.0175]),
        (0.9, 0, false, 0.01, false, [0.949, -1.973], [0.892151, -1.976727]),
        (0.9, 0, false, 0.01, true, [1.049, -2.023], [1.102051, -2.011677]),
        (0.9, 0, true, 0, false, [0.905, -1.9525], [0.8455, -1.98925]),
        (0.9, 0, true, 0, true, [1.095, -2.0475], [1.1545, -2.01075]),
        (0.9, 0, true, 0.01, false, [0.9031, -1.9487], [0.84107411, -1.98012747]),
        (0.9, 0, true, 0.01, true, [1.0931, -2.0437], [1.14971311, -2.00144697]),
        (0.9, 0.5, false, 0, false, [0.95, -1.975], [0.9, -1.9675]),
        (0.9, 0.5, false, 0, true, [1.05, -2.025], [1.1, -2.0325]),
        (0.9, 0.5, false, 0.01, false, [0.949, -1.973], [0.8976255, -1.9627135]),
        (0.9, 0.5, false, 0.01, true, [1.049, -2.023], [1.0975755, -2.0276885]),
    ]

    /// torch's `_single_tensor_sgd` transcribed tensor-op by tensor-op in float32, each
    /// `x.add(y, alpha=a)` an fma; used for bit-exact comparison.
    private func reference(
        p0: [Float], grads: [[Float]], lrs: [Double], momentum: Double, dampening: Double,
        nesterov: Bool, weightDecay: Double, maximize: Bool
    ) -> [[Float]] {
        var p = p0
        var buf: [Float]? = nil
        var history: [[Float]] = []
        for (g, lr) in zip(grads, lrs) {
            var d = maximize ? g.map { -$0 } : g
            if weightDecay != 0 { d = zip(d, p).map { $0.addingProduct($1, Float(weightDecay)) } }
            if momentum != 0 {
                if let b = buf {
                    let scaled = b.map { $0 * Float(momentum) }
                    buf = zip(scaled, d).map { $0.addingProduct($1, Float(1 - dampening)) }
                } else {
                    buf = d
                }
                d = nesterov ? zip(d, buf!).map { $0.addingProduct($1, Float(momentum)) } : buf!
            }
            p = zip(p, d).map { $0.addingProduct($1, Float(-lr)) }
            history.append(p)
        }
        return history
    }

    func testEveryOptionCombinationOverTwoSteps() throws {
        XCTAssertEqual(cases.count, 20)
        let g1: [Float] = [0.5, -0.25], g2: [Float] = [0.1, 0.3]
        for (m, damp, nest, wd, maxi, e1, e2) in cases {
            let label = "momentum=\(m) dampening=\(damp) nesterov=\(nest) wd=\(wd) maximize=\(maxi)"
            let p = param([1, -2])
            let opt = try SGD(parameters: [p], lr: 0.1, momentum: m, dampening: damp,
                              weightDecay: wd, nesterov: nest, maximize: maxi)
            try p.setGrad(g1)
            opt.step()
            let s1 = p.values
            try p.setGrad(g2)
            opt.step()
            let s2 = p.values
            assertClose(s1, e1, tol: 1e-6)
            assertClose(s2, e2, tol: 1e-6)
            let ref = reference(p0: [1, -2], grads: [g1, g2], lrs: [0.1, 0.1], momentum: m,
                                dampening: damp, nesterov: nest, weightDecay: wd, maximize: maxi)
            XCTAssertEqual(s1, ref[0], label)
            XCTAssertEqual(s2, ref[1], label)
            XCTAssertEqual(opt.momentumBuffer(for: p) == nil, m == 0, label)
        }
    }

    func testFirstMomentumStepCopiesGradientWithoutDampening() throws {
        let p = param([0, 0])
        let opt = try SGD(parameters: [p], lr: 1, momentum: 0.9, dampening: 0.5)
        XCTAssertNil(opt.momentumBuffer(for: p))
        try p.setGrad([0.5, -0.25])
        opt.step()
        // buf = clone(d), not (1 - dampening)·d.
        XCTAssertEqual(opt.momentumBuffer(for: p), [0.5, -0.25])
        XCTAssertEqual(p.values, [-0.5, 0.25])
        try p.setGrad([1, 1])
        opt.step()
        // buf = 0.9·buf + 0.5·g
        let b0 = (Float(0.5) * Float(0.9)).addingProduct(1, Float(0.5))
        let b1 = (Float(-0.25) * Float(0.9)).addingProduct(1, Float(0.5))
        XCTAssertEqual(opt.momentumBuffer(for: p), [b0, b1])
        XCTAssertEqual(p.values, [Float(-0.5).addingProduct(b0, -1), Float(0.25).addingProduct(b1, -1)])
    }

    func testReadsCurrentLRAndMomentumAtEveryStep() throws {
        let p = param([1])
        let opt = try SGD(parameters: [p], lr: 0.1, momentum: 0.5)
        try p.setGrad([1])
        opt.step()                      // buf = 1, p = 1 - 0.1
        XCTAssertEqual(p.values, [Float(1).addingProduct(1, Float(-0.1))])
        try opt.state.setValue(0.5, for: .lr, group: 0)
        try opt.state.setValue(0.25, for: .momentum, group: 0)
        let before = p.values[0]
        opt.step()                      // buf = 0.25·1 + 1 = 1.25, p -= 0.5·1.25
        XCTAssertEqual(opt.momentumBuffer(for: p), [1.25])
        XCTAssertEqual(p.values, [before.addingProduct(1.25, -0.5)])
        // Momentum switched off: plain SGD, the buffer is kept untouched.
        try opt.state.setValue(0, for: .momentum, group: 0)
        let before2 = p.values[0]
        opt.step()
        XCTAssertEqual(p.values, [before2.addingProduct(1, -0.5)])
        XCTAssertEqual(opt.momentumBuffer(for: p), [1.25])
    }

    func testLRIsRoundedToFloatAndUpdateIsFused() throws {
        // p - lr·g as fma(g, Float(-lr), p): a case where fused and unfused differ.
        let pv = Float(bitPattern: 1_072_369_675), gv = Float(bitPattern: 1_065_165_010), lr = 0.3
        XCTAssertNotEqual(pv.addingProduct(gv, Float(-lr)), pv + gv * Float(-lr))
        let p = param([pv])
        let opt = try SGD(parameters: [p], lr: lr)
        try p.setGrad([gv])
        opt.step()
        XCTAssertEqual(p.values[0], pv.addingProduct(gv, Float(-lr)))
    }

    func testParametersWithoutGradientAreSkipped() throws {
        let a = param([1, 1], name: "a"), b = param([2], name: "b")
        let opt = try SGD(parameters: [a, b], lr: 0.5, momentum: 0.9)
        try a.setGrad([1, 2])
        opt.step()
        XCTAssertEqual(a.values, [0.5, 0])
        XCTAssertEqual(b.values, [2])
        XCTAssertNil(opt.momentumBuffer(for: b))
        opt.zeroGrad()
        XCTAssertNil(a.grad)
        opt.step()
        XCTAssertEqual(a.values, [0.5, 0])
    }

    func testParamGroupsWithOverridesAndSchedulingOnlyGroup() throws {
        let a = param([1], name: "a"), b = param([1], name: "b")
        let opt = try SGD(groups: [
            .init(parameters: [a]),
            .init(parameters: [b], lr: 0.5, momentum: 0.9),
            .init(parameters: []),
        ], lr: 0.1)
        XCTAssertEqual(opt.state.count, 3)
        XCTAssertEqual(opt.state.groups[0].lr, 0.1)
        XCTAssertEqual(opt.state.groups[1].lr, 0.5)
        XCTAssertEqual(opt.state.groups[1].momentum, 0.9)
        XCTAssertEqual(opt.state.groups[2].momentum, 0)
        XCTAssertEqual(opt.parameterGroups.map(\.count), [1, 1, 0])
        try a.setGrad([1])
        try b.setGrad([1])
        opt.step()
        XCTAssertEqual(a.values, [Float(1).addingProduct(1, Float(-0.1))])
        XCTAssertEqual(b.values, [0.5])
        XCTAssertNotNil(opt.momentumBuffer(for: b))
        XCTAssertNil(opt.momentumBuffer(for: a))

        // Scheduling-only SGD: no parameters at all.
        let empty = try SGD(parameters: [], lr: 0.1)
        empty.step()
        XCTAssertEqual(empty.parameterGroups.map(\.count), [0])
        // A group added to the state directly has no parameters.
        try opt.state.addParamGroup(ParamGroup(lr: 0.3))
        opt.step()
        XCTAssertEqual(opt.parameterGroups.map(\.count), [1, 1, 0, 0])
    }

    func testAddParamGroup() throws {
        let a = param([1], name: "a"), b = param([1], name: "b")
        let opt = try SGD(parameters: [a], lr: 0.1, momentum: 0.5)
        try opt.addParamGroup(.init(parameters: [b], lr: 1))
        XCTAssertEqual(opt.state.count, 2)
        XCTAssertEqual(opt.state.groups[1].lr, 1)
        XCTAssertEqual(opt.state.groups[1].momentum, 0.5)  // from the defaults
        try b.setGrad([0.25])
        opt.step()
        XCTAssertEqual(b.values, [0.75])
        assertThrowsKind(.valueError, try opt.addParamGroup(.init(parameters: [a])))
        assertThrowsKind(.valueError, try opt.addParamGroup(.init(parameters: [], lr: -1)))
        XCTAssertEqual(opt.state.count, 2)
    }

    func testValidationErrors() {
        let p = param([1])
        assertThrowsKind(.valueError, try SGD(parameters: [p], lr: -0.1))
        assertThrowsKind(.valueError, try SGD(parameters: [p], momentum: -0.5))
        assertThrowsKind(.valueError, try SGD(parameters: [p], weightDecay: -1))
        assertThrowsKind(.valueError, try SGD(parameters: [p], nesterov: true))
        assertThrowsKind(.valueError, try SGD(parameters: [p], momentum: 0.9, dampening: 0.1, nesterov: true))
        assertThrowsKind(.valueError, try SGD(parameters: [p], lr: .nan))
        assertThrowsKind(.valueError, try SGD(parameters: [p], lr: .infinity))
        assertThrowsKind(.valueError, try SGD(groups: []))
        assertThrowsKind(.valueError, try SGD(groups: [.init(parameters: [p], lr: -1)]))
        assertThrowsKind(.valueError, try SGD(groups: [.init(parameters: [p]), .init(parameters: [p])]))
        assertThrowsKind(.valueError, try SGD(parameters: [p, p]))
        XCTAssertNoThrow(try SGD(parameters: [p], lr: 0, momentum: 0.9, nesterov: true))
        // Messages come from ParamGroup.validate(); the first words don't depend on pyRepr.
        do {
            _ = try SGD(parameters: [p], lr: -0.1)
        } catch {
            XCTAssertTrue(error.message.hasPrefix("Invalid learning rate: "), error.message)
        }
        do {
            _ = try SGD(groups: [])
        } catch {
            XCTAssertEqual(error.message, "optimizer got an empty parameter list")
        }
    }

    func testTrainsAModelEndToEndWithMomentum() throws {
        // A Linear-ReLU-Linear fit of y = |x| shows every piece cooperating.
        var g = SeededGenerator(seed: 2)
        let x = randomTensor([64, 1], &g)
        let y = try Tensor(shape: [64, 1], values: x.storage.map { abs($0) })
        let model = Sequential(Linear(in: 1, out: 16, seed: 3), ReLU(), Linear(in: 16, out: 1, seed: 4))
        let opt = try SGD(parameters: model.parameters, lr: 0.05, momentum: 0.9)
        let mse = MSELoss()
        var grad = Tensor()
        let initial = try mse(try model.forward(x), y)
        for _ in 0..<500 {
            let pred = try model.forward(x)
            try mse.gradient(pred, y, into: &grad)
            _ = try model.backward(grad, computeInputGradient: false)
            opt.step()
        }
        let final = try mse(try model.forward(x), y)
        XCTAssertLessThan(final, initial / 20, "initial \(initial) final \(final)")
    }
}
