// fuzz_spec: builds optimizers and schedulers from JSON specs and runs them.
//
// Input: JSON text of
// - a conformance case `{"optimizer": {...}, "schedulers": [...], "steps": N,
//   "metrics": [...]}` plus optional harness keys `"epochs": [ints or floats]`
//   (deprecated `step(epoch)` calls, floats go to CosineAnnealingWarmRestarts'
//   `step(epochValue:)`), `"add_group_at": k` (add a param group before step k) and
//   `"ops": [[k, name, args...], ...]`: API calls made before step k (see `applyOp`);
// - a bare scheduler spec `{"type": ...}` or a list of them;
// - anything else: tried as an optimizer spec only.
// The optimizer is `OptimizerState(spec:)`, or (absent or invalid spec) a 3-group
// SGD optimizer with momentum. Every scheduler spec is built with SchedulerSpec.build
// (a failing one is skipped); the built ones are stepped in order up to min(steps, 50)
// times (less when groups × schedulers is large), ReduceLROnPlateau with metrics from
// the case or derived from the input; then previews, state round trips, and a
// checkpoint resume: a fresh optimizer and schedulers built from the same specs,
// loaded with the saved states, must step exactly like the originals.
//
// Traps are findings; so are violated oracles (see common/FuzzCommon.swift).

import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// The fallback optimizer: three SGD groups with momentum.
func fallbackOptimizer() -> OptimizerState {
    var g0 = ParamGroup(lr: 0.1, momentum: 0.9)
    g0.weightDecay = 1e-4
    let g1 = ParamGroup(lr: 0.05, momentum: 0.9)
    let g2 = ParamGroup(lr: 0.01, momentum: 0.5, nesterov: false)
    do throws(LRSchedError) {
        return try OptimizerState(defaults: ParamGroup(lr: 0.1, momentum: 0.9), groups: [g0, g1, g2])
    } catch {
        fuzzFail("fallback optimizer: \(error)")
    }
}

/// A spec's type name, for the leaf/composite distinction.
func specType(_ spec: JSONValue) -> String? { spec["type"]?.stringValue }

/// Builds `optimizer` (or the fallback) and every buildable scheduler of `specs`.
/// Oracle: a failing leaf spec leaves the optimizer unchanged (the constructors restore
/// the groups; composites' children have already acted on it, as in torch).
func buildAll(_ optimizerSpec: JSONValue?, _ specs: [JSONValue]) -> (OptimizerState, [LRScheduler], [JSONValue], Bool) {
    var opt: OptimizerState? = nil
    var fromSpec = false
    if let optimizerSpec {
        do throws(LRSchedError) {
            opt = try OptimizerState(spec: optimizerSpec)
            fromSpec = true
        } catch {}
    }
    let optimizer = opt ?? fallbackOptimizer()
    var built: [LRScheduler] = []
    var builtSpecs: [JSONValue] = []
    for spec in specs {
        let leaf = specType(spec).map { $0 != "SequentialLR" && $0 != "ChainedScheduler" } ?? true
        let before = oraclesEnabled && leaf ? snapshot(optimizer) : .null
        do throws(LRSchedError) {
            built.append(try SchedulerSpec.build(spec, optimizer: optimizer))
            builtSpecs.append(spec)
        } catch {
            if oraclesEnabled && leaf {
                let after = snapshot(optimizer)
                oracle(after == before, "failed build of \(specType(spec) ?? "?") (\(error)) changed the optimizer\nbefore: \(text(before))\nafter:  \(text(after))")
            }
        }
    }
    return (optimizer, built, builtSpecs, fromSpec)
}

