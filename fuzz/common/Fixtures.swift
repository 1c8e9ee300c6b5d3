// The fixed schedulers fuzz_state loads states into (and tools/gen_state_seeds.swift
// saves seed states from): every one of the fifteen kinds, the composites nested, on
// three optimizer shapes (3 SGD groups with momentum, 2 Adam-style groups with betas,
// 1 plain SGD group), each warmed up by a few steps.

import LRSchedSupport
import LRSchedJSON
import LRSchedCore

struct Fixture: Sendable {
    let name: String
    let optimizer: JSONValue
    /// Top-level schedulers on that optimizer, stepped in order.
    let schedulers: [JSONValue]
    /// Steps taken after construction.
    let warmup: Int
}

let sgd3 = #"{"lr":0.1,"momentum":0.9,"groups":[{"lr":0.1},{"lr":0.05,"weight_decay":0.0001},{"lr":0.01,"momentum":0.5}]}"#
let betas2 = #"{"lr":0.01,"betas":[0.9,0.999],"groups":[{"lr":0.01},{"lr":0.003}]}"#
let sgd1 = #"{"lr":0.2}"#

/// (name, optimizer, schedulers, warmup).
let fixtureSources: [(String, String, [String], Int)] = [
    ("LambdaLR", sgd3, [#"{"type":"LambdaLR","lr_lambda":"pow095"}"#], 3),
    ("LambdaLR-pergroup", sgd3, [#"{"type":"LambdaLR","lr_lambda":["inv1p","const095","halve_every_3"]}"#], 4),
    ("MultiplicativeLR", sgd3, [#"{"type":"MultiplicativeLR","lr_lambda":["const095","inv1p","halve_every_3"]}"#], 3),
    ("StepLR", sgd3, [#"{"type":"StepLR","step_size":3,"gamma":0.5}"#], 4),
    ("MultiStepLR", sgd1, [#"{"type":"MultiStepLR","milestones":[2,5,5,9],"gamma":0.5}"#], 3),
    ("ConstantLR", betas2, [#"{"type":"ConstantLR","factor":0.5,"total_iters":4}"#], 2),
    ("LinearLR", sgd3, [#"{"type":"LinearLR","start_factor":0.25,"end_factor":1.0,"total_iters":6}"#], 3),
    ("ExponentialLR", sgd1, [#"{"type":"ExponentialLR","gamma":0.9}"#], 3),
    ("CosineAnnealingLR", betas2, [#"{"type":"CosineAnnealingLR","T_max":8,"eta_min":0.001}"#], 5),
    ("PolynomialLR", sgd1, [#"{"type":"PolynomialLR","total_iters":6,"power":2.0}"#], 3),
    ("CosineAnnealingWarmRestarts", sgd1, [#"{"type":"CosineAnnealingWarmRestarts","T_0":3,"T_mult":2,"eta_min":0.001}"#], 5),
    ("ReduceLROnPlateau", sgd3, [#"{"type":"ReduceLROnPlateau","patience":1,"cooldown":1,"min_lr":[0.0,0.001,0.0001],"factor":0.5}"#], 6),
    ("ReduceLROnPlateau-max-abs", betas2, [#"{"type":"ReduceLROnPlateau","mode":"max","threshold_mode":"abs","patience":0,"min_lr":0.0005}"#], 4),
    ("CyclicLR", sgd3, [#"{"type":"CyclicLR","base_lr":[0.01,0.005,0.001],"max_lr":0.1,"step_size_up":3,"step_size_down":2,"mode":"triangular2"}"#], 4),
    ("CyclicLR-exp-betas", betas2, [#"{"type":"CyclicLR","base_lr":0.001,"max_lr":0.01,"step_size_up":2,"mode":"exp_range","gamma":0.9}"#], 3),
    ("OneCycleLR", sgd3, [#"{"type":"OneCycleLR","max_lr":[0.1,0.05,0.01],"total_steps":20,"three_phase":true}"#], 4),
    ("OneCycleLR-linear-betas", betas2, [#"{"type":"OneCycleLR","max_lr":0.01,"epochs":2,"steps_per_epoch":5,"anneal_strategy":"linear","pct_start":0.4}"#], 3),
    ("SequentialLR", sgd3, [#"{"type":"SequentialLR","schedulers":[{"type":"LinearLR","start_factor":0.1,"total_iters":3},{"type":"CosineAnnealingLR","T_max":10}],"milestones":[3]}"#], 4),
    ("ChainedScheduler", sgd3, [#"{"type":"ChainedScheduler","schedulers":[{"type":"ConstantLR","factor":0.5,"total_iters":3},{"type":"ExponentialLR","gamma":0.9}]}"#], 3),
    ("SequentialLR-nested", sgd1, [#"{"type":"SequentialLR","schedulers":[{"type":"ChainedScheduler","schedulers":[{"type":"LinearLR","start_factor":0.5,"total_iters":2},{"type":"StepLR","step_size":2}]},{"type":"MultiplicativeLR","lr_lambda":"const095"},{"type":"SequentialLR","schedulers":[{"type":"ExponentialLR","gamma":0.8}],"milestones":[]}],"milestones":[2,4]}"#], 3),
    ("two-top-level", betas2, [#"{"type":"LinearLR","start_factor":0.5,"total_iters":3}"#, #"{"type":"ExponentialLR","gamma":0.95}"#], 2),
]

let fixtures: [Fixture] = fixtureSources.map { source in
    func parse(_ text: String) -> JSONValue {
        do throws(LRSchedError) { return try JSON.parse(text) } catch {
            fuzzFail("fixture \(source.0): \(error)")
        }
    }
    return Fixture(name: source.0, optimizer: parse(source.1), schedulers: source.2.map(parse), warmup: source.3)
}

/// Metrics for the warm-up steps of ReduceLROnPlateau fixtures (a plateau, so it reduces).
let warmupMetrics: [Double] = [1.0, 0.9, 0.9, 0.9, 0.95, 0.9, 0.9, 0.9]

/// Builds a fixture and takes its warm-up steps; any failure is a harness bug.
func buildFixture(_ f: Fixture) -> (OptimizerState, [LRScheduler]) {
    do throws(LRSchedError) {
        let opt = try OptimizerState(spec: f.optimizer)
        var scheds: [LRScheduler] = []
        for spec in f.schedulers { scheds.append(try SchedulerSpec.build(spec, optimizer: opt)) }
        for k in 0..<f.warmup {
            for s in scheds { try stepOnce(s, metric: warmupMetrics[k % warmupMetrics.count]) }
        }
        return (opt, scheds)
    } catch {
        fuzzFail("fixture \(f.name) does not build: \(error)")
    }
}
