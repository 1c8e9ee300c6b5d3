import LRSchedSupport
import LRSchedJSON

/// timm's `WSDLRScheduler(optimizer, t_initial, decay_t, lr_min=0., stable_fn='constant',
/// stable_timescale=None, stable_power=0.5, decay_fn='1-sqrt', decay_power=0.5,
/// decay_ratio=0.1, warmup_t=0, warmup_lr_init=0., t_in_epochs=True, noise_range_t=None,
/// noise_pct=0.67, noise_std=1.0, noise_seed=42, initialize=True)`: warmup, a stable
/// phase, and a decay to `lr_min` over the last `decay_t` of `t_initial`.
///
/// After warmup, with `t_s = t - warmup_t`: `stable = max(base * stable_fn(t_s), lr_min)`
/// (`constant` 1; `rsqrt`/`power` `(1. + t_s / stable_timescale) ** -power`), then in the
/// decay phase `lr_min + (stable - lr_min) * decay_fn(min(t_decay / decay_t, 1.))`.
/// `decay_fn` names one of timm's five, or is the caller's function (`decayCallback`:
/// a Python callable, a C `lrsched_real_fn`), called with the progress as timm calls it;
/// what it throws aborts the step, which changes nothing.
public final class WSDLRScheduler: TimmScheduler {
    public enum StableFunction: String, Sendable, CaseIterable { case constant, rsqrt, power }
    public enum DecayFunction: String, Sendable, CaseIterable {
        case linear, oneMinusSqrt = "1-sqrt", cosine, power, exp
    }

    @exclusivity(unchecked) public package(set) var tInitial = 1
    @exclusivity(unchecked) public package(set) var decayT = 1
    @exclusivity(unchecked) public package(set) var lrMin = 0.0
    @exclusivity(unchecked) public package(set) var stableFn: StableFunction = .constant
    @exclusivity(unchecked) public package(set) var stableTimescale: PyNumber? = nil
    @exclusivity(unchecked) public package(set) var stablePower = 0.5
    @exclusivity(unchecked) public package(set) var decayFn: DecayFunction = .oneMinusSqrt
    /// The caller's `decay_fn(frac)`, used instead of `decayFn` when set; saved as
    /// `null` (`"decay_fn"` in the state), which loads only into a scheduler that has one.
    @exclusivity(unchecked) public package(set) var decayCallback: RealFunction? = nil
    @exclusivity(unchecked) public package(set) var decayPower = 0.5
    @exclusivity(unchecked) public package(set) var decayRatio = 0.1
    override public class var descriptor: SchedulerDescriptor { wsdLRScheduler }

    /// The hyperparameters besides the base class's, with timm's defaults.
    public struct Options: @unchecked Sendable {
        public var lrMin = 0.0, stableFn: StableFunction = .constant, stableTimescale: PyNumber? = nil
        public var stablePower = 0.5, decayFn: DecayFunction = .oneMinusSqrt, decayPower = 0.5, decayRatio = 0.1
        /// A callable `decay_fn` (replaces `decayFn`).
        public var decayCallback: RealFunction? = nil
        public init() {}
    }

    /// - Throws: timm's ValueErrors, in its order and with its messages: `t_initial`,
    ///   `decay_t`, `lr_min`, `decay_ratio`, `decay_power`, `stable_power`, the stable
    ///   timescale (`stable_fn` and `decay_fn` strings: `parseStable`, `parseDecay`).
    public init(_ optimizer: OptimizerState, tInitial: Int, decayT: Int, _ w: Options = Options(),
                _ options: TimmOptions = TimmOptions()) throws(LRSchedError) {
        try super.init(optimizer, options)
        try Self.checkLengths(tInitial, decayT, w.lrMin)
        try Self.checkShapes(w)
        var timescale = w.stableTimescale
        if w.stableFn != .constant {
            let ts = timescale ?? .int(options.warmupT)
            timescale = ts
            if !(ts.double > 0) {
                throw .value("stable_fn=\(w.stableFn.rawValue) requires a positive stable_timescale, it defaults to warmup_t (\(options.warmupT)), set it explicitly when there is no warmup.")
            }
        }
        (self.tInitial, self.decayT, lrMin, stableFn, stableTimescale) = (tInitial, decayT, w.lrMin, w.stableFn, timescale)
        (stablePower, decayFn, decayPower, decayRatio) = (w.stablePower, w.decayFn, w.decayPower, w.decayRatio)
        decayCallback = w.decayCallback
        try start(warmupFrom: baseLRs)
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        super.init(copying: other, optimizer: optimizer)
        decayCallback = (other as? WSDLRScheduler)?.decayCallback
    }

    /// timm's `get_cycle_length(cycles=0)`: `warmup_t + t_initial` (`cycles` is ignored).
    override public func cycleLength(cycles: Int = 0) throws(LRSchedError) -> Int {
        try Py.add(warmupT, tInitial)
    }

