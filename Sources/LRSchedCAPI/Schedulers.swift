import LRSched
import LRSchedCShims

// lrsched_*_create: one typed constructor per torch scheduler, and the JSON one
// (include/lrsched.h, "Schedulers"). Each validates and converts its arguments, then
// calls the core's initializer; the core performs torch's construction step.

/// `lrsched_lr_fn`: `int (*)(int64_t epoch, void *user, double *out)`.
public typealias LRFunctionPointer = @convention(c) (Int64, UnsafeMutableRawPointer?, UnsafeMutablePointer<Double>?) -> Int32

/// The int64 value meaning torch's None (LRSCHED_UNSET).
private let unset = Int64.min

/// Wraps a C lr function as the core's `LRLambda`. A non-zero return aborts the step
/// with CallbackFailed; a non-finite factor (or none written) with ValueError.
private func lambda(_ fn: LRFunctionPointer, _ user: UnsafeMutableRawPointer?) -> LRLambda {
    nonisolated(unsafe) let user = user
    return { (epoch: Int) throws -> Double in
        var factor = Double.nan
        lrschedshim_callback_enter()
        let rc = fn(Int64(epoch), user, &factor)
        lrschedshim_callback_leave()
        if rc != 0 {
            throw LRSchedError(.callbackFailed, "lr_lambda callback returned \(rc) at epoch \(epoch)")
        }
        guard factor.isFinite else {
            throw LRSchedError(.valueError,
                               "lr_lambda callback returned 0 at epoch \(epoch) but its factor is \(pyRepr(factor)) (must be finite; was *out written?)")
        }
        return factor
    }
}

private func lambdas(_ fns: UnsafePointer<LRFunctionPointer?>?, _ userData: UnsafePointer<UnsafeMutableRawPointer?>?,
                     _ nFns: UInt) throws(CFailure) -> LRLambdas {
    let fs = try array(fns, nFns, "fns")
    if fs.isEmpty { throw .value("lr_lambda: n_fns must be at least 1") }
    let users: [UnsafeMutableRawPointer?] = userData == nil
        ? Array(repeating: nil, count: fs.count) : try array(userData, nFns, "user_data")
    var out: [LRLambda] = []
    out.reserveCapacity(fs.count)
    for (i, f) in fs.enumerated() {
        guard let f else { throw .null("fns[\(i)]") }
        out.append(lambda(f, users[i]))
    }
    return out.count == 1 ? .shared(out[0]) : .perGroup(out)
}

/// The common tail of every constructor: refuse inside callbacks, resolve the optimizer
/// and the output, build, hand out a retained handle.
@inline(__always)
private func create(_ opt: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ function: StaticString,
                    _ build: (OptimizerState) throws(CFailure) -> LRScheduler) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        let out = try output(out)
        try requireNotInCallback(function)
        let s = try build(o)
        out.pointee = retainedHandle(SchedulerHandle(s))
    }
}

@_cdecl("lrsched_lambda_lr_create")
public func lrsched_lambda_lr_create(_ opt: OpaquePointer?, _ fns: UnsafePointer<LRFunctionPointer?>?,
                                     _ userData: UnsafePointer<UnsafeMutableRawPointer?>?, _ nFns: UInt,
                                     _ lastEpoch: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_lambda_lr_create") { (o) throws(CFailure) in
        let fs = try lambdas(fns, userData, nFns)
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in try LambdaLR(o, lrLambda: fs, lastEpoch: le) }
    }
}

@_cdecl("lrsched_multiplicative_lr_create")
public func lrsched_multiplicative_lr_create(_ opt: OpaquePointer?, _ fns: UnsafePointer<LRFunctionPointer?>?,
                                             _ userData: UnsafePointer<UnsafeMutableRawPointer?>?, _ nFns: UInt,
                                             _ lastEpoch: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_multiplicative_lr_create") { (o) throws(CFailure) in
        let fs = try lambdas(fns, userData, nFns)
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in try MultiplicativeLR(o, lrLambda: fs, lastEpoch: le) }
    }
}

@_cdecl("lrsched_step_lr_create")
public func lrsched_step_lr_create(_ opt: OpaquePointer?, _ stepSize: Int64, _ gamma: Double, _ lastEpoch: Int64,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_step_lr_create") { (o) throws(CFailure) in
        let ss = try int(stepSize, "step_size")
        let g = gamma
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in try StepLR(o, stepSize: ss, gamma: g, lastEpoch: le) }
    }
}

