import LRSched
import LRSchedCore
import XCTest

private extension Double {
    /// A double from its hex spelling (Python's float.hex()).
    init(hex: String) { self = Double(hex)! }
}

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
    /// CosineAnnealingWarmRestarts.step(epoch) with an int epoch past 2^53: torch's int
    /// arithmetic (values recorded from torch 2.13: lr, last_epoch, T_cur, T_i).
    func testWarmRestartsEpochPast2To53IsExact() throws {
        let cases: [(t0: Int, tMult: Int, epoch: Int, lr: Double, tCur: Double, tI: Int)] = [
            (3, 1, (1 << 53) + 1, Double(hex: "0x1.999999999999ap-4"), 0, 3),
            (3, 2, (1 << 53) + 1, Double(hex: "0x1.34395810624dap-4"), Double(hex: "0x1.0000000000006p+51"), 6755399441055744),
            (5, 2, (1 << 62) + 12345, Double(hex: "0x1.20636c64e4e43p-5"), Double(hex: "0x1.8000000000030p+60"), 2882303761517117440),
            (10, 2, Int.max, Double(hex: "0x1.20636c64e4e9fp-5"), Double(hex: "0x1.8000000000000p+61"), 5764607523034234880),
            (3, 1, Int.max, Double(hex: "0x1.34395810624dep-4"), 1, 3),
        ]
        for c in cases {
            let opt = try OptimizerState(lr: 0.1)
            let s = try CosineAnnealingWarmRestarts(opt, t0: c.t0, tMult: c.tMult, etaMin: 0.001)
            try s.step(epoch: c.epoch)
            XCTAssertEqual(opt.groups[0].lr.bitPattern, c.lr.bitPattern, "\(c)")
            XCTAssertEqual(s.lastEpoch, c.epoch)
            XCTAssertEqual(s.tCur.bitPattern, c.tCur.bitPattern, "\(c)")
            XCTAssertEqual(s.tI, c.tI)
        }
        // torch's T_i = 7 * 3**n exceeds Int64 (Python's ints do not overflow): ValueError.
        let opt = try OptimizerState(lr: 0.1)
        let s = try CosineAnnealingWarmRestarts(opt, t0: 7, tMult: 3, etaMin: 0.001)
        XCTAssertThrowsError(try s.step(epoch: Int.max)) { e in XCTAssertEqual((e as? LRSchedError)?.kind, .valueError) }
        XCTAssertEqual(s.lastEpoch, 0)
    }

    /// Python's int true division: rounded once (values from CPython).
    func testIntTrueDivisionRoundsOnce() throws {
        let cases: [(Int, Int, String)] = [
            ((1 << 53) + 1, 1, "0x1.0000000000000p+53"), (Int.max, 3, "0x1.5555555555555p+61"),
            ((1 << 62) + 12345, 5, "0x1.99999999999adp+59"), (Int.max, (1 << 62) + 1, "0x1.0000000000000p+1"),
            (12345, (1 << 60) + 7, "0x1.81c8000000000p-47"), ((1 << 53) + 3, 2, "0x1.0000000000002p+52"),
            (-((1 << 53) + 1), 1, "-0x1.0000000000000p+53"), (Int.min, 3, "-0x1.5555555555555p+61"),
            ((1 << 62) + 1, -((1 << 60) + 3), "-0x1.0000000000000p+2"),
        ]
        for (a, b, q) in cases {
            XCTAssertEqual(try Py.trueDiv(a, b).bitPattern, Double(hex: q).bitPattern, "\(a) / \(b)")
        }
    }
}

