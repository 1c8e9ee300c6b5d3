import LRSched
import XCTest

/// `state_dict()` with torch's keys, types and values: MultiStepLR's Counter as a JSON
/// object (0.1.0's sorted list still loads), no momentum state where torch sets none,
/// ReduceLROnPlateau's int `min_lr`, OneCycleLR's int last `end_step`, torch's key order.
final class TorchStateTests: XCTestCase {
    private func state(_ s: LRScheduler) throws -> JSONObject {
        try XCTUnwrap(s.stateDict().objectValue)
    }

    func testMultiStepMilestonesAreACounterObject() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try MultiStepLR(opt, milestones: [6, 2, 6], gamma: 0.5)
        XCTAssertEqual(JSON.serialize(try XCTUnwrap(state(s)["milestones"])), #"{"6":2,"2":1}"#)
        // 0.1.0 saved the sorted list: it still loads, and continues the same.
        var legacy = try state(s)
        legacy["milestones"] = .array([.int(2), .int(6), .int(6)])
        let t = try MultiStepLR(try OptimizerState(lr: 0.1), milestones: [], gamma: 0.5)
        try t.loadStateDict(.object(legacy))
        XCTAssertEqual(JSON.serialize(try XCTUnwrap(state(t)["milestones"])), #"{"2":1,"6":2}"#)
        for _ in 0..<7 {
            try s.step()
            try t.step()
            XCTAssertEqual(t.optimizer.groups[0].lr.bitPattern, s.optimizer.groups[0].lr.bitPattern)
        }
        // A Counter's items: counts of 0 add nothing; negative counts and other keys fail.
        var counter = try state(s)
        counter["milestones"] = try JSON.parse(#"{"3": 2, "9": 0}"#)
        try t.loadStateDict(.object(counter))
        XCTAssertEqual(t.milestones, [3, 3])
        for bad in [#"{"3": -1}"#, #"{"x": 1}"#, #"{"3": 1.5}"#, #"{"3": 2000000}"#] {
            counter["milestones"] = try JSON.parse(bad)
            XCTAssertThrowsError(try t.loadStateDict(.object(counter)), bad) { e in
                XCTAssertEqual((e as? LRSchedError)?.kind, .valueError)
            }
        }
        XCTAssertEqual(t.milestones, [3, 3])
    }

    func testNoMomentumStateWithoutCycleMomentum() throws {
        let opt = try OptimizerState(lr: 0.1, momentum: 0.9)
        let c = try CyclicLR(opt, baseLR: 0.01, maxLR: 0.1, cycleMomentum: false)
        XCTAssertEqual(try state(c).keys, ["max_lrs", "total_size", "step_ratio", "mode", "gamma", "scale_mode",
                                           "cycle_momentum", "base_lrs", "last_epoch", "_step_count", "_is_initial",
                                           "_get_lr_called_within_step", "_last_lr", "_scale_fn_custom"])
        let withMomentum = try CyclicLR(try OptimizerState(lr: 0.1, momentum: 0.9), baseLR: 0.01, maxLR: 0.1)
        XCTAssertNotNil(try state(withMomentum)["base_momentums"])
        let o = try OneCycleLR(try OptimizerState(lr: 0.1, momentum: 0.9), maxLR: 0.1, length: .totalSteps(10),
                               cycleMomentum: false)
        XCTAssertNil(try state(o)["use_beta1"])
        let phases = try XCTUnwrap(state(o)["_schedule_phases"]?.arrayValue)
        XCTAssertEqual(phases.map { JSON.serialize($0["end_step"] ?? .null) }, ["2.0", "9"])
    }

    func testPlateauKeepsAnIntMinLR() throws {
        let opt = try OptimizerState(lr: 0.1)
        let fromSpec = try SchedulerSpec.build(try JSON.parse(#"{"type": "ReduceLROnPlateau"}"#), optimizer: opt)
        XCTAssertEqual(try state(fromSpec)["default_min_lr"], .int(0))
        XCTAssertEqual(try state(fromSpec)["min_lrs"], .array([.int(0)]))
        let float = try SchedulerSpec.build(try JSON.parse(#"{"type": "ReduceLROnPlateau", "min_lr": 0.0}"#), optimizer: opt)
        XCTAssertEqual(try state(float)["default_min_lr"], .float(0))
        var loaded = try state(float)
        loaded["default_min_lr"] = .int(0)
        try float.loadStateDict(.object(loaded))
        XCTAssertEqual(try state(float)["default_min_lr"], .int(0))
    }

    func testCompositesSaveTheirChildrenLast() throws {
        let opt = try OptimizerState(lr: 0.1)
        let seq = try SequentialLR(opt, schedulers: [try ConstantLR(opt), try ExponentialLR(opt, gamma: 0.9)], milestones: [2])
        XCTAssertEqual(try state(seq).keys, ["_milestones", "last_epoch", "_last_lr", "_schedulers"])
        let chained = try ChainedScheduler([try ConstantLR(opt)], optimizer: opt)
        XCTAssertEqual(try state(chained).keys, ["_last_lr", "_schedulers"])
    }
}