@_cdecl("lrsched_multistep_lr_create")
public func lrsched_multistep_lr_create(_ opt: OpaquePointer?, _ milestones: UnsafePointer<Int64>?, _ nMilestones: UInt,
                                        _ gamma: Double, _ lastEpoch: Int64,
                                        _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_multistep_lr_create") { (o) throws(CFailure) in
        let ms = try ints(milestones, nMilestones, "milestones")
        let g = gamma
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in try MultiStepLR(o, milestones: ms, gamma: g, lastEpoch: le) }
    }
}

@_cdecl("lrsched_constant_lr_create")
public func lrsched_constant_lr_create(_ opt: OpaquePointer?, _ factor: Double, _ totalIters: Int64, _ lastEpoch: Int64,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_constant_lr_create") { (o) throws(CFailure) in
        let f = factor
        let t = try int(totalIters, "total_iters")
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in try ConstantLR(o, factor: f, totalIters: t, lastEpoch: le) }
    }
}

@_cdecl("lrsched_linear_lr_create")
public func lrsched_linear_lr_create(_ opt: OpaquePointer?, _ startFactor: Double, _ endFactor: Double,
                                     _ totalIters: Int64, _ lastEpoch: Int64,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_linear_lr_create") { (o) throws(CFailure) in
        let sf = startFactor
        let ef = endFactor
        let t = try int(totalIters, "total_iters")
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in
            try LinearLR(o, startFactor: sf, endFactor: ef, totalIters: t, lastEpoch: le)
        }
    }
}

@_cdecl("lrsched_exponential_lr_create")
public func lrsched_exponential_lr_create(_ opt: OpaquePointer?, _ gamma: Double, _ lastEpoch: Int64,
                                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_exponential_lr_create") { (o) throws(CFailure) in
        let g = gamma
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in try ExponentialLR(o, gamma: g, lastEpoch: le) }
    }
}

@_cdecl("lrsched_polynomial_lr_create")
public func lrsched_polynomial_lr_create(_ opt: OpaquePointer?, _ totalIters: Int64, _ power: Double, _ lastEpoch: Int64,
                                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_polynomial_lr_create") { (o) throws(CFailure) in
        let t = try int(totalIters, "total_iters")
        let p = power
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in try PolynomialLR(o, totalIters: t, power: p, lastEpoch: le) }
    }
}

@_cdecl("lrsched_cosine_annealing_lr_create")
public func lrsched_cosine_annealing_lr_create(_ opt: OpaquePointer?, _ tMax: Int64, _ etaMin: Double, _ lastEpoch: Int64,
                                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_cosine_annealing_lr_create") { (o) throws(CFailure) in
        let t = try int(tMax, "T_max")
        let e = etaMin
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in try CosineAnnealingLR(o, tMax: t, etaMin: e, lastEpoch: le) }
    }
}

@_cdecl("lrsched_cosine_annealing_warm_restarts_create")
public func lrsched_cosine_annealing_warm_restarts_create(_ opt: OpaquePointer?, _ t0: Int64, _ tMult: Int64,
                                                          _ etaMin: Double, _ lastEpoch: Int64,
                                                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_cosine_annealing_warm_restarts_create") { (o) throws(CFailure) in
        let a = try int(t0, "T_0")
        let m = try int(tMult, "T_mult")
        let e = etaMin
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in
            try CosineAnnealingWarmRestarts(o, t0: a, tMult: m, etaMin: e, lastEpoch: le)
        }
    }
}

private func children(_ p: UnsafePointer<OpaquePointer?>?, _ n: UInt) throws(CFailure) -> [LRScheduler] {
    let handles = try array(p, n, "children")
    var out: [LRScheduler] = []
    out.reserveCapacity(handles.count)
    for (i, h) in handles.enumerated() { out.append(try scheduler(h, "children[\(i)]")) }
    return out
}

@_cdecl("lrsched_sequential_lr_create")
public func lrsched_sequential_lr_create(_ opt: OpaquePointer?, _ kids: UnsafePointer<OpaquePointer?>?, _ nChildren: UInt,
                                         _ milestones: UnsafePointer<Int64>?, _ nMilestones: UInt, _ lastEpoch: Int64,
                                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_sequential_lr_create") { (o) throws(CFailure) in
        let cs = try children(kids, nChildren)
        let ms = try ints(milestones, nMilestones, "milestones")
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in
            try SequentialLR(o, schedulers: cs, milestones: ms, lastEpoch: le)
        }
    }
}

