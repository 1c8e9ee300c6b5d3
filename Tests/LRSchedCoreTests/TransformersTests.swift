import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
import XCTest

/// The project's copy of the transformers 5.25.0 vectors.
let transformersVectorsDirectory = testSourceDirectory() + "/../Vectors/transformers-5.25.0"

func transformersCases(_ name: String) throws -> [JSONValue] {
    try vectorCases(name, in: transformersVectorsDirectory)
}

/// transformers' schedules (`hf.*` spec types) through the Swift core: every vector case
/// bit for bit with the conformance runner, checkpoint round trips for every schedule
/// case, and the state and composition rules transformers' objects follow.
final class TransformersTests: XCTestCase {
    func runFile(_ name: String) throws {
        assertVectorFilePasses(name, in: transformersVectorsDirectory, cases: try transformersCases(name).count)
    }

    func testSchedules() throws { try runFile("schedules.json") }
    func testErrors() throws { try runFile("errors.json") }

    /// Every spec type of the vectors is a registered transformers descriptor, listed
    /// after torch's.
    func testRegistry() throws {
        var types = Set<String>()
        for c in try transformersCases("schedules.json") + transformersCases("errors.json") {
            for s in c["schedulers"]?.arrayValue ?? [] { collectTypes(s, into: &types) }
        }
        let names = SchedulerRegistry.names
        for t in types where t.hasPrefix("hf.") {
            let d = try XCTUnwrap(SchedulerRegistry.descriptor(named: t), t)
            XCTAssertEqual(d.library, "transformers", t)
        }
        let firstHF = try XCTUnwrap(names.firstIndex { $0.hasPrefix("hf.") })
        XCTAssertTrue(SchedulerRegistry.all[..<firstHF].allSatisfy { $0.library == "torch" })
        XCTAssertTrue(SchedulerRegistry.all[firstHF...].prefix { $0.name.hasPrefix("hf.") }.allSatisfy { $0.library == "transformers" })
        XCTAssertFalse(SchedulerRegistry.all[firstHF...].drop { $0.name.hasPrefix("hf.") }.contains { $0.name.hasPrefix("hf.") })
    }

    func collectTypes(_ spec: JSONValue, into types: inout Set<String>) {
        if let t = spec["type"]?.stringValue { types.insert(t) }
        for child in spec["schedulers"]?.arrayValue ?? [] { collectTypes(child, into: &types) }
    }

    // MARK: Checkpoints

    func testCheckpointRoundTripsAtSeveralSteps() throws {
        for c in try transformersCases("schedules.json") { try assertResumesAtSeveralSteps(c) }
    }