    private static func checkLengths(_ tInitial: Int, _ decayT: Int, _ lrMin: Double) throws(LRSchedError) {
        if tInitial <= 0 { throw .value("Invalid t_initial (\(tInitial)), must be > 0.") }
        if !(0 < decayT && decayT <= tInitial) {
            throw .value("Invalid decay_t (\(decayT)), must be in (0, t_initial] w/ t_initial=\(tInitial).")
        }
        if lrMin < 0 { throw .value("Invalid lr_min (\(pyRepr(lrMin))), must be >= 0.") }
    }

    private static func checkShapes(_ w: Options) throws(LRSchedError) {
        if !(0.0 < w.decayRatio && w.decayRatio < 1.0) {
            throw .value("Invalid decay_ratio (\(pyRepr(w.decayRatio))), must be in (0, 1).")
        }
        if w.decayPower <= 0 { throw .value("Invalid decay_power (\(pyRepr(w.decayPower))), must be > 0.") }
        if w.stablePower <= 0 { throw .value("Invalid stable_power (\(pyRepr(w.stablePower))), must be > 0.") }
    }

    /// timm's `stable_fn` check.
    public static func parseStable(_ s: String) throws(LRSchedError) -> StableFunction {
        guard let f = StableFunction(rawValue: s) else {
            throw .value("Invalid stable_fn (\(s)), must be one of ('constant', 'rsqrt', 'power').")
        }
        return f
    }

    /// timm's `decay_fn` check.
    public static func parseDecay(_ s: String) throws(LRSchedError) -> DecayFunction {
        guard let f = DecayFunction(rawValue: s) else {
            throw .value("Invalid decay_fn (\(s)), must be one of ('linear', '1-sqrt', 'cosine', 'power', 'exp') or a callable.")
        }
        return f
    }

    /// timm's `_stable(t_s)`.
    private func stable(_ ts: Int) throws(LRSchedError) -> Double {
        guard stableFn != .constant, let scale = stableTimescale else { return 1.0 }
        let power = stableFn == .rsqrt ? 0.5 : stablePower
        return try Py.floatPow(1.0 + (try Py.div(Double(ts), scale.double)), -power)
    }

    /// timm's `_decay(frac)`: the callable when there is one.
    private func decay(_ frac: Double) throws(LRSchedError) -> Double {
        if let f = decayCallback { return try callDecay(f, frac) }
        switch decayFn {
        case .linear: return 1.0 - frac
        case .oneMinusSqrt: return 1.0 - TimmMath.sqrt(frac)
        case .cosine: return 0.5 * (1.0 + Py.cos(Double.pi * frac))
        case .power: return 1.0 - (try Py.floatPow(frac, decayPower))
        case .exp:
            let r = decayRatio
            return try Py.div(try Py.floatPow(r, frac) - r, 1.0 - r)
        }
    }

    /// Loads the state's `decay_fn`: a name (the callable, if any, is dropped, as timm's
    /// `__dict__.update` does), or `null` for a callable, which the scheduler must have.
    package func loadDecayFn(_ v: JSONValue) throws(LRSchedError) {
        if v.isNull {
            guard decayCallback != nil else {
                throw .value("\(typeName) state: 'decay_fn' was a callable (saved as None): load it into a scheduler built with a callable decay_fn")
            }
            return
        }
        decayFn = try WSDLRScheduler.parseDecay(try StateValue.string(v, "decay_fn", typeName))
        decayCallback = nil
    }

    /// The callable's factor: its LRSchedError as itself, anything else CallbackFailed;
    /// a non-finite factor is a ValueError (the lr written must be finite).
    private func callDecay(_ f: RealFunction, _ frac: Double) throws(LRSchedError) -> Double {
        let v: Double
        do { v = try f(frac) } catch let e as LRSchedError { throw e } catch {
            throw LRSchedError(.callbackFailed, "decay_fn failed at progress \(pyRepr(frac)): \(error)")
        }
        return v
    }

    /// timm's `_get_lr(t)`.
    override package func values(at t: Int) throws(LRSchedError) -> [Double] {
        if t < warmupT { return warmupValues(at: t) }
        let ts = try Py.sub(t, warmupT)
        let s = try stable(ts)
        let stableLRs = baseLRs.map { TimmMath.max($0 * s, lrMin) }
        let tDecay = try Py.sub(ts, try Py.sub(tInitial, decayT))
        if tDecay <= 0 { return stableLRs }
        let d = try decay(TimmMath.min(try Py.div(Double(tDecay), Double(decayT)), 1.0))
        return stableLRs.map { lrMin + ($0 - lrMin) * d }
    }
}