@_cdecl("lrsched_chained_scheduler_create")
public func lrsched_chained_scheduler_create(_ kids: UnsafePointer<OpaquePointer?>?, _ nChildren: UInt,
                                             _ opt: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let out = try output(out)
        try requireNotInCallback("lrsched_chained_scheduler_create")
        let cs = try children(kids, nChildren)
        let o: OptimizerState? = opt == nil ? nil : try optimizerState(opt)
        let s = try core { () throws(LRSchedError) in try ChainedScheduler(cs, optimizer: o) }
        out.pointee = retainedHandle(SchedulerHandle(s))
    }
}

@_cdecl("lrsched_reduce_lr_on_plateau_create")
public func lrsched_reduce_lr_on_plateau_create(_ opt: OpaquePointer?, _ mode: Int32, _ factor: Double, _ patience: Int64,
                                                _ threshold: Double, _ thresholdMode: Int32, _ cooldown: Int64,
                                                _ minLR: Double, _ minLRs: UnsafePointer<Double>?, _ nMinLRs: UInt,
                                                _ eps: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_reduce_lr_on_plateau_create") { (o) throws(CFailure) in
        let minSpec: ReduceLROnPlateau.MinLR = minLRs == nil
            ? .all(minLR) : .perGroup(try array(minLRs, nMinLRs, "min_lrs"))
        // torch checks factor, then min_lr, then mode, then threshold_mode; the enums
        // must be converted before the core can check the first two, so those are
        // checked here first as well.
        if factor >= 1.0 { throw .value("Factor should be < 1.0.") }
        if case .perGroup(let vs) = minSpec, vs.count != o.count {
            throw .value("expected \(o.count) min_lrs, got \(vs.count)")
        }
        let m: ReduceLROnPlateau.Mode
        switch mode {
        case 0: m = .min
        case 1: m = .max
        default: throw .value("mode \(mode) is unknown! (expected LRSCHED_MODE_MIN or LRSCHED_MODE_MAX)")
        }
        let tm: ReduceLROnPlateau.ThresholdMode
        switch thresholdMode {
        case 0: tm = .rel
        case 1: tm = .abs
        default:
            throw .value("threshold mode \(thresholdMode) is unknown! (expected LRSCHED_THRESHOLD_REL or LRSCHED_THRESHOLD_ABS)")
        }
        let p = try int(patience, "patience")
        let c = try int(cooldown, "cooldown")
        return try core { () throws(LRSchedError) in
            try ReduceLROnPlateau(o, mode: m, factor: factor, patience: p, threshold: threshold, thresholdMode: tm,
                                  cooldown: c, minLR: minSpec, eps: eps)
        }
    }
}

/// A per-group list argument; `(NULL, 0)` gives `defaultValue` (torch's default).
private func perGroup(_ p: UnsafePointer<Double>?, _ n: UInt, _ name: String, default defaultValue: [Double]? = nil) throws(CFailure) -> [Double] {
    if let defaultValue, p == nil, n == 0 { return defaultValue }
    return try array(p, n, name)
}

@_cdecl("lrsched_cyclic_lr_create")
public func lrsched_cyclic_lr_create(_ opt: OpaquePointer?, _ baseLR: UnsafePointer<Double>?, _ nBaseLR: UInt,
                                     _ maxLR: UnsafePointer<Double>?, _ nMaxLR: UInt, _ stepSizeUp: Double,
                                     _ stepSizeDown: UnsafePointer<Double>?, _ mode: Int32, _ gamma: Double,
                                     _ scaleMode: Int32, _ cycleMomentum: Int32,
                                     _ baseMomentum: UnsafePointer<Double>?, _ nBaseMomentum: UInt,
                                     _ maxMomentum: UnsafePointer<Double>?, _ nMaxMomentum: UInt, _ lastEpoch: Int64,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_cyclic_lr_create") { (o) throws(CFailure) in
        let base = try perGroup(baseLR, nBaseLR, "base_lr")
        let max = try perGroup(maxLR, nMaxLR, "max_lr")
        let up = stepSizeUp
        let down: Double? = if let stepSizeDown { stepSizeDown.pointee } else { nil }
        // torch computes the step ratio (ZeroDivisionError) before it checks the mode.
        if up + (down ?? up) == 0 { throw CFailure(Status.zeroDivisionError, "float division by zero") }
        let m: CyclicLR.Mode
        switch mode {
        case 0: m = .triangular
        case 1: m = .triangular2
        case 2: m = .exp_range
        default: throw .value("mode is invalid and scale_fn is None")
        }
        let g = gamma
        let sm: CyclicLR.ScaleMode
        switch scaleMode {
        case 0: sm = .cycle
        case 1: sm = .iterations
        default: throw .value("scale_mode must be LRSCHED_SCALE_CYCLE or LRSCHED_SCALE_ITERATIONS, got \(scaleMode)")
        }
        let baseM = try perGroup(baseMomentum, nBaseMomentum, "base_momentum", default: [0.8])
        let maxM = try perGroup(maxMomentum, nMaxMomentum, "max_momentum", default: [0.9])
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in
            try CyclicLR(o, baseLR: base, maxLR: max, stepSizeUp: up, stepSizeDown: down, mode: m, gamma: g,
                         scaleMode: sm, cycleMomentum: cycleMomentum != 0, baseMomentum: baseM,
                         maxMomentum: maxM, lastEpoch: le)
        }
    }
}

