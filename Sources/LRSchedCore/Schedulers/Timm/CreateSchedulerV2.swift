import LRSchedSupport
import LRSchedJSON

/// timm's `create_scheduler_v2(optimizer, sched='cosine', num_epochs=300, ...)`: the
/// factory's arguments mapped to a scheduler class as timm's `scheduler_factory.py` maps
/// them (lengths in updates when `step_on_epochs` is false, `noise` as fractions of
/// `t_initial`, wsd/rsqrt fitting within `num_epochs`). The spec type builds the
/// scheduler it returns; timm's second result, the total epoch count, is the
/// scheduler's `factoryNumEpochs` (`lrsched_scheduler_num_epochs` in C).
///
/// Differences: `sched='none'` (timm returns None) is a ValueError, as a spec always
/// builds a scheduler (Python's `create_scheduler_v2` returns `(None, num_epochs)`, the
/// epoch count of `'constant'`).
public enum CreateSchedulerV2 {
    /// The factory's descriptor (`timm.create_scheduler_v2`).
    public static var descriptor: SchedulerDescriptor { createSchedulerV2 }

    /// The factory's arguments after its common preamble, in the scheduler's units.
    struct Lengths {
        var tInitial: Int, warmupT: Int, decayT: PyNumber, milestones: [Int], timescale: PyNumber?
        var cooldownT: Int
    }

    /// `t_initial`, `warmup_t`, `decay_t`, milestones and timescale, times
    /// `updates_per_epoch` when stepping per update.
    /// - Throws: ValueError for `step_on_epochs=False` without `updates_per_epoch > 0`
    ///   (timm's assert).
    static func lengths(_ a: SpecArguments, sched: String, decayEpochs: PyNumber) throws(LRSchedError) -> Lengths {
        var l = Lengths(tInitial: try a.int("num_epochs"), warmupT: try a.int("warmup_epochs"), decayT: decayEpochs,
                        milestones: try a.ints("decay_milestones"),
                        timescale: try a.optional("stable_timescale").map { (v) throws(LRSchedError) in
                            try PyNumber.read(v, key: "stable_timescale", owner: a.owner)
                        }, cooldownT: try a.int("cooldown_epochs"))
        guard !(try a.bool("step_on_epochs")) else { return l }
        let upe = try a.int("updates_per_epoch")
        if upe <= 0 { throw .value("updates_per_epoch must be set to number of dataloader batches") }
        l.tInitial = try Py.mul(l.tInitial, upe)
        l.warmupT = try Py.mul(l.warmupT, upe)
        l.decayT = try l.decayT.times(upe)
        var ms: [Int] = []
        for m in l.milestones { ms.append(try Py.mul(m, upe)) }
        l.milestones = ms
        l.timescale = try l.timescale?.times(upe)
        l.cooldownT = try Py.mul(l.cooldownT, upe)
        return l
    }

    /// The common options: warmup, noise (`noise` fractions times `t_initial`), stepping.
    static func options(_ a: SpecArguments, _ l: Lengths) throws(LRSchedError) -> TimmOptions {
        var o = TimmOptions()
        (o.warmupT, o.warmupLRInit, o.warmupPrefix) = (l.warmupT, try a.double("warmup_lr"), try a.bool("warmup_prefix"))
        o.tInEpochs = try a.bool("step_on_epochs")
        (o.noisePct, o.noiseStd, o.noiseSeed) = (try a.double("noise_pct"), try a.double("noise_std"), try a.int("noise_seed"))
        guard let noise = try a.optional("noise") else { return o }
        if case .array(let items) = noise {
            var range: [PyNumber] = []
            for n in items { range.append(try PyNumber.read(n, key: "noise", owner: a.owner).times(l.tInitial)) }
            switch range.count {
            case 1: o.noiseRange = .from(range[0])
            case 2: o.noiseRange = .between(range[0], range[1])
            default: throw .value("\(a.owner): noise must be a number or a list of one or two numbers")
            }
        } else {
            o.noiseRange = .from(try PyNumber.read(noise, key: "noise", owner: a.owner).times(l.tInitial))
        }
        return o
    }

    /// Builds the scheduler the factory returns, with the epoch count it returns
    /// (`factoryNumEpochs`).
    static func build(_ a: SpecArguments, _ c: SpecContext) throws(LRSchedError) -> LRScheduler {
        let sched = try a.string("sched")
        let decayEpochs = try a.optional("decay_epochs").map { (v) throws(LRSchedError) in
            try PyNumber.read(v, key: "decay_epochs", owner: a.owner)
        } ?? ((sched == "wsd" || sched == "rsqrt") ? .float(0.2) : .int(90))
        let l = try lengths(a, sched: sched, decayEpochs: decayEpochs)
        let s = try scheduler(a, c, sched, decayEpochs, l)
        if let t = s as? TimmScheduler { t.factoryNumEpochs = try numEpochs(a, t, l) }
        return s
    }

