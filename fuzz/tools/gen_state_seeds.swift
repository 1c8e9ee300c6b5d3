// Prints seed states for fuzz_state, one per line: `<file name>\t<compact JSON>`.
// Built by `make fuzz-seeds` (with the core and fuzz/common, uninstrumented). The
// states are those of the fixtures in fuzz/common/Fixtures.swift: every scheduler node
// after the warm-up; the top-level schedulers of the fixtures whose state keeps
// changing also after 5 more steps; and the optimizer of one fixture per kind of group
// content (plain SGD, betas, CyclicLR's and OneCycleLR's extra keys).

import LRSchedSupport
import LRSchedJSON
import LRSchedCore

let longerRuns: Set<String> = [
    "ReduceLROnPlateau", "ReduceLROnPlateau-max-abs", "CyclicLR", "OneCycleLR",
    "CosineAnnealingWarmRestarts", "SequentialLR", "LambdaLR-pergroup",
]
let optimizerStates: Set<String> = [
    "StepLR", "ConstantLR", "ExponentialLR", "CyclicLR", "OneCycleLR", "OneCycleLR-linear-betas",
]

@main
struct GenStateSeeds {
    static func main() {
        for f in fixtures {
            let (opt, scheds) = buildFixture(f)
            let tag = "\(f.name)-s\(f.warmup)"
            for (i, s) in scheds.flatMap(allSchedulers).enumerated() {
                print("\(tag)-\(i)-\(s.typeName).json\t\(s.stateJSON())")
            }
            if optimizerStates.contains(f.name) { print("\(tag)-optimizer.json\t\(opt.stateJSON())") }
            guard longerRuns.contains(f.name) else { continue }
            let metrics = derivedMetrics(5, seed: 42)
            for k in 0..<5 {
                for s in scheds {
                    do throws(LRSchedError) { try stepOnce(s, metric: metrics[k]) } catch {}
                }
            }
            for (i, s) in scheds.enumerated() {
                print("\(f.name)-s\(f.warmup + 5)-\(i)-\(s.typeName).json\t\(s.stateJSON())")
            }
        }
    }
}
