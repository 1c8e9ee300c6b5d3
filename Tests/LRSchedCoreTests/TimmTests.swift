import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
import XCTest

/// The project's copy of the timm 1.0.31 vectors.
let timmVectorsDirectory = testSourceDirectory() + "/../Vectors/timm-1.0.31"

func timmCases(_ name: String) throws -> [JSONValue] {
    try vectorCases(name, in: timmVectorsDirectory)
}

/// timm's schedulers (`timm.*` spec types) through the Swift core: every vector case bit
/// for bit with the conformance runner (timm's AssertionErrors as ValueErrors),
/// checkpoint round trips for every schedule case, and the rules of timm's explicit
/// stepping and state.
final class TimmTests: XCTestCase {
    func runFile(_ name: String) throws {
        assertVectorFilePasses(name, in: timmVectorsDirectory, cases: try timmCases(name).count)
    }

    func testSchedules() throws { try runFile("schedules.json") }
    func testErrors() throws { try runFile("errors.json") }

    /// Every spec type of the vectors is a registered timm descriptor, stepped explicitly.
    func testRegistry() throws {
        var types = Set<String>()
        for c in try timmCases("schedules.json") + timmCases("errors.json") {
            for s in c["schedulers"]?.arrayValue ?? [] { if let t = s["type"]?.stringValue { types.insert(t) } }
        }
        XCTAssertFalse(types.isEmpty)
        for t in types {
            let d = try XCTUnwrap(SchedulerRegistry.descriptor(named: t), t)
            XCTAssertEqual(d.library, "timm", t)
            XCTAssertFalse(d.parameters.contains { $0.name == "lr_scale" }, t)  // a group key, as in timm
        }
        for d in SchedulerRegistry.all where d.library == "timm" { XCTAssertTrue(d.name.hasPrefix("timm."), d.name) }
    }

    // MARK: Checkpoints

    /// Checkpoint round trips (VectorSupport's `assertResumes`: states and lrs bit for
    /// bit; timm keeps no `_last_lr`) at 0, 1, 2, a third, half, all but one and all steps.
    func testCheckpointRoundTripsAtSeveralSteps() throws {
        for c in try timmCases("schedules.json") { try assertResumesAtSeveralSteps(c, lastLR: false) }
    }

    // MARK: What the built objects are

    func build(_ json: String, groups: Int = 1) throws -> (LRScheduler, OptimizerState) {
        let opt = try OptimizerState(defaults: ParamGroup(lr: 0.1), groups: Array(repeating: ParamGroup(lr: 0.1), count: groups))
        return (try SchedulerSpec.build(try JSON.parse(json), optimizer: opt), opt)
    }

    /// timm's `state_dict()` keys: `__dict__` without the optimizer, in order.
    /// A preview steps timm's schedulers by their next index (`step(t)` / `step_update(t)`),
    /// as a training loop does: the same doubles as stepping them, the scheduler unchanged.
    func testPreviewStepsByIndex() throws {
        for json in [
            #"{"type": "timm.CosineLRScheduler", "t_initial": 5, "warmup_t": 2, "warmup_lr_init": 0.01}"#,
            #"{"type": "timm.StepLRScheduler", "decay_t": 2, "t_in_epochs": false}"#,
        ] {
            let (s, opt) = try build(json)
            try s.stepUpdate(1, metric: nil)  // the other call for one of them: changes no lr
            try s.step(epoch: 1, metric: nil)
            let before = s.stateJSON()
            let preview = try s.preview(steps: 6)
            XCTAssertEqual(s.stateJSON(), before, json)
            var stepped: [UInt64] = []
            for _ in 0..<6 {
                let t = s.lastEpoch + 1
                if s.stepIndex == .epoch { try s.step(epoch: t, metric: nil) } else { try s.stepUpdate(t, metric: nil) }
                stepped.append(opt.lr(0).bitPattern)
            }
            XCTAssertEqual(preview.lrs.map(\.bitPattern), stepped, json)
        }
    }