private let wsdLRScheduler = SchedulerDescriptor(
    "timm.WSDLRScheduler", library: "timm", summary: "warmup, a stable phase, then a decay to lr_min over the last decay_t",
    parameters: [
        .init("t_initial", .int, doc: "> 0: the stable + decay length; else `ValueError: Invalid t_initial (0), must be > 0.`"),
        .init("decay_t", .int, doc: "in (0, t_initial]: else `ValueError: Invalid decay_t (20), must be in (0, t_initial] w/ t_initial=10.`"),
        .init("lr_min", .float, default: .float(0), doc: "≥ 0: else `ValueError`"),
        .init("stable_fn", .string(choices: WSDLRScheduler.StableFunction.allCases.map(\.rawValue)), default: .string("constant"),
              doc: "`constant`, `rsqrt` or `power`: else `ValueError: Invalid stable_fn (cosine), must be one of ('constant', 'rsqrt', 'power').`"),
        .init("stable_timescale", .nullable(.float), default: .null,
              doc: "> 0 for `rsqrt`/`power` (None: `warmup_t`): else `ValueError`"),
        .init("stable_power", .float, default: .float(0.5), doc: "> 0: the `power` stable function's exponent"),
        .init("decay_fn", .realFunction(choices: WSDLRScheduler.DecayFunction.allCases.map(\.rawValue)), default: .string("1-sqrt"),
              doc: "`linear`, `1-sqrt`, `cosine`, `power` or `exp`, or (Python, C) a function of the progress: else `ValueError: Invalid decay_fn (step), ...`"),
        .init("decay_power", .float, default: .float(0.5), doc: "> 0: the `power` decay's exponent"),
        .init("decay_ratio", .float, default: .float(0.1), doc: "in (0, 1): the `exp` decay's final fraction; else `ValueError`"),
    ] + ParameterDescriptor.timmWarmup(prefix: nil)
        + [ParameterDescriptor.timmTInEpochs] + ParameterDescriptor.timmNoise(seed: .int(42))
        + [ParameterDescriptor.timmInitialize],
    flags: .cycles,
    state: StateField.timmBase + [
        .int("t_initial", \WSDLRScheduler.tInitial), .int("decay_t", \WSDLRScheduler.decayT),
        .finite("lr_min", \WSDLRScheduler.lrMin),
        .choice("stable_fn", \WSDLRScheduler.stableFn, parse: WSDLRScheduler.parseStable),
        .stored("stable_timescale", \WSDLRScheduler.stableTimescale, type: "float | None",
                encode: { $0?.json ?? .null }, decode: { (v, o) throws(LRSchedError) in
                    v.isNull ? nil : try PyNumber.read(v, key: "stable_timescale", owner: o)
                }),
        .finite("stable_power", \WSDLRScheduler.stablePower),
        StateField("decay_fn", type: "str | Callable[[float], float]", save: { s in
            guard let w = s as? WSDLRScheduler else { return .null }
            return w.decayCallback == nil ? .string(w.decayFn.rawValue) : .null
        }, load: { (v, s) throws(LRSchedError) in
            try (s as? WSDLRScheduler)?.loadDecayFn(v)
        }, assign: { from, to in
            guard let f = from as? WSDLRScheduler, let t = to as? WSDLRScheduler else { return }
            (t.decayFn, t.decayCallback) = (f.decayFn, f.decayCallback)
        }),
        .finite("decay_power", \WSDLRScheduler.decayPower), .finite("decay_ratio", \WSDLRScheduler.decayRatio),
        StateField.timmWarmupT, StateField.timmWarmupLRInit, StateField.timmWarmupSteps,
    ],
    build: { (a, c) throws(LRSchedError) in
        // timm's order: the lengths and lr_min, then the function names, then the rest.
        let (tInitial, decayT) = (try a.int("t_initial"), try a.int("decay_t"))
        var w = WSDLRScheduler.Options()
        w.lrMin = try a.double("lr_min")
        if tInitial > 0, 0 < decayT, decayT <= tInitial, !(w.lrMin < 0) {
            w.stableFn = try WSDLRScheduler.parseStable(a.string("stable_fn"))
            let name = try a.string("decay_fn")
            if let f = c.realFunctions(name) { w.decayCallback = f } else { w.decayFn = try WSDLRScheduler.parseDecay(name) }
        }
        w.stableTimescale = try a.optional("stable_timescale").map { (v) throws(LRSchedError) in
            try PyNumber.read(v, key: "stable_timescale", owner: a.owner)
        }
        w.stablePower = try a.double("stable_power")
        w.decayPower = try a.double("decay_power")
        w.decayRatio = try a.double("decay_ratio")
        return try WSDLRScheduler(c.optimizer, tInitial: tInitial, decayT: decayT, w, TimmOptions.read(a, warmupPrefix: false))
    })