    /// timm's returned epoch count: for the schedulers with `get_cycle_length` (cosine,
    /// tanh, poly, wsd/rsqrt) `get_cycle_length() + cooldown_t` (per update: `//
    /// updates_per_epoch`); else `num_epochs`, plus `warmup_epochs` with `warmup_prefix`.
    static func numEpochs(_ a: SpecArguments, _ s: TimmScheduler, _ l: Lengths) throws(LRSchedError) -> Int {
        if s.descriptor.flags.contains(.cycles) {
            let t = try Py.add(try s.cycleLength(), l.cooldownT)
            return try a.bool("step_on_epochs") ? t : try Py.floorDiv(t, try a.int("updates_per_epoch"))
        }
        let n = try a.int("num_epochs")
        return try a.bool("warmup_prefix") ? try Py.add(n, try a.int("warmup_epochs")) : n
    }

    /// The scheduler `sched` names.
    private static func scheduler(_ a: SpecArguments, _ c: SpecContext, _ sched: String, _ decayEpochs: PyNumber,
                                  _ l: Lengths) throws(LRSchedError) -> LRScheduler {
        var o = try options(a, l)
        let minLR = try a.double("min_lr")
        let (cm, cd, cl) = (try a.double("cycle_mul"), try a.double("cycle_decay"), try a.int("cycle_limit"))
        switch sched {
        case "cosine":
            return try CosineLRScheduler(c.optimizer, tInitial: l.tInitial, lrMin: minLR, cycleMul: cm, cycleDecay: cd,
                                         cycleLimit: cl, kDecay: a.double("k_decay"), o)
        case "tanh":
            return try TanhLRScheduler(c.optimizer, tInitial: l.tInitial, lrMin: minLR, cycleMul: cm, cycleDecay: cd,
                                       cycleLimit: cl, o)
        case "step":
            return try StepLRScheduler(c.optimizer, decayT: l.decayT, decayRate: a.double("decay_rate"), o)
        case "constant":
            return try StepLRScheduler(c.optimizer, decayT: .int(1), decayRate: 1.0, o)
        case "multistep":
            return try MultiStepLRScheduler(c.optimizer, decayT: l.milestones, decayRate: a.double("decay_rate"), o)
        case "plateau":
            return try plateau(a, c, o)
        case "poly":
            return try PolyLRScheduler(c.optimizer, tInitial: l.tInitial, power: a.double("decay_rate"), lrMin: minLR,
                                       cycleMul: cm, cycleDecay: cd, cycleLimit: cl, kDecay: a.double("k_decay"), o)
        case "wsd", "rsqrt":
            o.warmupPrefix = false
            return try wsd(a, c, sched, decayEpochs, l, o)
        case "none":
            throw .value("create_scheduler_v2(sched='none') returns None in timm: lrsched has no scheduler to build")
        default:
            throw .value("Unknown scheduler '\(sched)'.")
        }
    }

    /// `sched='plateau'`: per epoch only (timm's assert), no cooldown.
    private static func plateau(_ a: SpecArguments, _ c: SpecContext, _ o: TimmOptions) throws(LRSchedError) -> LRScheduler {
        guard o.tInEpochs else { throw .value("Plateau LR only supports step per epoch.") }
        var p = PlateauLRScheduler.Options()
        p.decayRate = try a.double("decay_rate")
        try ReduceLROnPlateau.checkFactor(p.decayRate)
        p.mode = try ReduceLROnPlateau.parseMode(a.string("plateau_mode"))
        (p.patienceT, p.cooldownT, p.lrMin) = (try a.int("patience_epochs"), 0, try a.double("min_lr"))
        var po = o
        po.warmupPrefix = false
        return try PlateauLRScheduler(c.optimizer, p, po)
    }

