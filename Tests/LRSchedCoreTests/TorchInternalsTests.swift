@testable import LRSchedSupport
@testable import LRSchedCore
import XCTest

/// torch's scheduler internals reached from outside (last_epoch assignment, _initial_step,
/// _update_lr, get_lr), CustomLR (a subclass's get_lr()) and CyclicLR's custom scale_fn.
final class TorchInternalsTests: XCTestCase {
    func testLastEpochAssignmentThenChainableStep() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try StepLR(opt, stepSize: 3, gamma: 0.5)
        try s.step()
        s.setLastEpoch(2)
        try s.step()  // epoch 3: lr * gamma, from the current lr
        XCTAssertEqual([Double(s.lastEpoch), opt.groups[0].lr, Double(s.torchStepCount)], [3, 0.05, 3])
        XCTAssertEqual(try s.torchGetLR(), [0.025])  // torch's get_lr() at epoch 3 again: lr * gamma
        XCTAssertEqual(opt.groups[0].lr, 0.05)
    }

    func testInitialStepAndUpdateLRAsSequentialLRCallsThem() throws {
        let opt = try OptimizerState(lr: 0.1)
        let e = try ExponentialLR(opt, gamma: 0.5)
        e.setLastEpoch(-1)
        try e.torchInitialStep()  // _is_initial: the lr is kept
        XCTAssertEqual(e.lastEpoch, 0)
        XCTAssertEqual(e.torchStepCount, 1)
        XCTAssertEqual(opt.groups[0].lr, 0.1)
        try e.torchUpdateLR(epoch: 2)  // the closed form, no step counted
        XCTAssertEqual([Double(e.lastEpoch), Double(e.torchStepCount), opt.groups[0].lr], [2, 1, 0.025])
        let seq = try SequentialLR(opt, schedulers: [try StepLR(opt, stepSize: 2)], milestones: [])
        assertThrows(.notImplementedError) { _ = try seq.torchGetLR() }
    }

    func testCustomLRCallsItsFunctionAndFailsAtomically() throws {
        let opt = try OptimizerState(lr: 0.8)
        var requests: [CustomLR.Request] = []
        var failAt = -99
        let s = try CustomLR(opt, closedForm: true) { (r, lrs) throws(LRSchedError) in
            requests.append(r)
            if r.epoch == failAt { throw .value("no lr at \(r.epoch)") }
            lrs[0] = 0.8 * Py.pow(0.5, Double(r.epoch))
        }
        XCTAssertEqual(requests.map(\.isInitial), [true])
        try s.step()
        XCTAssertEqual(opt.groups[0].lr, 0.4)
        failAt = 2
        assertThrows(.valueError, "no lr at 2") { try s.step() }
        XCTAssertEqual([Double(s.lastEpoch), opt.groups[0].lr, Double(s.torchStepCount)], [1, 0.4, 2])
        try s.step(epoch: 3)
        XCTAssertEqual(opt.groups[0].lr, 0.1)
        XCTAssertEqual(requests.last?.closedForm, true)
        let silent = try CustomLR(OptimizerState(lr: 0.1), initialStep: false) { (_, _) throws(LRSchedError) in }
        assertThrows(.valueError) { try silent.torchInitialStep() }  // nothing written: NaN
        XCTAssertEqual([silent.lastEpoch, silent.torchStepCount], [-1, 0])
    }

    func testCyclicScaleFunctionMayThrow() throws {
        let opt = try OptimizerState(lr: 0.1, momentum: 0.9)
        var fail = false
        let s = try CyclicLR(opt, baseLR: 0.01, maxLR: 0.1, stepSizeUp: 2, scaleFn: { (x) throws(LRSchedError) in
            if fail { throw .value("scale at \(x)") }
            return 1 / Py.pow(2.0, x - 1)
        })
        try s.step()
        fail = true
        let before = (opt.groups[0].lr, s.lastEpoch)
        assertThrows(.valueError, "scale at 1.0") { try s.step() }
        XCTAssertEqual(opt.groups[0].lr, before.0)
        XCTAssertEqual(s.lastEpoch, before.1)
    }
}
