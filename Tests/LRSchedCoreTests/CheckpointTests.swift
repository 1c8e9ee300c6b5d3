import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining
import XCTest

/// Checkpoint round trips in torch's order, for every scheduler kind and composite in
/// the vectors: after k steps save the optimizer and the schedulers (as JSON text) →
/// build a fresh optimizer and the same schedulers (construction changes the lrs) →
/// load the optimizer state, then the scheduler states → continue. The doubles must
/// equal the uninterrupted run (the vectors) bit for bit.
final class CheckpointTests: XCTestCase {
    func testEveryCaseAtSeveralK() throws {
        var kinds = Set<String>()
        for c in try vectorCases("schedules.json") {
            for spec in c["schedulers"]?.arrayValue ?? [] { kinds.insert(spec["type"]?.stringValue ?? "") }
            try assertResumesAtSeveralSteps(c)
        }
        let torch = Set(SchedulerRegistry.all.filter { $0.library == "torch" }.map(\.name))
        XCTAssertEqual(kinds, torch, "every torch scheduler kind is covered")
    }

    /// The state is JSON with torch's keys; non-finite doubles are strings.
    func testPlateauStateWritesInfinityAsString() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try ReduceLROnPlateau(opt)
        let text = s.stateJSON()
        XCTAssertTrue(text.contains("\"best\":\"Infinity\""), text)
        XCTAssertTrue(text.contains("\"mode_worse\":\"Infinity\""), text)
        // Python's bare Infinity is accepted too.
        try s.loadState(json: text.replacingFirst("\"best\":\"Infinity\"", with: "\"best\":Infinity"))
        XCTAssertEqual(s.best, .infinity)
        let maxMode = try ReduceLROnPlateau(opt, mode: .max)
        XCTAssertTrue(maxMode.stateJSON().contains("\"best\":\"-Infinity\""))
    }

    func testStepLRStateKeysInTorchOrder() throws {
        let s = try StepLR(try OptimizerState(lr: 0.1), stepSize: 3)
        XCTAssertEqual(s.stateDict().objectValue?.keys,
                       ["step_size", "gamma", "base_lrs", "last_epoch", "_step_count", "_is_initial",
                        "_get_lr_called_within_step", "_last_lr"])
    }

    /// Loading overwrites hyperparameters, as torch's `__dict__.update`.
    func testLoadOverwritesHyperparameters() throws {
        let a = try StepLR(try OptimizerState(lr: 0.1), stepSize: 3, gamma: 0.5)
        for _ in 0..<4 { try a.step() }
        let b = try StepLR(try OptimizerState(lr: 0.1), stepSize: 7)
        try b.loadStateDict(a.stateDict())
        XCTAssertEqual(b.stepSize, 3)
        XCTAssertEqual(b.gamma, 0.5)
        XCTAssertEqual(b.lastEpoch, 4)
        XCTAssertEqual(b.stateJSON(), a.stateJSON())
    }

    func testBadStateIsAnErrorAndChangesNothing() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try StepLR(opt, stepSize: 3)
        let before = s.stateJSON()
        let bad = [
            "[]", "{\"step_size\": 2.5}", "{\"gamma\": \"x\"}", "{\"unknown\": 1}", "{\"base_lrs\": [1, \"a\"]}",
"{\"gamma\": NaN}", "{", "{\"_last_lr\": {}}",
        ]
        for text in bad {
            XCTAssertThrowsError(try s.loadState(json: text), text) { e in
                XCTAssertEqual((e as? LRSchedError)?.kind, .valueError, text)
            }
            XCTAssertEqual(s.stateJSON(), before, text)
        }
        XCTAssertThrowsError(try opt.loadState(json: "{\"param_groups\": [{}, {}]}"))
        XCTAssertThrowsError(try opt.loadState(json: "{\"param_groups\": [{\"lr\": \"fast\"}]}"))
        XCTAssertEqual(opt.groups[0].lr, 0.1)
        // A state after torch's step(epoch) with a negative epoch loads back.
        try s.step(epoch: -3)
        try s.loadState(json: s.stateJSON())
        XCTAssertEqual(s.lastEpoch, -3)
    }

    /// A child state that does not fit makes a composite's load fail with nothing changed.
    /// A state must fit the optimizer the scheduler steps: `base_lrs`, `_last_lr`
    /// (finite), timm's `base_values` and `warmup_steps`, and ReduceLROnPlateau's
    /// `min_lrs` (unless `default_min_lr` refills it) hold at least one value and at most
    /// one per param group. Fewer than the groups is what torch saves after a group was
    /// added: it loads.
    func testStateMustFitTheOptimizersGroups() throws {
        let two = try OptimizerState(defaults: ParamGroup(lr: 0.1), groups: [ParamGroup(lr: 0.1), ParamGroup(lr: 0.2)])
        let step = try StepLR(two, stepSize: 3)
        let cosine = try CosineLRScheduler(two, tInitial: 10)
        let listMin = try ReduceLROnPlateau(two, minLR: .perGroup([0.0, 0.0]))
        func message(_ type: String, _ key: String, _ count: Int) -> String {
            "\(type) state: '\(key)' holds \(count) values for 2 param groups (one per group at most, at least one)"
        }
        let cases: [(LRScheduler, String, String)] = [
            (step, #"{"base_lrs": [0.1, 0.1, 0.1]}"#, message("StepLR", "base_lrs", 3)),
            (step, #"{"base_lrs": []}"#, message("StepLR", "base_lrs", 0)),
            (step, #"{"_last_lr": [0.1, 0.1, 0.1]}"#, message("StepLR", "_last_lr", 3)),
            (step, #"{"_last_lr": [0.1, "Infinity"]}"#, "StepLR state: '_last_lr' must hold finite numbers, got inf"),
            (step, #"{"_last_lr": [0.1, NaN]}"#, "StepLR state: '_last_lr' must hold finite numbers, got nan"),
            (cosine, #"{"base_values": []}"#, message("timm.CosineLRScheduler", "base_values", 0)),
            (cosine, #"{"warmup_steps": [1, 1, 1]}"#, message("timm.CosineLRScheduler", "warmup_steps", 3)),
            (listMin, #"{"min_lrs": []}"#, message("ReduceLROnPlateau", "min_lrs", 0)),
        ]
        for (s, text, message) in cases {
            let before = s.stateJSON()
            XCTAssertThrowsError(try s.loadState(json: text), text) { e in
                XCTAssertEqual((e as? LRSchedError)?.kind, .valueError, text)
                XCTAssertEqual((e as? LRSchedError)?.message, message, text)
            }
            XCTAssertEqual(s.stateJSON(), before, text)
        }
        // A state saved before a group was added loads (torch's own checkpoints do).
        let one = try OptimizerState(lr: 0.1)
        let early = try StepLR(one, stepSize: 3)
        try one.addParamGroup(ParamGroup(lr: 0.3))
        try early.loadState(json: early.stateJSON())
        try step.loadState(json: #"{"base_lrs": [0.1], "_last_lr": [0.1]}"#)
        XCTAssertEqual(step.baseLRs, [0.1])
        // A scalar min_lr saves default_min_lr, which refills min_lrs as torch does.
        let scalarMin = try ReduceLROnPlateau(two, patience: 0)
        try scalarMin.loadState(json: #"{"min_lrs": []}"#)
        try scalarMin.step(metric: 1)
        try scalarMin.step(metric: 2)
        XCTAssertEqual(scalarMin.minLRs, [0, 0])
        XCTAssertEqual(two.groups.map(\.lr), [0.1 * 0.1, 0.2 * 0.1])
    }

    func testCompositeLoadIsAllOrNothing() throws {
        let opt = try OptimizerState(lr: 0.1)
        let a = try ConstantLR(opt, factor: 0.5, totalIters: 2)
        let b = try ExponentialLR(opt, gamma: 0.9)
        let chain = try ChainedScheduler([a, b], optimizer: opt)
        try chain.step()
        let before = chain.stateJSON()
        var state = try XCTUnwrap(chain.stateDict().objectValue)
        var children = try XCTUnwrap(state["_schedulers"]?.arrayValue)
        var second = try XCTUnwrap(children[1].objectValue)
        second["gamma"] = .string("bad")
        children[1] = .object(second)
        var first = try XCTUnwrap(children[0].objectValue)
        first["last_epoch"] = .int(40)
        children[0] = .object(first)
        state["_schedulers"] = .array(children)
        XCTAssertThrowsError(try chain.loadStateDict(.object(state)))
        XCTAssertEqual(chain.stateJSON(), before)
    }

    /// Found by fuzz_state: a state whose base_lrs do not match the lambdas is refused
    /// (stepping would have indexed past the lambdas).
    func testLambdaStateMustMatchItsFunctions() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try MultiplicativeLR(opt, lrLambda: { _ in 0.95 })
        try opt.addParamGroup(ParamGroup(lr: 0.2))
        assertThrows(.valueError) { try s.loadState(json: #"{"base_lrs": [1, 1]}"#) }
        assertThrows(.valueError) { try s.step() }
        let l = try LambdaLR(try OptimizerState(lr: 0.1), lrLambda: { _ in 1 })
        assertThrows(.valueError) { try l.loadState(json: #"{"base_lrs": [1, 1, 1, 1]}"#) }
    }

    /// Lambda functions are not saved; they are supplied again when rebuilding.
    func testLambdaStateSavesNullFunctions() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try LambdaLR(opt, lrLambda: { 1.0 / Double($0 + 1) })
        XCTAssertEqual(s.stateDict()["lr_lambdas"], .array([.null]))
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return replacingCharacters(in: r, with: replacement)
    }
}
