// fuzz_state: feeds the input, as JSON state text, to every fixture scheduler's
// `loadState(json:)` (top-level ones and the children of composites) and to every
// fixture optimizer's `OptimizerState.loadState(json:)`.
//
// The fixtures (common/Fixtures.swift) are rebuilt for every input, so a run is
// deterministic. After a load that succeeds, the schedulers on that optimizer step a
// few times, preview, save again, take one deprecated `step(epoch:)` (an epoch from a
// fixed list of edge values, picked by the input's hash), then a param group is added
// (`addParamGroup`) and they step and preview again. The seed corpus holds real saved
// states of the same fixtures (tools/gen_state_seeds.swift), so the fuzzer mutates
// from valid.
//
// Traps are findings; so are violated oracles (see common/FuzzCommon.swift): a failed
// load changes nothing, a failing step changes nothing (ChainedScheduler excepted),
// a preview changes nothing and equals real steps, a saved state loads back.

import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// Epochs for the deprecated `step(epoch:)`, chosen by the input's hash.
let epochChoices: [Int] = [0, 1, 7, -1, -2, 1 << 40, Int.max, Int.min, Int.max - 1, Int.min + 1]

/// Steps, previews and saves the top-level schedulers on `opt` after a successful load;
/// then adds a param group (torch's `add_param_group`) and steps and previews again.
func exercise(_ opt: OptimizerState, _ scheds: [LRScheduler], seed: UInt64) {
    let metrics = derivedMetrics(16, seed: seed)
    for k in 0..<3 {
        for s in scheds {
            checkedStep(s, opt, what: "step after load") { (s) throws(LRSchedError) in
                try stepOnce(s, metric: metrics[k])
            }
        }
    }
    for s in scheds { touchReaders(s) }
    checkPreview(scheds, opt, steps: 3, metrics: Array(metrics[3...]))
    for s in scheds { checkStateRoundTrip(s) }
    checkOptimizerRoundTrip(opt)

    var rng = FuzzRNG(seed: seed)
    let epoch = epochChoices[rng.below(UInt64(epochChoices.count))]
    for s in scheds where !s.flags.contains(.noEpoch) || s.flags.contains(.composite) {
        checkedStep(s, opt, what: "step(epoch: \(epoch))") { (s) throws(LRSchedError) in try s.step(epoch: epoch) }
    }

    // A group added after the load: the schedulers must fail cleanly or cope.
    var g = ParamGroup(lr: 0.02, momentum: 0.9)
    if opt.momentumKind == .betas { g.beta1 = 0.9; g.beta2 = 0.999 }
    do throws(LRSchedError) { try opt.addParamGroup(g) } catch { return }
    for k in 6..<8 {
        for s in scheds {
            checkedStep(s, opt, what: "step after add_param_group") { (s) throws(LRSchedError) in
                try stepOnce(s, metric: metrics[k])
            }
        }
    }
    checkPreview(scheds, opt, steps: 2, metrics: Array(metrics[8...]))
    for s in scheds { checkStateRoundTrip(s) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    let seed = fnv1a(bytes)

    // Not JSON at all: one call covers the parse error path of both readers.
    if (try? JSON.parse(bytes: bytes)) == nil {
        let (opt, scheds) = buildFixture(fixtures[0])
        do throws(LRSchedError) { try scheds[0].loadState(json: text) } catch {}
        do throws(LRSchedError) { try opt.loadState(json: text) } catch {}
        return 0
    }

    for f in fixtures {
        // Oracle: a failed load changes nothing (no scheduler node, not the optimizer).
        // So one build serves until a load succeeds; the next target gets a fresh one.
        var built: (OptimizerState, [LRScheduler])? = buildFixture(f)
        var before: JSONValue? = nil
        let nodes = built!.1.flatMap(allSchedulers).count
        // targets 0..<nodes: each scheduler node; target `nodes`: the optimizer.
        for i in 0...nodes {
            if built == nil {
                built = buildFixture(f)
                before = nil
            }
            let (opt, scheds) = built!
            if oraclesEnabled && before == nil { before = snapshot(scheds, opt) }
            do throws(LRSchedError) {
                if i < nodes {
                    let target = scheds.flatMap(allSchedulers)[i]
                    try target.loadState(json: text)
                } else {
                    try opt.loadState(json: text)
                }
            } catch {
                if oraclesEnabled {
                    let after = snapshot(scheds, opt)
                    oracle(after == before!, "\(f.name): failed loadState into node \(i) (\(error)) changed the state\nbefore: \(JSON.serialize(before!))\nafter:  \(JSON.serialize(after))")
                }
                continue
            }
            exercise(opt, scheds, seed: seed)
            built = nil
        }
    }
    return 0
}