    /// `sched='wsd'` / `'rsqrt'`: the stable + decay phases fit within `num_epochs`
    /// unless `warmup_prefix`; a fractional `decay_epochs` is a share of them; `decay_t`
    /// is rounded half to even (Python's `round`).
    private static func wsd(_ a: SpecArguments, _ c: SpecContext, _ sched: String, _ decayEpochs: PyNumber,
                            _ l: Lengths, _ o: TimmOptions) throws(LRSchedError) -> LRScheduler {
        let prefix = try a.bool("warmup_prefix")
        let tSched = prefix ? l.tInitial : try Py.sub(l.tInitial, l.warmupT)
        var decay = l.decayT
        if 0 < decayEpochs.double, decayEpochs.double < 1 { decay = .float(decayEpochs.double * Double(tSched)) }
        let rounded = decay.double.rounded(.toNearestOrEven)
        guard rounded.isFinite, abs(rounded) < 9.0e18 else { throw .value("cannot convert float \(pyRepr(rounded)) to integer") }
        let decayT = Int(rounded)
        if !(0 < decayT && decayT <= tSched) {
            throw .value("\(sched) schedule requires 0 < decay_epochs <= epochs\(prefix ? "" : " - warmup_epochs"), got decay \(decayT) and stable + decay length \(tSched).")
        }
        var w = WSDLRScheduler.Options()
        w.lrMin = try a.double("min_lr")
        w.stableFn = sched == "rsqrt" ? .rsqrt : .constant
        w.stableTimescale = l.timescale
        let fn = try a.optional("decay_fn").map { (v) throws(LRSchedError) in try SpecArguments.string(v, key: "decay_fn", owner: a.owner) }
        if let fn, let f = c.realFunctions(fn) {
            w.decayCallback = f  // timm passes a callable decay_fn through to WSDLRScheduler
        } else {
            w.decayFn = try WSDLRScheduler.parseDecay((fn?.isEmpty ?? true) ? (sched == "rsqrt" ? "linear" : "1-sqrt") : fn ?? "")
        }
        return try WSDLRScheduler(c.optimizer, tInitial: tSched, decayT: decayT, w, o)
    }
}

private let createSchedulerV2 = SchedulerDescriptor(
    "timm.create_scheduler_v2", library: "timm",
    summary: "timm's scheduler factory: builds the scheduler named by sched from epoch-based arguments",
    parameters: [
        .init("sched", .string(choices: ["cosine", "tanh", "step", "multistep", "poly", "wsd", "rsqrt", "constant", "plateau", "none"]),
              default: .string("cosine"), doc: "the scheduler: else `ValueError: Unknown scheduler 'exponential'.`; `none` is a `ValueError` in a spec (timm returns None; Python's `create_scheduler_v2` returns `(None, num_epochs)`)"),
        .init("num_epochs", .int, default: .int(300), doc: "`t_initial` (times `updates_per_epoch` per update)"),
        .init("decay_epochs", .nullable(.float), default: .null, doc: "step interval, or wsd/rsqrt decay length (in (0, 1): a fraction); None: 90, or 0.2 for wsd/rsqrt"),
        .init("decay_milestones", .list(.int), default: .array([.int(90), .int(180), .int(270)]), doc: "multistep milestones"),
        .init("cooldown_epochs", .int, default: .int(0), doc: "only adds to timm's returned epoch count (Python's second result): no effect on the schedule"),
        .init("patience_epochs", .int, default: .int(10), doc: "plateau patience"),
        .init("decay_rate", .float, default: .float(0.1), doc: "step/multistep/plateau decay; poly's power"),
        .init("min_lr", .float, default: .float(0), doc: "the schedules' `lr_min`"),
        .init("warmup_lr", .float, default: .float(1e-5), doc: "`warmup_lr_init`"),
        .init("warmup_epochs", .int, default: .int(0), doc: "`warmup_t`"),
        .init("warmup_prefix", .bool, default: .bool(false), doc: "`warmup_prefix`; wsd/rsqrt: false fits the warmup within `num_epochs`, true adds it"),
        .init("noise", .number, default: .null, docType: "number, [number] or [number, number], or `null`",
              schema: ParameterDescriptor.numberOrPairSchema, doc: "noise range as fractions of `t_initial` (a number, or a list of one or two)"),
        .init("noise_pct", .float, default: .float(0.67), doc: "as the classes'"),
        .init("noise_std", .float, default: .float(1.0), doc: "as the classes'"),
        .init("noise_seed", .int, default: .int(42), doc: "as the classes'"),
        .init("cycle_mul", .float, default: .float(1), doc: "cosine/tanh/poly"),
        .init("cycle_decay", .float, default: .float(0.1), doc: "cosine/tanh/poly"),
        .init("cycle_limit", .int, default: .int(1), doc: "cosine/tanh/poly"),
        .init("k_decay", .float, default: .float(1), doc: "cosine/poly"),
        .init("decay_fn", .nullable(.realFunction(choices: WSDLRScheduler.DecayFunction.allCases.map(\.rawValue))), default: .null,
              doc: "wsd/rsqrt decay, a name or (Python, C) a function of the progress (None: `1-sqrt` for wsd, `linear` for rsqrt)"),
        .init("stable_timescale", .nullable(.float), default: .null, doc: "rsqrt timescale in epochs (None: `warmup_epochs`)"),
        .init("plateau_mode", .string(choices: ["min", "max"]), default: .string("max"), doc: "plateau's `mode`"),
        .init("step_on_epochs", .bool, default: .bool(true), doc: "false: per update (`t_in_epochs=False`), lengths times `updates_per_epoch`"),
        .init("updates_per_epoch", .int, default: .int(0), doc: "> 0 when `step_on_epochs` is false: else `ValueError` (timm's assert)"),
    ],
    state: [],
    build: { (a, c) throws(LRSchedError) in try CreateSchedulerV2.build(a, c) })
