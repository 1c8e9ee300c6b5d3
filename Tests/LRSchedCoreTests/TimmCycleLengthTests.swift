import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
import XCTest

/// timm's `get_cycle_length(cycles=0)` and `create_scheduler_v2`'s returned epoch count,
/// against values worked out by hand from timm 1.0.31's formulas:
/// `cycles = max(1, cycles or cycle_limit)`; `t_initial * cycles` when `cycle_mul == 1`,
/// else `int(math.floor(-t_initial * (cycle_mul ** cycles - 1) / (1 - cycle_mul)))`;
/// `+ warmup_t` with `warmup_prefix`; WSD: `warmup_t + t_initial`.
final class TimmCycleLengthTests: XCTestCase {
    func build(_ json: String) throws -> TimmScheduler {
        let opt = try OptimizerState(defaults: ParamGroup(lr: 0.1), groups: [ParamGroup(lr: 0.1)])
        return try XCTUnwrap(try SchedulerSpec.build(try JSON.parse(json), optimizer: opt) as? TimmScheduler)
    }

    func length(_ json: String, cycles: Int = 0) throws -> Int {
        try build(json).cycleLength(cycles: cycles)
    }

    func testCycleSchedules() throws {
        for type in ["timm.CosineLRScheduler", "timm.TanhLRScheduler", "timm.PolyLRScheduler"] {
            let base = #"{"type": "\#(type)", "t_initial": 10, "cycle_limit": 3"#
            XCTAssertEqual(try length(base + "}"), 30, type)                  // 10 * 3
            XCTAssertEqual(try length(base + "}", cycles: 2), 20, type)       // cycles wins over cycle_limit
            XCTAssertEqual(try length(base + #", "warmup_t": 5, "warmup_prefix": true}"#), 35, type)
            XCTAssertEqual(try length(base + #", "warmup_t": 5}"#), 30, type) // no prefix: warmup inside
            XCTAssertEqual(try length(base + #", "cycle_mul": 2.0}"#), 70, type)  // floor(-10 * 7 / -1)
            XCTAssertEqual(try length(base + #", "cycle_mul": 1.1}"#), 33, type)  // floor(33.10000000000004)
            XCTAssertEqual(try length(#"{"type": "\#(type)", "t_initial": 7, "cycle_mul": 1.5}"#, cycles: 3), 33, type)
            XCTAssertEqual(try length(#"{"type": "\#(type)", "t_initial": 16, "cycle_mul": 0.5, "cycle_limit": 2}"#), 24, type)
            XCTAssertEqual(try length(#"{"type": "\#(type)", "t_initial": 10, "cycle_limit": 0}"#), 10, type)  // max(1, 0)
        }
    }

    func testWSDAndSchedulersWithout() throws {
        let wsd = #"{"type": "timm.WSDLRScheduler", "t_initial": 20, "decay_t": 5, "warmup_t": 3}"#
        XCTAssertEqual(try length(wsd), 23)
        XCTAssertEqual(try length(wsd, cycles: 4), 23)
        for json in [#"{"type": "timm.StepLRScheduler", "decay_t": 2}"#,
                     #"{"type": "timm.MultiStepLRScheduler", "decay_t": [2, 4]}"#,
                     #"{"type": "timm.PlateauLRScheduler"}"#] {
            XCTAssertThrowsError(try length(json), json) { e in
                let error = e as? LRSchedError
                XCTAssertEqual(error?.kind, .typeError, "\(e)")
                XCTAssertTrue("\(e)".contains("has no get_cycle_length"), "\(e)")
            }
        }
    }

    func numEpochs(_ args: String) throws -> Int? {
        try build(#"{"type": "timm.create_scheduler_v2"\#(args)}"#).factoryNumEpochs
    }

    /// timm: `get_cycle_length() + cooldown_t` (per update: `// updates_per_epoch`) for
    /// cosine, tanh, poly and wsd/rsqrt; else `num_epochs` (+ `warmup_epochs` with prefix).
    func testCreateSchedulerV2NumEpochs() throws {
        XCTAssertEqual(try numEpochs(""), 300)
        XCTAssertEqual(try numEpochs(#", "cooldown_epochs": 10"#), 310)
        XCTAssertEqual(try numEpochs(#", "num_epochs": 10, "cycle_mul": 2.0, "cycle_limit": 2, "warmup_epochs": 5, "warmup_prefix": true, "cooldown_epochs": 3"#), 38)
        // per update: (70 + 2 * 7) // 7
        XCTAssertEqual(try numEpochs(#", "num_epochs": 10, "step_on_epochs": false, "updates_per_epoch": 7, "cooldown_epochs": 2"#), 12)
        XCTAssertEqual(try numEpochs(#", "sched": "tanh", "num_epochs": 10, "cycle_limit": 2"#), 20)
        XCTAssertEqual(try numEpochs(#", "sched": "poly", "num_epochs": 10, "warmup_epochs": 2, "warmup_prefix": true"#), 12)
        // wsd: warmup + the stable and decay phases fitted within num_epochs, + cooldown
        XCTAssertEqual(try numEpochs(#", "sched": "wsd", "num_epochs": 100, "warmup_epochs": 10, "cooldown_epochs": 5"#), 105)
        XCTAssertEqual(try numEpochs(#", "sched": "wsd", "num_epochs": 100, "warmup_epochs": 10, "warmup_prefix": true"#), 110)
        // no get_cycle_length: num_epochs, + warmup_epochs with warmup_prefix; cooldown ignored
        XCTAssertEqual(try numEpochs(#", "sched": "step", "num_epochs": 50, "cooldown_epochs": 5"#), 50)
        XCTAssertEqual(try numEpochs(#", "sched": "multistep", "num_epochs": 50, "warmup_epochs": 4, "warmup_prefix": true"#), 54)
        XCTAssertEqual(try numEpochs(#", "sched": "plateau", "num_epochs": 50, "warmup_epochs": 4, "warmup_prefix": true"#), 54)
        // a class built directly has none
        XCTAssertNil(try build(#"{"type": "timm.CosineLRScheduler", "t_initial": 10}"#).factoryNumEpochs)
    }

    func testFlags() throws {
        for (name, cycles) in [("timm.CosineLRScheduler", true), ("timm.TanhLRScheduler", true), ("timm.PolyLRScheduler", true),
                               ("timm.WSDLRScheduler", true), ("timm.StepLRScheduler", false),
                               ("timm.MultiStepLRScheduler", false), ("timm.PlateauLRScheduler", false)] {
            XCTAssertEqual(try XCTUnwrap(SchedulerRegistry.descriptor(named: name)).flags.contains(.cycles), cycles, name)
        }
    }
}
