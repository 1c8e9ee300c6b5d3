import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining
import XCTest

func assertThrows(_ kind: LRSchedError.Kind, _ message: String? = nil, file: StaticString = #filePath, line: UInt = #line,
                  _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected \(kind.rawValue)", file: file, line: line)
    } catch let e as LRSchedError {
        XCTAssertEqual(e.kind, kind, e.message, file: file, line: line)
        if let message { XCTAssertEqual(e.message, message, file: file, line: line) }
    } catch {
        XCTFail("unexpected \(error)", file: file, line: line)
    }
}

final class SchedulerTests: XCTestCase {
    /// The article's three schedules, as printed (`epoch k  lr 0.0900`).
    func testArticleSequencesExactDoubles() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try ExponentialLR(opt, gamma: 0.9)
        var got: [Double] = []
        for _ in 0..<3 { try s.step(); got.append(s.getLastLR()[0]) }
        XCTAssertEqual(got, [0.09000000000000001, 0.08100000000000002, 0.07290000000000002])
    }

    func testSeveralSchedulersComposeOnOneOptimizer() throws {
        let opt = try OptimizerState(lr: 0.1)
        let exp = try ExponentialLR(opt, gamma: 0.9)
        let step = try StepLR(opt, stepSize: 2, gamma: 0.5)
        try exp.step(); try step.step()
        try exp.step(); try step.step()
        XCTAssertEqual(opt.groups[0].lr, 0.1 * 0.9 * 0.9 * 0.5)
        // get_last_lr of each scheduler is the group lr after its own step.
        XCTAssertEqual(exp.getLastLR(), [0.1 * 0.9 * 0.9])
        XCTAssertEqual(step.getLastLR(), [0.1 * 0.9 * 0.9 * 0.5])
    }

    func testLambdaClosuresPerGroup() throws {
        let opt = try OptimizerState(defaults: ParamGroup(lr: 0.05), groups: [ParamGroup(lr: 0.05), ParamGroup(lr: 0.4)])
        let s = try LambdaLR(opt, lrLambda: .perGroup([{ Py095(0.9, $0) }, { Py095(0.8, $0) }]))
        for e in 1...5 {
            try s.step()
            XCTAssertEqual(opt.groups[0].lr, 0.05 * Py095(0.9, e))
            XCTAssertEqual(opt.groups[1].lr, 0.4 * Py095(0.8, e))
        }
        assertThrows(.valueError, "Expected 2 lr_lambdas, but got 1") {
            _ = try LambdaLR(opt, lrLambda: .perGroup([{ _ in 1 }]))
        }
    }

    /// A throwing lambda aborts the step: lrs, last_epoch and get_last_lr unchanged.
    func testFailingLambdaLeavesEverythingUnchanged() throws {
        struct Boom: Error {}
        let opt = try OptimizerState(lr: 0.1)
        let s = try MultiplicativeLR(opt, lrLambda: { e in if e == 3 { throw Boom() }; return 0.5 })
        try s.step(); try s.step()
        let before = (opt.groups[0].lr, s.lastEpoch, s.getLastLR())
        assertThrows(.callbackFailed) { try s.step() }
        XCTAssertEqual(opt.groups[0].lr, before.0)
        XCTAssertEqual(s.lastEpoch, before.1)
        XCTAssertEqual(s.getLastLR(), before.2)
        XCTAssertEqual(s.stateDict()["_step_count"], .int(3))
    }

    func testTorchValidationMessages() throws {
        let opt = try OptimizerState(lr: 0.1)
        assertThrows(.valueError, "Constant multiplicative factor expected to be between 0 and 1.") { _ = try ConstantLR(opt, factor: 1.5) }
        assertThrows(.valueError, "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.") { _ = try LinearLR(opt, startFactor: 0) }
        assertThrows(.valueError, "Ending multiplicative factor expected to be between 0 and 1.") { _ = try LinearLR(opt, endFactor: -0.1) }
        assertThrows(.valueError, "Expected positive integer T_0, but got 0") { _ = try CosineAnnealingWarmRestarts(opt, t0: 0) }
        assertThrows(.valueError, "Expected integer T_mult >= 1, but got 0") { _ = try CosineAnnealingWarmRestarts(opt, t0: 5, tMult: 0) }
        assertThrows(.valueError, "Factor should be < 1.0.") { _ = try ReduceLROnPlateau(opt, factor: 1.0) }
        assertThrows(.valueError, "Expected positive integer total_steps, but got 0") { _ = try OneCycleLR(opt, maxLR: [0.1], length: .totalSteps(0)) }
        assertThrows(.valueError, "Expected float between 0 and 1 pct_start, but got 1.5") { _ = try OneCycleLR(opt, maxLR: [0.1], length: .totalSteps(10), pctStart: 1.5) }
        assertThrows(.valueError, "SequentialLR expects at least one scheduler, but got no scheduler.") { _ = try SequentialLR(opt, schedulers: [], milestones: []) }
        assertThrows(.valueError, "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.") { _ = try ChainedScheduler([]) }
        assertThrows(.valueError, "Invalid learning rate: -0.1") { _ = try OptimizerState(lr: -0.1) }
        assertThrows(.valueError, "Invalid momentum value: -1.0") { _ = try OptimizerState(lr: 0.1, momentum: -1) }
        assertThrows(.valueError) { _ = try OptimizerState(lr: .nan) }
        assertThrows(.valueError) { _ = try ExponentialLR(opt, gamma: .infinity) }
        assertThrows(.valueError, "optimizer got an empty parameter list") { _ = try OptimizerState(defaults: ParamGroup(lr: 0.1), groups: []) }
    }

    /// Where torch fails at a step, lrsched fails at that step and changes nothing.
    func testStepErrorsAreTransactional() throws {
        let opt = try OptimizerState(lr: 0.1, momentum: 0.9)
        let s = try OneCycleLR(opt, maxLR: [0.1], length: .totalSteps(3))
        for _ in 0..<3 { try s.step() }
        let lr = opt.groups[0].lr
        let mom = opt.groups[0].momentum
        assertThrows(.valueError, "Tried to step 4 times. The specified number of total steps is 3") { try s.step() }
        assertThrows(.valueError, "Tried to step 4 times. The specified number of total steps is 3") { try s.step() }
        XCTAssertEqual(opt.groups[0].lr, lr)
        XCTAssertEqual(opt.groups[0].momentum, mom)
        XCTAssertEqual(s.lastEpoch, 3)

        let o2 = try OptimizerState(lr: 0.1)
        let z = try StepLR(o2, stepSize: 0)
        assertThrows(.zeroDivisionError, "integer modulo by zero") { try z.step() }
        XCTAssertEqual(z.lastEpoch, 0)
    }

    /// Never inf/NaN instead of failing.
    func testNonFiniteLRIsAnError() throws {
        let opt = try OptimizerState(lr: 1e300)
        let s = try ExponentialLR(opt, gamma: 1e10)
        assertThrows(.valueError) { try s.step() }
        XCTAssertEqual(opt.groups[0].lr, 1e300)
    }

    func testResumeNeedsInitialLR() throws {
        let opt = try OptimizerState(lr: 0.1)
        assertThrows(.keyError) { _ = try StepLR(opt, stepSize: 2, lastEpoch: 3) }
        try opt.setValue(0.1, for: .initial_lr, group: 0)
        // Resumed at last_epoch 3: the construction step is epoch 4, a multiple of 2.
        let s = try StepLR(opt, stepSize: 2, gamma: 0.5, lastEpoch: 3)
        XCTAssertEqual(s.lastEpoch, 4)
        XCTAssertEqual(opt.groups[0].lr, 0.05)
    }

    func testFailedConstructionLeavesOptimizerUnchanged() throws {
        let opt = try OptimizerState(lr: 0.1, momentum: 0.9)
        let before = opt.groups
        assertThrows(.zeroDivisionError) { _ = try CyclicLR(opt, baseLR: [0.01], maxLR: [0.1], stepSizeUp: 0, stepSizeDown: 4) }
        XCTAssertEqual(opt.groups, before)
    }

    func testClosedFormStepEpoch() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try StepLR(opt, stepSize: 3, gamma: 0.5)
        try s.step(epoch: 7)
        XCTAssertEqual(opt.groups[0].lr, 0.1 * 0.25)
        XCTAssertEqual(s.lastEpoch, 7)
    }

    func testCAWRFractionalEpochs() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try CosineAnnealingWarmRestarts(opt, t0: 10, tMult: 2)
        try s.step(epochValue: 26.7)
        XCTAssertEqual(s.lastEpoch, 26)
        XCTAssertEqual(s.tCur, 26.7 - 10.0 / 1.0)  // epoch - T_0 * (T_mult**n - 1) / (T_mult - 1), n = 1
        XCTAssertEqual(s.tI, 20)
        try s.step()
        XCTAssertEqual(s.lastEpoch, 27)
        // torch's math.log rounding quirk: T_0=1, T_mult=3, epoch 121 lands at T_cur 81, T_i 81.
        let q = try CosineAnnealingWarmRestarts(try OptimizerState(lr: 0.1), t0: 1, tMult: 3)
        try q.step(epochValue: 121)
        XCTAssertEqual(q.tCur, 81)
        XCTAssertEqual(q.tI, 81)
        assertThrows(.valueError, "Expected non-negative epoch, but got -1.0") { try q.step(epochValue: -1) }
    }

    func testPlateauAddedGroupUsesScalarMinLR() throws {
        let opt = try OptimizerState(lr: 0.5)
        let s = try ReduceLROnPlateau(opt, patience: 0)
        try s.step(metric: 1)
        try opt.addParamGroup(ParamGroup(lr: 0.05))
        try s.step(metric: 2)
        XCTAssertEqual(opt.groups.map(\.lr), [0.05, 0.005000000000000001])
        let opt2 = try OptimizerState(lr: 0.5)
        let l = try ReduceLROnPlateau(opt2, patience: 0, minLR: .perGroup([0]))
        try opt2.addParamGroup(ParamGroup(lr: 0.05))
        try l.step(metric: 1)
        assertThrows(.runtimeError) { try l.step(metric: 1.3) }
    }

    func testPlateauNaNMetricIsABadEpoch() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try ReduceLROnPlateau(opt, patience: 1)
        try s.step(metric: 1)
        try s.step(metric: .nan)
        XCTAssertEqual(s.numBadEpochs, 1)
        try s.step(metric: .nan)
        XCTAssertEqual(opt.groups[0].lr, 0.010000000000000002)
    }

    func testSequentialWithChainedChildIsNotImplementedAtMilestone() throws {
        let opt = try OptimizerState(lr: 0.1)
        let a = try ExponentialLR(opt, gamma: 0.9)
        let b = try ChainedScheduler([try ExponentialLR(opt, gamma: 0.5)], optimizer: opt)
        let s = try SequentialLR(opt, schedulers: [a, b], milestones: [1])
        assertThrows(.notImplementedError) { try s.step() }
    }

    func testSpecTypeRules() throws {
        let two = try OptimizerState(spec: try JSON.parse(#"{"lr": 0.1, "momentum": 0.9, "groups": [{"lr": 0.1}, {"lr": 0.2}]}"#))
        func build(_ text: String) throws { _ = try SchedulerSpec.build(try JSON.parse(text), optimizer: two) }
        assertThrows(.typeError) { try build(#"{"type": "StepLR", "step_size": 2, "gamma": null}"#) }
        assertThrows(.typeError, "StepLR.__init__() got an unexpected keyword argument 'gama'") { try build(#"{"type": "StepLR", "step_size": 2, "gama": 0.5}"#) }
        assertThrows(.typeError, "StepLR.__init__() missing 1 required positional argument: 'step_size'") { try build(#"{"type": "StepLR"}"#) }
        assertThrows(.typeError) { try build(#"{"type": "StepLR", "step_size": 2.0}"#) }
        assertThrows(.valueError, "base_lr must have the same length as optimizer.param_groups. base_lr has 1 values, param_groups has 2.") {
            try build(#"{"type": "CyclicLR", "base_lr": [0.01], "max_lr": 0.1}"#)
        }
        assertThrows(.valueError, "Expected positive integer total_steps, but got 10.0") { try build(#"{"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10.0}"#) }
        assertThrows(.valueError, "Expected float between 0 and 1 pct_start, but got 0") { try build(#"{"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10, "pct_start": 0}"#) }
        assertThrows(.valueError, "unknown lr function 'nope' (known: 'pow095', 'inv1p', 'const095', 'halve_every_3')") { try build(#"{"type": "LambdaLR", "lr_lambda": "nope"}"#) }
        assertThrows(.typeError, "lr_lambda should be a function, but got float") { try build(#"{"type": "MultiplicativeLR", "lr_lambda": 0.95}"#) }
        // None where torch accepts it: step_size_down, total_steps.
        try build(#"{"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "step_size_down": null}"#)
        try build(#"{"type": "OneCycleLR", "max_lr": 0.1, "total_steps": null, "epochs": 2, "steps_per_epoch": 5}"#)
    }

    func testGroupsOnlySchedulingAndSetters() throws {
        let opt = try OptimizerState(lr: 0.1)
        try opt.addParamGroup(ParamGroup(lr: 0.01))
        XCTAssertEqual(opt.count, 2)
        assertThrows(.valueError) { try opt.setValue(.nan, for: .lr, group: 0) }
        assertThrows(.valueError) { try opt.setValue(0.1, for: .lr, group: 5) }
        assertThrows(.keyError) { _ = try opt.value(.initial_lr, group: 0) }
        try opt.setValue(0.2, for: .momentum, group: 1)
        XCTAssertEqual(try opt.value(.momentum, group: 1), 0.2)
    }
}

/// `base ** e` as Python computes it for a float base and an int exponent.
func Py095(_ base: Double, _ e: Int) -> Double { pow(base, Double(e)) }