    /// `last_epoch` resume: a LambdaLR-based schedule built with `last_epoch = k` on an
    /// optimizer that has `initial_lr` continues the uninterrupted run.
    func testLastEpochResume() throws {
        let c = try XCTUnwrap(try transformersCases("schedules.json").first { $0["name"]?.stringValue == "hf/cosine/1g" })
        let lrs = try XCTUnwrap(c["lrs"]?.arrayValue)
        let opt = try OptimizerState(lr: 0.1)
        let spec = try JSON.parse(#"{"type": "hf.get_cosine_schedule_with_warmup", "num_warmup_steps": 10, "num_training_steps": 100}"#)
        _ = try SchedulerSpec.build(spec, optimizer: opt)
        var resumed = try XCTUnwrap(spec.objectValue)
        resumed["last_epoch"] = .int(40)
        let s = try SchedulerSpec.build(.object(resumed), optimizer: opt)
        XCTAssertEqual(bits(opt.groups.map(\.lr)), bits(row(lrs[41])))
        try s.step()
        XCTAssertEqual(bits(opt.groups.map(\.lr)), bits(row(lrs[42])))
    }

    // MARK: What the built objects are

    func build(_ json: String, groups: Int = 1) throws -> (LRScheduler, OptimizerState) {
        let opt = try OptimizerState(defaults: ParamGroup(lr: 0.1), groups: Array(repeating: ParamGroup(lr: 0.1), count: groups))
        return (try SchedulerSpec.build(try JSON.parse(json), optimizer: opt), opt)
    }

    /// `hf.get_scheduler` builds each SchedulerType's function with the arguments
    /// transformers passes it: the same doubles, and transformers' errors.
    func testGetScheduler() throws {
        func lrs(_ json: String) throws -> [UInt64] {
            let (s, opt) = try build(json)
            var out = [opt.lr(0).bitPattern]
            for k in 1...12 {
                if s.flags.contains(.metric) { try s.step(metric: Double(k % 3)) } else { try s.step() }
                out.append(opt.lr(0).bitPattern)
            }
            return out
        }
        let pairs = [
            (#"{"type": "hf.get_scheduler", "name": "cosine", "num_warmup_steps": 2, "num_training_steps": 10, "scheduler_specific_kwargs": {"num_cycles": 0.25}}"#,
             #"{"type": "hf.get_cosine_schedule_with_warmup", "num_warmup_steps": 2, "num_training_steps": 10, "num_cycles": 0.25}"#),
            (#"{"type": "hf.get_scheduler", "name": "constant", "num_warmup_steps": 2, "scheduler_specific_kwargs": {"x": 1}}"#,
             #"{"type": "hf.get_constant_schedule"}"#),
            (#"{"type": "hf.get_scheduler", "name": "inverse_sqrt", "num_warmup_steps": 3}"#,
             #"{"type": "hf.get_inverse_sqrt_schedule", "num_warmup_steps": 3}"#),
            (#"{"type": "hf.get_scheduler", "name": "warmup_stable_decay", "num_warmup_steps": 2, "scheduler_specific_kwargs": {"num_decay_steps": 4, "num_stable_steps": 3}}"#,
             #"{"type": "hf.get_wsd_schedule", "num_warmup_steps": 2, "num_decay_steps": 4, "num_stable_steps": 3}"#),
            (#"{"type": "hf.get_scheduler", "name": "reduce_lr_on_plateau", "scheduler_specific_kwargs": {"patience": 1}}"#,
             #"{"type": "ReduceLROnPlateau", "patience": 1}"#),
        ]
        for (viaName, direct) in pairs {
            XCTAssertEqual(try lrs(viaName), try lrs(direct), viaName)
        }
        func message(_ json: String) -> String? {
            do { _ = try build(json); return nil } catch let e as LRSchedError { return e.message } catch { return nil }
        }
        XCTAssertEqual(message(#"{"type": "hf.get_scheduler", "name": "linear"}"#),
                       "SchedulerType.LINEAR requires `num_warmup_steps`, please provide that argument.")
        XCTAssertEqual(message(#"{"type": "hf.get_scheduler", "name": "cosine", "num_warmup_steps": 2}"#),
                       "SchedulerType.COSINE requires `num_training_steps`, please provide that argument.")
        XCTAssertEqual(message(#"{"type": "hf.get_scheduler", "name": "sawtooth"}"#)?.hasPrefix(
            "sawtooth is not a valid SchedulerType, please select one of ['linear', 'cosine', "), true)
        XCTAssertEqual(message(#"{"type": "hf.get_scheduler", "name": "linear", "num_warmup_steps": 2, "num_training_steps": 9, "scheduler_specific_kwargs": {"num_warmup_steps": 3}}"#),
                       "get_linear_schedule_with_warmup() got multiple values for keyword argument 'num_warmup_steps'")
    }

    /// The LambdaLR-based schedules are LambdaLRs; partials save `{}`, plain functions `null`.
    func testLambdaSchedulesAreLambdaLRs() throws {
        let (linear, _) = try build(#"{"type": "hf.get_linear_schedule_with_warmup", "num_warmup_steps": 2, "num_training_steps": 9}"#, groups: 2)
        XCTAssertTrue(linear is LambdaLR)
        XCTAssertEqual(linear.typeName, "LambdaLR")
        XCTAssertEqual(linear.stateDict()["lr_lambdas"], .array([.object(JSONObject()), .object(JSONObject())]))
        let (constant, _) = try build(#"{"type": "hf.get_constant_schedule"}"#)
        XCTAssertEqual(constant.stateDict()["lr_lambdas"], .array([.null]))
        let (plateau, _) = try build(#"{"type": "hf.get_reduce_on_plateau_schedule", "patience": 2}"#)
        XCTAssertTrue(plateau is ReduceLROnPlateau)
        // A copy (previews, loads) keeps the saved form.
        XCTAssertEqual(linear.copy(with: linear.optimizer).stateDict()["lr_lambdas"], linear.stateDict()["lr_lambdas"])
    }

    /// GreedyLR's state has transformers' keys in its order; it steps only on metrics.
    func testGreedyState() throws {
        let (s, _) = try build(#"{"type": "hf.get_greedy_schedule", "smooth": true, "window_size": 3}"#)
        XCTAssertTrue(s is GreedyLR)
        XCTAssertEqual(s.typeName, "GreedyLR")
        XCTAssertTrue(s.flags.contains(.metric))
        XCTAssertEqual(s.stateDict().objectValue?.keys, [
            "factor", "min_lrs", "max_lrs", "patience", "verbose", "cooldown", "warmup", "cooldown_counter",
            "warmup_counter", "mode", "threshold", "threshold_mode", "best", "num_bad_epochs", "num_good_epochs",
            "eps", "last_epoch", "smooth", "window_size", "reset_start", "reset_start_original", "_last_lr",
            "_init_lrs", "_streaming_avg",
        ])
        for m in [3.0, 2.0, 1.0, 4.0] { try s.step(metric: m) }
        XCTAssertEqual(s.stateDict()["_streaming_avg"]?["values"], .floats([2.0, 1.0, 4.0]))
        XCTAssertEqual(s.stateDict()["_streaming_avg"]?["sum"], .float(7.0))
        assertThrows(.typeError) { try s.step() }
    }

    /// A failing GreedyLR step (an empty smoothing window) changes nothing.
    func testGreedyFailingStepChangesNothing() throws {
        let (s, opt) = try build(#"{"type": "hf.get_greedy_schedule", "smooth": true, "window_size": 0}"#)
        let before = s.stateJSON()
        assertThrows(.zeroDivisionError) { try s.step(metric: 1.0) }
        XCTAssertEqual(s.stateJSON(), before)
        XCTAssertEqual(opt.groups[0].lr, 0.1)
    }

    /// Metric-driven schedules are not composable; the LambdaLR-based ones are.
    func testComposition() throws {
        for inner in [#"{"type": "hf.get_greedy_schedule"}"#, #"{"type": "hf.get_reduce_on_plateau_schedule"}"#] {
            for outer in ["SequentialLR", "ChainedScheduler"] {
                let milestones = outer == "SequentialLR" ? #", "milestones": [2]"# : ""
                let json = #"{"type": "\#(outer)", "schedulers": [{"type": "hf.get_constant_schedule"}, \#(inner)]\#(milestones)}"#
                assertThrows(.valueError) { _ = try self.build(json) }
            }
        }
        let (chain, _) = try build(#"{"type": "ChainedScheduler", "schedulers": [{"type": "hf.get_constant_schedule_with_warmup", "num_warmup_steps": 3}, {"type": "ExponentialLR", "gamma": 0.5}]}"#)
        try chain.step()
    }

    /// transformers' messages, in its order.
    func testMessages() throws {
        func message(_ json: String, groups: Int = 1) -> String? {
            do { _ = try build(json, groups: groups); return nil } catch let e as LRSchedError { return e.message } catch { return nil }
        }
        XCTAssertEqual(message(#"{"type": "hf.get_wsd_schedule", "num_warmup_steps": 5, "num_decay_steps": 5, "warmup_type": "exp"}"#),
                       "Either num_training_steps or num_stable_steps must be specified.")
        XCTAssertEqual(message(#"{"type": "hf.get_wsd_schedule", "num_warmup_steps": 5, "num_decay_steps": 5, "num_training_steps": 20, "warmup_type": "exp", "decay_type": "step"}"#),
                       "Unknown warmup type: exp, expected 'linear', 'cosine' or '1-sqrt'")
        XCTAssertEqual(message(#"{"type": "hf.get_polynomial_decay_schedule_with_warmup", "num_warmup_steps": 5, "num_training_steps": 20, "lr_end": 0.5}"#),
                       "lr_end (0.5) must be smaller than initial lr (0.1)")
        XCTAssertEqual(message(#"{"type": "hf.get_greedy_schedule", "factor": 1.0, "mode": "up"}"#), "Factor should be < 1.0.")
        XCTAssertEqual(message(#"{"type": "hf.get_greedy_schedule", "min_lr": [0.001], "mode": "up"}"#, groups: 2), "expected 2 min_lrs, got 1")
        XCTAssertEqual(message(#"{"type": "hf.get_greedy_schedule", "mode": "up", "threshold_mode": "pct"}"#), "mode up is unknown!")
        XCTAssertEqual(message(#"{"type": "hf.get_inverse_sqrt_schedule", "num_warmup_steps": 0, "timescale": 0}"#), "division by zero")
    }

    /// Edge arithmetic follows Python: math domain errors and divisions by zero are
    /// errors, never NaN or a trap.
    func testPythonArithmeticEdges() throws {
        // num_training_steps == num_warmup_steps: the polynomial decay divides by zero at the first decay step.
        let (poly, _) = try build(#"{"type": "hf.get_polynomial_decay_schedule_with_warmup", "num_warmup_steps": 2, "num_training_steps": 2}"#)
        try poly.step()
        assertThrows(.zeroDivisionError) { try poly.step() }
        XCTAssertThrowsError(try HF.cos(.infinity))
        XCTAssertThrowsError(try HF.sqrt(-1))
        XCTAssertEqual(HF.clampZero(-0.0).sign, .plus)
        XCTAssertEqual(HF.clampZero(.nan), 0.0)
    }

    /// Extreme arguments fail with an error or step on; they never trap.
    func testExtremeArgumentsNeverTrap() throws {
        let extremes: [JSONValue] = [.int(Int.max), .int(Int.min), .int(-1), .int(0), .float(-1e308), .float(1e308)]
        for d in SchedulerRegistry.all where d.library == "transformers" {
            for p in d.parameters where p.kind != .bool && p.name != "last_epoch" {
                for v in extremes {
                    var o = JSONObject([("type", .string(d.name))])
                    for q in d.parameters where q.defaultValue == nil { o[q.name] = .int(5) }
                    o[p.name] = v
                    let opt = try OptimizerState(lr: 0.1)
                    guard let s = try? SchedulerSpec.build(.object(o), optimizer: opt) else { continue }
                    for k in 0..<12 {
                        if s.flags.contains(.metric) { _ = try? s.step(metric: Double(k % 3)) } else { _ = try? s.step() }
                        XCTAssertTrue(opt.groups.allSatisfy { $0.lr.isFinite }, "\(d.name) \(p.name)=\(v)")
                    }
                }
            }
        }
    }
}
