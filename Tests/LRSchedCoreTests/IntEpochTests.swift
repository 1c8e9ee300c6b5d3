import LRSched
import XCTest

/// Epochs are 64-bit integers end to end, and where torch's Python arithmetic raises,
/// the core throws torch's class (where torch silently writes inf or NaN, ValueError).
final class IntEpochTests: XCTestCase {
    func testEpochPast2To53IsExact() throws {
        let opt = try OptimizerState(lr: 0.1)
        let big = (1 << 53) + 1
        let s = try MultiStepLR(opt, milestones: [big], gamma: 0.5)
        try s.step(epoch: big)
        XCTAssertEqual(opt.groups[0].lr, 0.05)
        XCTAssertEqual(s.lastEpoch, big)
    }

    func testGammaPowerOverflowIsOverflowError() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try ExponentialLR(opt, gamma: 1e300)
        try s.step()
        let lr = opt.groups[0].lr
        XCTAssertThrowsError(try s.step(epoch: 5)) { e in
            XCTAssertEqual(e as? LRSchedError, LRSchedError(.overflowError, "(34, 'Numerical result out of range')"))
        }
        XCTAssertEqual(opt.groups[0].lr, lr)
        XCTAssertEqual(s.lastEpoch, 1)
        // torch's chainable form multiplies floats: inf, silently; lrsched's ValueError.
        XCTAssertThrowsError(try s.step()) { e in XCTAssertEqual((e as? LRSchedError)?.kind, .valueError) }
    }

    func testZeroGammaToANegativePowerIsZeroDivisionError() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try StepLR(opt, stepSize: -1, gamma: 0.0)
        try s.step()
        XCTAssertThrowsError(try s.step(epoch: 3)) { e in
            XCTAssertEqual(e as? LRSchedError, LRSchedError(.zeroDivisionError, "0.0 cannot be raised to a negative power"))
        }
        XCTAssertThrowsError(try s.step(epochValue: 3)) { e in
            XCTAssertEqual((e as? LRSchedError)?.kind, .zeroDivisionError)
        }
    }

    func testCyclicTriangular2PastTheDoubleRangeIsOverflowError() throws {
        let opt = try OptimizerState(lr: 0.1, momentum: 0.9)
        let s = try CyclicLR(opt, baseLR: 0.01, maxLR: 0.1, stepSizeUp: 1, mode: .triangular2)
        XCTAssertThrowsError(try s.step(epoch: 2 * 1030)) { e in
            XCTAssertEqual((e as? LRSchedError)?.kind, .overflowError)
        }
    }

    func testLambdaStateWithoutAListOfFunctionStatesIsTypeError() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try LambdaLR(opt, lrLambda: { _ in 1.0 })
        guard case .object(var o) = s.stateDict() else { return XCTFail("state is not an object") }
        o["lr_lambdas"] = .int(5)
        XCTAssertThrowsError(try s.loadStateDict(.object(o))) { e in
            XCTAssertEqual((e as? LRSchedError)?.kind, .typeError)
        }
        o["lr_lambdas"] = .array([.int(5)])
        XCTAssertThrowsError(try s.loadStateDict(.object(o))) { e in
            XCTAssertEqual((e as? LRSchedError)?.kind, .typeError)
        }
        o["lr_lambdas"] = .array([.object(JSONObject())])
        XCTAssertNoThrow(try s.loadStateDict(.object(o)))
    }
}