@_cdecl("lrsched_one_cycle_lr_create")
public func lrsched_one_cycle_lr_create(_ opt: OpaquePointer?, _ maxLR: UnsafePointer<Double>?, _ nMaxLR: UInt,
                                        _ totalSteps: Int64, _ epochs: Int64, _ stepsPerEpoch: Int64,
                                        _ pctStart: Double, _ annealStrategy: Int32, _ cycleMomentum: Int32,
                                        _ baseMomentum: UnsafePointer<Double>?, _ nBaseMomentum: UInt,
                                        _ maxMomentum: UnsafePointer<Double>?, _ nMaxMomentum: UInt,
                                        _ divFactor: Double, _ finalDivFactor: Double, _ threePhase: Int32,
                                        _ lastEpoch: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_one_cycle_lr_create") { (o) throws(CFailure) in
        let max = try perGroup(maxLR, nMaxLR, "max_lr")
        // torch's checks, in torch's order.
        let length: OneCycleLR.Length
        if totalSteps != unset {
            let t = try int(totalSteps, "total_steps")
            if t <= 0 { throw .value("Expected positive integer total_steps, but got \(t)") }
            length = .totalSteps(t)
        } else if epochs != unset && stepsPerEpoch != unset {
            let e = try int(epochs, "epochs")
            let spe = try int(stepsPerEpoch, "steps_per_epoch")
            if e <= 0 { throw .value("Expected positive integer epochs, but got \(e)") }
            if spe <= 0 { throw .value("Expected positive integer steps_per_epoch, but got \(spe)") }
            length = .epochs(e, stepsPerEpoch: spe)
        } else {
            throw .value("You must define either total_steps OR (epochs AND steps_per_epoch)")
        }
        if !(pctStart >= 0 && pctStart <= 1) {
            throw .value("Expected float between 0 and 1 pct_start, but got \(pyRepr(pctStart))")
        }
        let strategy: OneCycleLR.AnnealStrategy
        switch annealStrategy {
        case 0: strategy = .cos
        case 1: strategy = .linear
        default:
            throw .value("anneal_strategy must be one of 'cos' or 'linear', instead got \(annealStrategy)")
        }
        let baseM = try perGroup(baseMomentum, nBaseMomentum, "base_momentum", default: [0.85])
        let maxM = try perGroup(maxMomentum, nMaxMomentum, "max_momentum", default: [0.95])
        let div = divFactor
        let finalDiv = finalDivFactor
        let le = try int(lastEpoch, "last_epoch")
        return try core { () throws(LRSchedError) in
            try OneCycleLR(o, maxLR: max, length: length, pctStart: pctStart, annealStrategy: strategy,
                           cycleMomentum: cycleMomentum != 0, baseMomentum: baseM, maxMomentum: maxM,
                           divFactor: div, finalDivFactor: finalDiv, threePhase: threePhase != 0, lastEpoch: le)
        }
    }
}

@_cdecl("lrsched_scheduler_create_from_json")
public func lrsched_scheduler_create_from_json(_ opt: OpaquePointer?, _ spec: UnsafePointer<CChar>?, _ len: UInt,
                                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    create(opt, out, "lrsched_scheduler_create_from_json") { (o) throws(CFailure) in
        let json = try parseJSON(spec, len, "spec")
        return try core { () throws(LRSchedError) in try SchedulerSpec.build(json, optimizer: o) }
    }
}

@_cdecl("lrsched_scheduler_free")
public func lrsched_scheduler_free(_ sched: OpaquePointer?) {
    guard let sched else { return }
    let raw = UnsafeRawPointer(sched)
    guard Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() is SchedulerHandle else { return }
    Unmanaged<AnyObject>.fromOpaque(raw).release()
}
