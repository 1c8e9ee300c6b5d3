import LRSched
import LRSchedCShims

// lrsched_*_create: the typed constructors of torch's schedulers and the JSON one
// (include/lrsched.h, "Schedulers"). A typed constructor only converts its C arguments
// into a spec (ints, doubles, per-group arrays, enum constants to torch's strings, C
// lr functions) and builds it through the core's one spec path, which makes every
// check; composites take existing children and call the core's initializer.

/// `lrsched_lr_fn`: `int (*)(int64_t epoch, void *user, double *out)`.
public typealias LRFunctionPointer = @convention(c) (Int64, UnsafeMutableRawPointer?, UnsafeMutablePointer<Double>?) -> Int32

/// `lrsched_real_fn`: a function of a float (timm's WSD decay_fn).
public typealias RealFunctionPointer = @convention(c) (Double, UnsafeMutableRawPointer?, UnsafeMutablePointer<Double>?) -> Int32

/// Wraps a C function of a float as the core's `RealFunction`: a non-zero return aborts
/// the step with CallbackFailed; a non-finite result (or none written) with ValueError.
func realFunction(_ fn: RealFunctionPointer, _ user: UnsafeMutableRawPointer?, _ key: String) -> RealFunction {
    nonisolated(unsafe) let user = user
    return { (x: Double) throws -> Double in
        var y = Double.nan
        lrschedshim_callback_enter()
        let rc = fn(x, user, &y)
        lrschedshim_callback_leave()
        if rc != 0 { throw LRSchedError(.callbackFailed, "\(key) callback returned \(rc) at \(pyRepr(x))") }
        guard y.isFinite else {
            throw LRSchedError(.valueError,
                               "\(key) callback returned 0 at \(pyRepr(x)) but its result is \(pyRepr(y)) (must be finite; was *out written?)")
        }
        return y
    }
}

/// The int64 value meaning torch's None (LRSCHED_UNSET).
private let unset = Int64.min