/// Oracle: checkpoint resume. A fresh optimizer and schedulers built from the same
/// specs, loaded with the saved optimizer and scheduler states, step like the originals.
func checkResume(_ optimizerSpec: JSONValue?, usedSpec: Bool, _ specs: [JSONValue],
                 _ opt: OptimizerState, _ scheds: [LRScheduler], steps: Int, metrics: ArraySlice<Double>) {
    guard oraclesEnabled, !scheds.isEmpty else { return }
    let fresh: OptimizerState
    if usedSpec, let optimizerSpec {
        do throws(LRSchedError) { fresh = try OptimizerState(spec: optimizerSpec) } catch {
            fuzzFail("optimizer spec built once but not twice: \(error)")
        }
    } else {
        fresh = fallbackOptimizer()
    }
    guard fresh.count == opt.count else { return }  // a group was added on the original
    var copies: [LRScheduler] = []
    for spec in specs {
        do throws(LRSchedError) {
            copies.append(try SchedulerSpec.build(spec, optimizer: fresh))
        } catch {
            // Built on the original optimizer but not on a fresh one: this can happen
            // legitimately (an earlier scheduler's initial_lr or lr differs), skip.
            return
        }
    }
    do throws(LRSchedError) {
        try fresh.loadState(json: opt.stateJSON())
    } catch {
        fuzzFail("resume: the optimizer's saved state does not load into a fresh optimizer: \(error)\nstate: \(opt.stateJSON())")
    }
    for (s, c) in zip(scheds, copies) {
        do throws(LRSchedError) {
            try c.loadState(json: s.stateJSON())
        } catch {
            fuzzFail("resume: \(s.typeName)'s saved state does not load into a fresh one: \(error)\nstate: \(s.stateJSON())")
        }
        oracle(c.stateJSON() == s.stateJSON(), "resume: \(s.typeName) state differs after load\nsaved:  \(s.stateJSON())\nloaded: \(c.stateJSON())")
    }
    oracle(fresh.stateJSON() == opt.stateJSON(), "resume: optimizer state differs after load")
    for k in 0..<steps {
        let m = metrics[metrics.startIndex + k]
        for (s, c) in zip(scheds, copies) {
            var e1: LRSchedError? = nil
            var e2: LRSchedError? = nil
            do throws(LRSchedError) { try stepOnce(s, metric: m) } catch { e1 = error }
            do throws(LRSchedError) { try stepOnce(c, metric: m) } catch { e2 = error }
            oracle(e1 == e2, "resume: step \(k) of \(s.typeName): original \(e1.map { "\($0)" } ?? "ok"), resumed \(e2.map { "\($0)" } ?? "ok")")
        }
        let a = lrsAndMomenta(opt)
        let b = lrsAndMomenta(fresh)
        oracle(bitsEqual(a.lrs, b.lrs) && bitsEqual(a.momenta, b.momenta),
               "resume: step \(k): lrs/momenta differ\noriginal: \(a)\nresumed:  \(b)")
    }
}

