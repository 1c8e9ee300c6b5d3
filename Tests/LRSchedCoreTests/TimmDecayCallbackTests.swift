import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
import XCTest

/// timm's WSD `decay_fn` as the caller's function of a float (`.realFunction` arguments,
/// resolved by `SchedulerSpec.build(realFunctions:)`): the doubles of the named function
/// it equals, its errors aborting the step, its state (`null`) as timm's `__dict__` keeps it.
final class TimmDecayCallbackTests: XCTestCase {
    struct Boom: Error {}

    func build(_ decayFn: String, _ fns: [String: RealFunction] = [:]) throws -> (LRScheduler, OptimizerState) {
        let opt = try OptimizerState(defaults: ParamGroup(lr: 0.1), groups: [ParamGroup(lr: 0.1), ParamGroup(lr: 0.05)])
        let spec = #"{"type": "timm.WSDLRScheduler", "t_initial": 10, "decay_t": 6, "warmup_t": 2, "lr_min": 0.001, "decay_fn": "\#(decayFn)"}"#
        return (try SchedulerSpec.build(try JSON.parse(spec), optimizer: opt, realFunctions: { fns[$0] }), opt)
    }

    func lrs(_ s: LRScheduler, _ opt: OptimizerState) throws -> [[UInt64]] {
        var out: [[UInt64]] = []
        for t in 1...13 {
            try s.step(epoch: t, metric: nil)
            out.append(opt.groups.map(\.lr.bitPattern))
        }
        return out
    }

    func testCallableGivesTheNamedFunctionsDoubles() throws {
        let named = try build("cosine")
        let called = try build("<f>", ["<f>": { 0.5 * (1.0 + Py.cos(Double.pi * $0)) }])
        XCTAssertEqual(try lrs(called.0, called.1), try lrs(named.0, named.1))
        XCTAssertEqual(called.0.stateDict()["decay_fn"], .null)
        XCTAssertEqual(named.0.stateDict()["decay_fn"], .string("cosine"))
    }

    func testThrowingCallableAbortsTheStep() throws {
        let (s, opt) = try build("<f>", ["<f>": { x in if x > 0.5 { throw Boom() }; return 1 - x }])
        try s.step(epoch: 9, metric: nil)  // progress 2/6
        let before = opt.groups.map(\.lr)
        XCTAssertThrowsError(try s.step(epoch: 12, metric: nil)) { e in
            XCTAssertEqual((e as? LRSchedError)?.kind, .callbackFailed, "\(e)")
        }
        XCTAssertEqual(opt.groups.map(\.lr), before)
        XCTAssertEqual(s.lastEpoch, 9)
    }

    func testStateLoadsAsTimmsDict() throws {
        let (called, _) = try build("<f>", ["<f>": { 1 - $0 }])
        let (named, _) = try build("linear")
        XCTAssertThrowsError(try named.loadStateDict(called.stateDict()))  // no callable to call
        try called.loadStateDict(named.stateDict())  // a name replaces the callable
        XCTAssertEqual(called.stateDict()["decay_fn"], .string("linear"))
        XCTAssertNil((called as? WSDLRScheduler)?.decayCallback)
        // An unknown name is still timm's ValueError.
        XCTAssertThrowsError(try build("<g>", ["<f>": { 1 - $0 }]))
    }
}