/// Wraps a C lr function as the core's `LRLambda`. A non-zero return aborts the step
/// with CallbackFailed; a non-finite factor (or none written) with ValueError.
func lambda(_ fn: LRFunctionPointer, _ user: UnsafeMutableRawPointer?) -> LRLambda {
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

/// C lr functions as spec values: `lr_lambda` names them (`"<c0>"`, ...), and the
/// returned resolver maps those names to the functions.
private func lambdas(_ fns: UnsafePointer<LRFunctionPointer?>?, _ userData: UnsafePointer<UnsafeMutableRawPointer?>?,
                     _ nFns: UInt) throws(CFailure) -> (JSONValue, SchedulerSpec.Resolver) {
    let fs = try array(fns, nFns, "fns")
    if fs.isEmpty { throw .value("lr_lambda: n_fns must be at least 1") }
    let users: [UnsafeMutableRawPointer?] = userData == nil
        ? Array(repeating: nil, count: fs.count) : try array(userData, nFns, "user_data")
    var table: [String: LRLambda] = [:]
    var names: [JSONValue] = []
    for (i, f) in fs.enumerated() {
        guard let f else { throw .null("fns[\(i)]") }
        table["<c\(i)>"] = lambda(f, users[i])
        names.append(.string("<c\(i)>"))
    }
    let resolver: SchedulerSpec.Resolver = { (name) throws(LRSchedError) -> LRLambda in
        if let f = table[name] { return f }
        return try SchedulerSpec.standardResolver(name)
    }
    return (names.count == 1 ? names[0] : .array(names), resolver)
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

/// Builds `type` from the arguments `fill` writes, through the core's spec path.
@inline(__always)
private func createSpec(_ opt: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ function: StaticString,
                        _ type: String, lrFunctions: @escaping SchedulerSpec.Resolver = SchedulerSpec.standardResolver,
                        _ fill: (inout JSONObject) throws(CFailure) -> Void) -> Int32 {
    create(opt, out, function) { (o) throws(CFailure) in
        var spec = JSONObject([("type", .string(type))])
        try fill(&spec)
        return try core { () throws(LRSchedError) in
            try SchedulerSpec.build(.object(spec), optimizer: o, lrFunctions: lrFunctions)
        }
    }
}

/// An int64 argument as a spec int.
private func intValue(_ v: Int64, _ name: String) throws(CFailure) -> JSONValue { .int(try int(v, name)) }

/// A per-group C array: 1 value is one for every group, more are one per group;
/// `(NULL, 0)` leaves the key out (torch's default) when `optional`.
private func perGroup(_ spec: inout JSONObject, _ key: String, _ p: UnsafePointer<Double>?, _ n: UInt,
                      optional: Bool = false) throws(CFailure) {
    if optional, p == nil, n == 0 { return }
    let xs = try array(p, n, key)
    spec[key] = xs.count == 1 ? .float(xs[0]) : .floats(xs)
}

/// A C enum constant as torch's string (an unknown constant becomes its number, which
/// the core rejects with torch's message).
private func choice(_ v: Int32, _ names: [String]) -> JSONValue {
    .string(v >= 0 && Int(v) < names.count ? names[Int(v)] : String(v))
}

@_cdecl("lrsched_lambda_lr_create")
public func lrsched_lambda_lr_create(_ opt: OpaquePointer?, _ fns: UnsafePointer<LRFunctionPointer?>?,
                                     _ userData: UnsafePointer<UnsafeMutableRawPointer?>?, _ nFns: UInt,
                                     _ lastEpoch: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    lambdaCreate("LambdaLR", opt, fns, userData, nFns, lastEpoch, out, "lrsched_lambda_lr_create")
}

@_cdecl("lrsched_multiplicative_lr_create")
public func lrsched_multiplicative_lr_create(_ opt: OpaquePointer?, _ fns: UnsafePointer<LRFunctionPointer?>?,
                                             _ userData: UnsafePointer<UnsafeMutableRawPointer?>?, _ nFns: UInt,
                                             _ lastEpoch: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    lambdaCreate("MultiplicativeLR", opt, fns, userData, nFns, lastEpoch, out, "lrsched_multiplicative_lr_create")
}

private func lambdaCreate(_ type: String, _ opt: OpaquePointer?, _ fns: UnsafePointer<LRFunctionPointer?>?,
                          _ userData: UnsafePointer<UnsafeMutableRawPointer?>?, _ nFns: UInt, _ lastEpoch: Int64,
                          _ out: UnsafeMutablePointer<OpaquePointer?>?, _ function: StaticString) -> Int32 {
    let converted: (JSONValue, SchedulerSpec.Resolver)
    do throws(CFailure) {
        converted = try lambdas(fns, userData, nFns)
    } catch {
        return capi { () throws(CFailure) in throw error }
    }
    return createSpec(opt, out, function, type, lrFunctions: converted.1) { (s) throws(CFailure) in
        s["lr_lambda"] = converted.0
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
    }
}

@_cdecl("lrsched_step_lr_create")
public func lrsched_step_lr_create(_ opt: OpaquePointer?, _ stepSize: Int64, _ gamma: Double, _ lastEpoch: Int64,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createSpec(opt, out, "lrsched_step_lr_create", "StepLR") { (s) throws(CFailure) in
        s["step_size"] = try intValue(stepSize, "step_size")
        s["gamma"] = .float(gamma)
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
    }
}

@_cdecl("lrsched_multistep_lr_create")
public func lrsched_multistep_lr_create(_ opt: OpaquePointer?, _ milestones: UnsafePointer<Int64>?, _ nMilestones: UInt,
                                        _ gamma: Double, _ lastEpoch: Int64,
                                        _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createSpec(opt, out, "lrsched_multistep_lr_create", "MultiStepLR") { (s) throws(CFailure) in
        s["milestones"] = .ints(try ints(milestones, nMilestones, "milestones"))
        s["gamma"] = .float(gamma)
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
    }
}

@_cdecl("lrsched_constant_lr_create")
public func lrsched_constant_lr_create(_ opt: OpaquePointer?, _ factor: Double, _ totalIters: Int64, _ lastEpoch: Int64,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createSpec(opt, out, "lrsched_constant_lr_create", "ConstantLR") { (s) throws(CFailure) in
        s["factor"] = .float(factor)
        s["total_iters"] = try intValue(totalIters, "total_iters")
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
    }
}

@_cdecl("lrsched_linear_lr_create")
public func lrsched_linear_lr_create(_ opt: OpaquePointer?, _ startFactor: Double, _ endFactor: Double,
                                     _ totalIters: Int64, _ lastEpoch: Int64,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createSpec(opt, out, "lrsched_linear_lr_create", "LinearLR") { (s) throws(CFailure) in
        s["start_factor"] = .float(startFactor)
        s["end_factor"] = .float(endFactor)
        s["total_iters"] = try intValue(totalIters, "total_iters")
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
    }
}

@_cdecl("lrsched_exponential_lr_create")
public func lrsched_exponential_lr_create(_ opt: OpaquePointer?, _ gamma: Double, _ lastEpoch: Int64,
                                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createSpec(opt, out, "lrsched_exponential_lr_create", "ExponentialLR") { (s) throws(CFailure) in
        s["gamma"] = .float(gamma)
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
    }
}

@_cdecl("lrsched_polynomial_lr_create")
public func lrsched_polynomial_lr_create(_ opt: OpaquePointer?, _ totalIters: Int64, _ power: Double, _ lastEpoch: Int64,
                                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createSpec(opt, out, "lrsched_polynomial_lr_create", "PolynomialLR") { (s) throws(CFailure) in
        s["total_iters"] = try intValue(totalIters, "total_iters")
        s["power"] = .float(power)
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
    }
}

@_cdecl("lrsched_cosine_annealing_lr_create")
public func lrsched_cosine_annealing_lr_create(_ opt: OpaquePointer?, _ tMax: Int64, _ etaMin: Double, _ lastEpoch: Int64,
                                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createSpec(opt, out, "lrsched_cosine_annealing_lr_create", "CosineAnnealingLR") { (s) throws(CFailure) in
        s["T_max"] = try intValue(tMax, "T_max")
        s["eta_min"] = .float(etaMin)
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
    }
}

@_cdecl("lrsched_cosine_annealing_warm_restarts_create")
public func lrsched_cosine_annealing_warm_restarts_create(_ opt: OpaquePointer?, _ t0: Int64, _ tMult: Int64,
                                                          _ etaMin: Double, _ lastEpoch: Int64,
                                                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createSpec(opt, out, "lrsched_cosine_annealing_warm_restarts_create", "CosineAnnealingWarmRestarts") {
        (s) throws(CFailure) in
        s["T_0"] = try intValue(t0, "T_0")
        s["T_mult"] = try intValue(tMult, "T_mult")
        s["eta_min"] = .float(etaMin)
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
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
    createSpec(opt, out, "lrsched_reduce_lr_on_plateau_create", "ReduceLROnPlateau") { (s) throws(CFailure) in
        s["mode"] = choice(mode, ["min", "max"])
        s["factor"] = .float(factor)
        s["patience"] = try intValue(patience, "patience")
        s["threshold"] = .float(threshold)
        s["threshold_mode"] = choice(thresholdMode, ["rel", "abs"])
        s["cooldown"] = try intValue(cooldown, "cooldown")
        s["min_lr"] = minLRs == nil ? .float(minLR) : .floats(try array(minLRs, nMinLRs, "min_lrs"))
        s["eps"] = .float(eps)
    }
}

@_cdecl("lrsched_cyclic_lr_create")
public func lrsched_cyclic_lr_create(_ opt: OpaquePointer?, _ baseLR: UnsafePointer<Double>?, _ nBaseLR: UInt,
                                     _ maxLR: UnsafePointer<Double>?, _ nMaxLR: UInt, _ stepSizeUp: Double,
                                     _ stepSizeDown: UnsafePointer<Double>?, _ mode: Int32, _ gamma: Double,
                                     _ scaleMode: Int32, _ cycleMomentum: Int32,
                                     _ baseMomentum: UnsafePointer<Double>?, _ nBaseMomentum: UInt,
                                     _ maxMomentum: UnsafePointer<Double>?, _ nMaxMomentum: UInt, _ lastEpoch: Int64,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    createSpec(opt, out, "lrsched_cyclic_lr_create", "CyclicLR") { (s) throws(CFailure) in
        try perGroup(&s, "base_lr", baseLR, nBaseLR)
        try perGroup(&s, "max_lr", maxLR, nMaxLR)
        s["step_size_up"] = .float(stepSizeUp)
        s["step_size_down"] = stepSizeDown.map { .float($0.pointee) } ?? .null
        s["mode"] = choice(mode, ["triangular", "triangular2", "exp_range"])
        s["gamma"] = .float(gamma)
        guard scaleMode == 0 || scaleMode == 1 else {
            throw .value("scale_mode must be LRSCHED_SCALE_CYCLE or LRSCHED_SCALE_ITERATIONS, got \(scaleMode)")
        }
        s["scale_mode"] = choice(scaleMode, ["cycle", "iterations"])
        s["cycle_momentum"] = .bool(cycleMomentum != 0)
        try perGroup(&s, "base_momentum", baseMomentum, nBaseMomentum, optional: true)
        try perGroup(&s, "max_momentum", maxMomentum, nMaxMomentum, optional: true)
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
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
    createSpec(opt, out, "lrsched_one_cycle_lr_create", "OneCycleLR") { (s) throws(CFailure) in
        try perGroup(&s, "max_lr", maxLR, nMaxLR)
        for (key, v) in [("total_steps", totalSteps), ("epochs", epochs), ("steps_per_epoch", stepsPerEpoch)] {
            s[key] = v == unset ? .null : try intValue(v, key)
        }
        s["pct_start"] = .float(pctStart)
        s["anneal_strategy"] = choice(annealStrategy, ["cos", "linear"])
        s["cycle_momentum"] = .bool(cycleMomentum != 0)
        try perGroup(&s, "base_momentum", baseMomentum, nBaseMomentum, optional: true)
        try perGroup(&s, "max_momentum", maxMomentum, nMaxMomentum, optional: true)
        s["div_factor"] = .float(divFactor)
        s["final_div_factor"] = .float(finalDivFactor)
        s["three_phase"] = .bool(threePhase != 0)
        s["last_epoch"] = try intValue(lastEpoch, "last_epoch")
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
    releaseHandle(sched, as: SchedulerHandle.self)
}