/// One harness op from the case's `ops` list, `[k, name, args...]`, made before step k:
/// - `["add_group", lr]`: `opt.addParamGroup` (betas added for an Adam-style optimizer)
/// - `["set", g, key, value]`, `["unset", g, key]`, `["get", g, key]`: the group accessors
///   (`key` a ParamGroupKey raw value: "lr", "initial_lr", "betas[0]", ...)
/// - `["load", i, state]`: scheduler `i`'s `loadStateDict(state)`
/// - `["load_child", i, j, state]`: the same on node `j` of scheduler `i` (children of composites)
/// - `["load_optimizer", state]`: `opt.loadStateDict(state)`
/// - `["step_epoch", i, e]`: scheduler `i`'s deprecated `step(epoch: e)`
/// Oracle: a failing op changes nothing.
func applyOp(_ op: [JSONValue], _ opt: OptimizerState, _ scheds: [LRScheduler]) {
    guard op.count >= 2, let name = op[1].stringValue else { return }
    func int(_ i: Int) -> Int? { i < op.count ? op[i].intValue : nil }
    func sched(_ i: Int) -> LRScheduler? {
        guard let k = int(i), !scheds.isEmpty else { return nil }
        return scheds[((k % scheds.count) + scheds.count) % scheds.count]
    }
    func key(_ i: Int) -> ParamGroupKey? { i < op.count ? op[i].stringValue.flatMap(ParamGroupKey.init(rawValue:)) : nil }
    let before = oraclesEnabled ? snapshot(scheds, opt) : .null
    do throws(LRSchedError) {
        switch name {
        case "add_group":
            var g = ParamGroup(lr: (op.count > 2 ? op[2].doubleValue : nil) ?? 0.01, momentum: 0.9)
            if opt.momentumKind == .betas { g.beta1 = 0.9; g.beta2 = 0.999 }
            try opt.addParamGroup(g)
        case "set":
            guard let g = int(2), let k = key(3), op.count > 4, let v = op[4].doubleValue else { return }
            try opt.setValue(v, for: k, group: g)
        case "unset":
            guard let g = int(2), let k = key(3) else { return }
            try opt.removeValue(for: k, group: g)
        case "get":
            guard let g = int(2), let k = key(3) else { return }
            _ = try opt.value(k, group: g)
        case "load":
            guard let s = sched(2), op.count > 3 else { return }
            try s.loadStateDict(op[3])
        case "load_child":
            guard let s = sched(2), let j = int(3), op.count > 4 else { return }
            let nodes = allSchedulers(s)
            try nodes[((j % nodes.count) + nodes.count) % nodes.count].loadStateDict(op[4])
        case "load_optimizer":
            guard op.count > 2 else { return }
            try opt.loadStateDict(op[2])
        case "step_epoch":
            guard let s = sched(2), let e = int(3) else { return }
            try s.step(epoch: e)
            return  // not checked here: the `epochs` key runs step(epoch:) under checkedStep
        default:
            return
        }
    } catch {
        if oraclesEnabled && name != "step_epoch" {
            let after = snapshot(scheds, opt)
            oracle(after == before, "op \(name) failed (\(error)) but changed the state\nbefore: \(text(before))\nafter:  \(text(after))")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let doc: JSONValue
    do throws(LRSchedError) { doc = try JSON.parse(bytes: bytes) } catch { return 0 }
    let seed = fnv1a(bytes)

    var optimizerSpec: JSONValue? = nil
    var specs: [JSONValue] = []
    var steps = 30
    var metricsValue: JSONValue? = nil
    var epochs: [JSONValue] = []
    var addGroupAt: Int? = nil
    var ops: [[JSONValue]] = []
    switch doc {
    case .object(let o) where o["schedulers"] != nil || o["optimizer"] != nil:
        optimizerSpec = o["optimizer"]
        if let list = o["schedulers"]?.arrayValue { specs = list } else if let one = o["schedulers"] { specs = [one] }
        if case .int(let n)? = o["steps"] { steps = n }
        metricsValue = o["metrics"]
        epochs = o["epochs"]?.arrayValue ?? []
        addGroupAt = o["add_group_at"]?.intValue
        ops = (o["ops"]?.arrayValue ?? []).prefix(16).compactMap(\.arrayValue)
    case .object:
        specs = [doc]
    case .array(let list):
        specs = list
    default:
        do throws(LRSchedError) { _ = try OptimizerState(spec: doc) } catch {}
        return 0
    }
    specs = Array(specs.prefix(32))

    let (opt, scheds, builtSpecs, usedSpec) = buildAll(optimizerSpec, specs)
    if scheds.isEmpty { return 0 }

    // Bound the work: about 4000 group-steps per input.
    let load = max(1, opt.count * scheds.reduce(0) { $0 + allSchedulers($1).count })
    steps = max(0, min(steps, 50, max(1, 4000 / load)))
    let previewSteps = min(8, max(1, 4000 / load))
    let metrics = caseMetrics(metricsValue, count: steps + 3 * previewSteps + 16, seed: seed)

    // Main loop: every scheduler once per step, in order (a training loop).
    for k in 0..<steps {
        if k == addGroupAt {
            var g = ParamGroup(lr: 0.02, momentum: 0.9)
            if opt.momentumKind == .betas { g.beta1 = 0.9; g.beta2 = 0.999 }
            do throws(LRSchedError) { try opt.addParamGroup(g) } catch {}
        }
        for op in ops where op.first?.intValue == k { applyOp(op, opt, scheds) }
        for s in scheds {
            checkedStep(s, opt, what: "step") { (s) throws(LRSchedError) in try stepOnce(s, metric: metrics[k]) }
        }
    }
    // Ops not made in the loop (k outside 0..<steps) are made now, in order.
    for op in ops where !(0..<steps).contains(op.first?.intValue ?? -1) { applyOp(op, opt, scheds) }
    for s in scheds { touchReaders(s) }

    // Deprecated step(epoch) calls.
    for e in epochs.prefix(8) {
        for s in scheds {
            switch e {
            case .int(let i):
                checkedStep(s, opt, what: "step(epoch: \(i))") { (s) throws(LRSchedError) in try s.step(epoch: i) }
            case .float(let d):
                if let w = s as? CosineAnnealingWarmRestarts {
                    checkedStep(w, opt, what: "step(epochValue: \(d))") { (_) throws(LRSchedError) in
                        try w.step(epochValue: d)
                    }
                }
            default:
                break
            }
        }
    }

    // Previews: each scheduler alone, then all together (as the training loop steps
    // them); both also step the real schedulers to compare.
    var offset = steps
    for s in scheds.prefix(4) {
        checkPreview([s], opt, steps: previewSteps, metrics: Array(metrics[offset...]))
    }
    offset += previewSteps
    checkPreview(scheds, opt, steps: previewSteps, metrics: Array(metrics[offset...]))
    offset += previewSteps

    // States: round trips, then a checkpoint resume.
    for s in scheds { checkStateRoundTrip(s) }
    checkOptimizerRoundTrip(opt)
    checkResume(optimizerSpec, usedSpec: usedSpec, builtSpecs, opt, scheds,
                steps: previewSteps, metrics: metrics[offset...])
    return 0
}