    func testCosineStateKeysInTimmOrder() throws {
        let (s, _) = try build(#"{"type": "timm.CosineLRScheduler", "t_initial": 10}"#)
        XCTAssertEqual(s.stateDict().objectValue?.keys,
                       ["param_group_field", "_initial_param_group_field", "base_values", "metric", "t_in_epochs",
                        "noise_range_t", "noise_pct", "noise_type", "noise_std", "noise_seed", "t_initial", "lr_min",
                        "cycle_mul", "cycle_decay", "cycle_limit", "warmup_t", "warmup_lr_init", "warmup_prefix",
                        "k_decay", "warmup_steps"])
    }

    /// The stepping convention follows `t_in_epochs`; the other call records only the metric.
    func testStepIndexAndTheOtherCall() throws {
        let (e, opt) = try build(#"{"type": "timm.StepLRScheduler", "decay_t": 2, "decay_rate": 0.5}"#)
        XCTAssertEqual(e.stepIndex, .epoch)
        try e.stepUpdate(7, metric: 1.5)
        XCTAssertEqual(opt.groups[0].lr, 0.1)
        XCTAssertEqual(e.stateDict()["metric"], .float(1.5))
        try e.step(epoch: 4, metric: nil)
        XCTAssertEqual(opt.groups[0].lr, 0.1 * 0.25)
        XCTAssertThrowsError(try e.step()) { XCTAssertEqual(($0 as? LRSchedError)?.kind, .typeError) }
        let (u, _) = try build(#"{"type": "timm.StepLRScheduler", "decay_t": 2, "t_in_epochs": false}"#)
        XCTAssertEqual(u.stepIndex, .update)
        let (torch, _) = try build(#"{"type": "StepLR", "step_size": 2}"#)
        XCTAssertEqual(torch.stepIndex, .counter)
        XCTAssertThrowsError(try torch.stepUpdate(1, metric: nil))
    }

    /// timm's asserts are ValueErrors whose messages name the argument.
    func testAssertsNameTheArgument() throws {
        for (json, arg) in [(#"{"type": "timm.CosineLRScheduler", "t_initial": 0}"#, "t_initial"),
                            (#"{"type": "timm.TanhLRScheduler", "t_initial": 5, "lb": 3.0, "ub": 1.0}"#, "lb"),
                            (#"{"type": "timm.PolyLRScheduler", "t_initial": 5, "lr_min": -1.0}"#, "lr_min"),
                            (#"{"type": "timm.create_scheduler_v2", "step_on_epochs": false}"#, "updates_per_epoch")] {
            XCTAssertThrowsError(try build(json), json) { e in
                XCTAssertEqual((e as? LRSchedError)?.kind, .valueError, json)
                XCTAssertTrue((e as? LRSchedError)?.message.contains(arg) ?? false, "\(json): \(e)")
            }
        }
    }

    /// A failed construction leaves the optimizer's groups as they were.
    func testFailedConstructionChangesNothing() throws {
        let opt = try OptimizerState(lr: 0.1)
        let spec = try JSON.parse(#"{"type": "timm.WSDLRScheduler", "t_initial": 10, "decay_t": 20, "warmup_t": 3}"#)
        XCTAssertThrowsError(try SchedulerSpec.build(spec, optimizer: opt))
        XCTAssertEqual(opt.groups[0].lr, 0.1)
        XCTAssertNil(opt.groups[0].initialLR)
    }

    /// PlateauLRScheduler loads timm's own two-key state.
    func testPlateauLoadsTimmsTwoKeyDict() throws {
        let (s, _) = try build(#"{"type": "timm.PlateauLRScheduler", "mode": "min"}"#)
        try s.loadState(json: #"{"best": 0.25, "last_epoch": 7}"#)
        let st = s.stateDict()
        XCTAssertEqual(st["best"], .float(0.25))
        XCTAssertEqual(st["last_epoch"], .int(7))
        XCTAssertEqual(st.objectValue?.keys.prefix(2).map { $0 }, ["best", "last_epoch"])
    }

    /// The groups' `lr_scale` (a group key, as timm reads `param_group['lr_scale']`)
    /// multiplies what timm writes, warmup included, read at every write; a group
    /// without one is unscaled. It is saved in the optimizer's state and read from its spec.
    func testLRScale() throws {
        let opt = try OptimizerState(spec: try JSON.parse(#"{"lr": 0.1, "groups": [{"lr_scale": 0.5}, {}]}"#))
        XCTAssertEqual(opt.groups.map(\.lrScale), [0.5, nil])
        let s = try SchedulerSpec.build(try JSON.parse(#"{"type": "timm.StepLRScheduler", "decay_t": 1, "decay_rate": 0.5, "warmup_t": 2, "warmup_lr_init": 0.01}"#), optimizer: opt)
        XCTAssertEqual(opt.groups.map(\.lr), [0.01 * 0.5, 0.01])
        try s.step(epoch: 3, metric: nil)
        XCTAssertEqual(opt.groups.map(\.lr), [0.1 * 0.5 * 0.5, 0.1 * 0.5])
        try opt.setValue(0.25, for: .lr_scale, group: 1)  // read at the next write
        try s.step(epoch: 3, metric: nil)
        XCTAssertEqual(opt.groups.map(\.lr), [0.1 * 0.5 * 0.5, 0.1 * 0.5 * 0.25])
        let state = opt.stateJSON()
        XCTAssertTrue(state.contains(#""lr_scale":0.25"#), state)
        let back = try OptimizerState(spec: try JSON.parse(#"{"lr": 0.1, "groups": [{}, {}]}"#))
        try back.loadState(json: state)
        XCTAssertEqual(back.groups.map(\.lrScale), [0.5, 0.25])
        XCTAssertThrowsError(try OptimizerState(spec: try JSON.parse(#"{"lr": 0.1, "groups": [{"lr_scale": "x"}]}"#)))
        XCTAssertThrowsError(try OptimizerState(spec: try JSON.parse(#"{"lr": 0.1, "lr_scale": 0.5}"#)))  // a group key only
        XCTAssertThrowsError(try build(#"{"type": "timm.StepLRScheduler", "decay_t": 1, "lr_scale": [1.0]}"#))  // no longer an argument
    }

    /// Normal noise that could never fall within `noise_pct` is refused (timm would spin).
    func testNoisePctMustBePositive() throws {
        XCTAssertThrowsError(try build(#"{"type": "timm.CosineLRScheduler", "t_initial": 5, "noise_range_t": 1, "noise_pct": 0.0}"#))
    }
}
