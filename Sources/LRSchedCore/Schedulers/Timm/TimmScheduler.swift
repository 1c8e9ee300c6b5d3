import LRSchedSupport
import LRSchedJSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's functions under names `TimmMath`'s members do not shadow.
@inline(__always) private func _libmTanh(_ x: Double) -> Double { tanh(x) }
@inline(__always) private func _libmSqrt(_ x: Double) -> Double { sqrt(x) }
@inline(__always) private func _libmLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func _libmFmod(_ x: Double, _ y: Double) -> Double { fmod(x, y) }
@inline(__always) private func _libmFloor(_ x: Double) -> Double { floor(x) }
@inline(__always) private func _libmCopysign(_ x: Double, _ y: Double) -> Double { copysign(x, y) }

/// A Python number as timm received it: an int stays an int (Python's `//` and `**`
/// of ints, and the state it saves), a float a float.
public enum PyNumber: Sendable, Equatable {
    case int(Int)
    case float(Double)

    /// The value as a double (Python's `float(x)`).
    public var double: Double {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        }
    }

    /// The value as JSON, keeping its kind.
    public var json: JSONValue {
        switch self {
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        }
    }

    /// Reads a JSON number. - Throws: TypeError naming `key` for anything else.
    package static func read(_ v: JSONValue, key: String, owner: String) throws(LRSchedError) -> PyNumber {
        switch v {
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        default: throw .type("\(owner): '\(key)' must be a number, got \(v.typeName) \(SpecArguments.describe(v))")
        }
    }

    /// Python's `self * n` with an int `n` (an int stays an int; overflow is a ValueError).
    package func times(_ n: Int) throws(LRSchedError) -> PyNumber {
        switch self {
        case .int(let i): return .int(try Py.mul(i, n))
        case .float(let d): return .float(d * Double(n))
        }
    }
}

/// timm's `noise_range_t`: None, an int (or float) `n` (noise where `t >= n`), or a
/// pair `[a, b]` (noise where `a <= t < b`).
public enum TimmNoiseRange: Sendable, Equatable {
    case none
    case from(PyNumber)
    case between(PyNumber, PyNumber)

    /// timm's `_is_apply_noise(t)`.
    public func contains(_ t: Int) -> Bool {
        switch self {
        case .none: return false
        case .from(let n): return Self.lessOrEqual(n, t)
        case .between(let a, let b): return Self.lessOrEqual(a, t) && !Self.lessOrEqual(b, t)
        }
    }

    /// Python's `n <= t` for an int `t`, exact for either kind of `n`.
    private static func lessOrEqual(_ n: PyNumber, _ t: Int) -> Bool {
        switch n {
        case .int(let i): return i <= t
        case .float(let d): return d <= Double(t)
        }
    }

    /// The value as timm keeps it (`null`, a number, or a list of two).
    public var json: JSONValue {
        switch self {
        case .none: return .null
        case .from(let n): return n.json
        case .between(let a, let b): return .array([a.json, b.json])
        }
    }

    /// Reads JSON null, a number or a list of two numbers.
    /// - Throws: ValueError naming `noise_range_t` for anything else (timm would fail at
    ///   its first noisy step, or ignore extra entries).
    package static func read(_ v: JSONValue, owner: String) throws(LRSchedError) -> TimmNoiseRange {
        switch v {
        case .null: return .none
        case .int, .float: return .from(try PyNumber.read(v, key: "noise_range_t", owner: owner))
        case .array(let items) where items.count == 2:
            return .between(try PyNumber.read(items[0], key: "noise_range_t", owner: owner),
                            try PyNumber.read(items[1], key: "noise_range_t", owner: owner))
        default:
            throw .value("\(owner): noise_range_t must be None, a number or a list of two numbers, got \(SpecArguments.describe(v))")
        }
    }
}

/// The arguments every timm scheduler takes from timm's `Scheduler` base (and warmup,
/// which each subclass declares), with timm's defaults.
public struct TimmOptions: Sendable {
    public var warmupT = 0
    public var warmupLRInit = 0.0
    public var warmupPrefix = false
    public var tInEpochs = true
    public var noiseRange: TimmNoiseRange = .none
    public var noisePct = 0.67
    public var noiseStd = 1.0
    public var noiseSeed = 42
    public var noiseType = "normal"
    public var initialize = true
    public init() {}
}

/// timm's `Scheduler` base: explicit stepping (`step(epoch:metric:)`,
/// `stepUpdate(_:metric:)` at the count the training loop passes), linear warmup from
/// `warmup_lr_init`, noise, and `update_groups` with the groups' `lr_scale`
/// (`ParamGroup.lrScale`, read at each write as timm reads `param_group['lr_scale']`).
///
/// A subclass checks its own arguments after `init(_:_:)` (timm's asserts become
/// ValueErrors naming the argument), stores them, then calls `start(warmupFrom:)`, which
/// writes the construction-time lrs. It overrides `values(at:)` (timm's `_get_lr(t)`).
/// A step that would write a non-finite lr fails with ValueError and changes nothing.
public class TimmScheduler: LRScheduler {
    @exclusivity(unchecked) public package(set) var metric: Double? = nil
    @exclusivity(unchecked) public package(set) var tInEpochs = true
    @exclusivity(unchecked) public package(set) var noiseRange: TimmNoiseRange = .none
    @exclusivity(unchecked) public package(set) var noisePct = 0.67
    @exclusivity(unchecked) public package(set) var noiseType = "normal"
    @exclusivity(unchecked) public package(set) var noiseStd = 1.0
    @exclusivity(unchecked) public package(set) var noiseSeed = 42
    @exclusivity(unchecked) public package(set) var warmupT = 0
    @exclusivity(unchecked) public package(set) var warmupLRInit = 0.0
    @exclusivity(unchecked) public package(set) var warmupPrefix = false
    @exclusivity(unchecked) public package(set) var warmupSteps: [Double] = []
    /// The total epoch count timm's `create_scheduler_v2` returns with this scheduler
    /// (`CreateSchedulerV2.numEpochs`); nil when the factory did not build it.
    @exclusivity(unchecked) public package(set) var factoryNumEpochs: Int? = nil

    /// Draws after which a normal noise that never falls within `noise_pct` is an
    /// error (timm would loop forever).
    static let maxNoiseDraws = 1_000_000

    /// timm's `Scheduler.__init__` checks (nothing is written to the optimizer yet).
    /// - Throws: KeyError (timm's message) when `initialize` is false and a group has no
    ///   `initial_lr`; ValueError for normal noise with `noise_pct <= 0` (timm would
    ///   redraw forever).
    package init(_ optimizer: OptimizerState, _ o: TimmOptions) throws(LRSchedError) {
        let n = optimizer.count
        if !o.initialize, let i = optimizer.groups.firstIndex(where: { $0.initialLR == nil }) {
            throw .key("initial_lr missing from param_groups[\(i)]")
        }
        if o.noiseRange != .none, o.noiseType == "normal", !(o.noisePct > 0) {
            throw .value("noise_pct must be > 0 for normal noise, got \(pyRepr(o.noisePct))")
        }
        super.init(withoutBaseState: optimizer, lastEpoch: 0)
        (tInEpochs, noiseRange, noisePct, noiseType) = (o.tInEpochs, o.noiseRange, o.noisePct, o.noiseType)
        (noiseStd, noiseSeed) = (o.noiseStd, o.noiseSeed)
        (warmupT, warmupLRInit, warmupPrefix) = (o.warmupT, o.warmupLRInit, o.warmupPrefix)
        baseLRs = optimizer.groups.map { $0.initialLR ?? $0.lr }
        resizeScratch(n)
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        super.init(copying: other, optimizer: optimizer)
        guard let o = other as? TimmScheduler else { return }
        (metric, tInEpochs, noiseRange, noisePct, noiseType) = (o.metric, o.tInEpochs, o.noiseRange, o.noisePct, o.noiseType)
        (noiseStd, noiseSeed) = (o.noiseStd, o.noiseSeed)
        (warmupT, warmupLRInit, warmupPrefix, warmupSteps) = (o.warmupT, o.warmupLRInit, o.warmupPrefix, o.warmupSteps)
        factoryNumEpochs = o.factoryNumEpochs
    }

    /// timm's `get_cycle_length(cycles=0)`: the schedule's length in steps (cosine, tanh,
    /// poly: `cycles` cycles, 0 meaning `cycle_limit`; WSD: `warmup_t + t_initial`).
    /// - Throws: TypeError for the timm schedulers without it (step, multistep,
    ///   plateau: timm's AttributeError); ValueError for a length beyond Int or a
    ///   non-finite one (`math.floor`).
    public func cycleLength(cycles: Int = 0) throws(LRSchedError) -> Int {
        throw .type("'\(typeName)' has no get_cycle_length (timm's cosine, tanh, poly and WSD schedulers have one)")
    }

    /// timm's `get_cycle_length` of the cycle schedules (cosine, tanh, poly), in its
    /// operations: `cycles = max(1, cycles or cycle_limit)`; `t_initial * cycles` when
    /// `cycle_mul == 1`, else `int(math.floor(-t_initial * (cycle_mul ** cycles - 1) /
    /// (1 - cycle_mul)))`; plus `warmup_t` with `warmup_prefix`.
    package func cycleScheduleLength(_ cycles: Int, tInitial: Int, cycleMul: Double,
                                     cycleLimit: Int) throws(LRSchedError) -> Int {
        let n = Swift.max(1, cycles != 0 ? cycles : cycleLimit)
        let t: Int
        if cycleMul == 1.0 {
            t = try Py.mul(tInitial, n)
        } else {
            let grown = try Py.floatPow(cycleMul, Double(n)) - 1
            t = try TimmMath.floor(try Py.div(-Double(tInitial) * grown, 1 - cycleMul))
        }
        return warmupPrefix ? try Py.add(t, warmupT) : t
    }

    /// The end of construction: `warmup_steps` from `values` (timm: the base values, or
    /// TanhLRScheduler's lrs at `warmup_t`), `initial_lr` where a group has none, and the
    /// groups' lrs (`warmup_lr_init` when warming up, else the base values).
    package func start(warmupFrom values: [Double]) throws(LRSchedError) {
        let originals = optimizer.groups.map(\.lr)
        var initial = baseLRs
        if warmupT != 0 {
            let w = Double(warmupT)
            warmupSteps = values.map { ($0 - warmupLRInit) / w }
            initial = Array(repeating: warmupLRInit, count: baseLRs.count)
        } else {
            warmupSteps = Array(repeating: 1, count: baseLRs.count)
        }
        try write(initial, at: 0)
        for i in optimizer.groups.indices where optimizer.groups[i].initialLR == nil && i < originals.count {
            optimizer.groups[i].initialLR = originals[i]
        }
    }

    // MARK: Stepping

    override public var stepIndex: StepIndex { tInEpochs ? .epoch : .update }

    override public func step() throws(LRSchedError) {
        throw .type("\(typeName).step() missing 1 required positional argument: 'epoch'")
    }

    override public func step(metric: Double) throws(LRSchedError) {
        throw .type("\(typeName).step() takes the epoch first: step(epoch, metric)")
    }

    override public func step(epoch: Int) throws(LRSchedError) {
        try step(epoch: epoch, metric: nil)
    }

    /// timm's `step(epoch, metric)`: with `t_in_epochs`, the lrs at `epoch` (noise
    /// included); otherwise only the metric is recorded. On failure nothing changes.
    override public func step(epoch: Int, metric: Double?) throws(LRSchedError) {
        try timmStep(epoch, metric, onEpoch: true)
    }

    /// timm's `step_update(num_updates, metric)`: without `t_in_epochs`, the lrs after
    /// `updates` updates; otherwise only the metric is recorded.
    override public func stepUpdate(_ updates: Int, metric: Double?) throws(LRSchedError) {
        try timmStep(updates, metric, onEpoch: false)
    }

    /// timm's `_get_values` and `_add_noise`, then `update_groups`.
    private func timmStep(_ t: Int, _ metric: Double?, onEpoch: Bool) throws(LRSchedError) {
        if onEpoch == tInEpochs {
            try write(try addNoise(try values(at: t), t), at: t)
        }
        self.metric = metric
    }

    /// timm's `_get_lr(t)`: one value per group, before noise and `lr_scale`.
    package func values(at t: Int) throws(LRSchedError) -> [Double] {
        throw .notImplemented("\(typeName)._get_lr is not implemented")
    }

    /// The schedule's own time after warmup: `t - warmup_t` with `warmup_prefix`, else `t`.
    package func timeAfterWarmup(_ t: Int) throws(LRSchedError) -> Int {
        warmupPrefix ? try Py.sub(t, warmupT) : t
    }

    /// `warmup_lr_init + t * s` for every group's warmup step `s`.
    package func warmupValues(at t: Int) -> [Double] {
        let tt = Double(t)
        return warmupSteps.map { warmupLRInit + tt * $0 }
    }

    /// timm's `update_groups(values)`: `value * lr_scale` where the group has an
    /// `lr_scale`.
    /// - Throws: ValueError, changing nothing, for a value count that is not the group
    ///   count or a non-finite lr.
    package func write(_ values: [Double], at t: Int) throws(LRSchedError) {
        let n = optimizer.groups.count
        guard values.count == n else {
            throw .value("\(typeName): the optimizer has \(n) param groups but the scheduler was built for \(values.count)")
        }
        if newLRs.count != n { resizeScratch(n) }
        for i in 0..<n {
            if let s = optimizer.value(i, .lr_scale) { newLRs[i] = values[i] * s } else { newLRs[i] = values[i] }
        }
        let saved = lastEpoch
        lastEpoch = t
        do throws(LRSchedError) { try commit() } catch {
            lastEpoch = saved
            throw error
        }
    }

    // MARK: Noise

    /// timm's `_add_noise(lrs, t)`: `v + v * noise` inside the noise range.
    package func addNoise(_ values: [Double], _ t: Int) throws(LRSchedError) -> [Double] {
        guard noiseRange.contains(t) else { return values }
        let noise = try calculateNoise(t)
        return values.map { $0 + $0 * noise }
    }

    /// timm's `_calculate_noise(t)`: a generator seeded `noise_seed + t`; normal noise
    /// `randn * noise_std` redrawn while `|noise| >= noise_pct`, else uniform
    /// `2 * (rand - 0.5) * noise_pct`.
    /// - Throws: ValueError when no normal draw falls within `noise_pct` in
    ///   `maxNoiseDraws` draws (timm would never return).
    package func calculateNoise(_ t: Int) throws(LRSchedError) -> Double {
        let seed = try Py.add(noiseSeed, t)
        var g = TorchGenerator(seed: UInt64(bitPattern: Int64(seed)))
        guard noiseType == "normal" else { return 2 * (Double(g.rand()) - 0.5) * noisePct }
        for _ in 0..<Self.maxNoiseDraws {
            let noise = Double(g.randn()) * noiseStd
            if abs(noise) < noisePct { return noise }
        }
        throw .value("\(typeName): no noise within noise_pct=\(pyRepr(noisePct)) in \(Self.maxNoiseDraws) draws at t=\(t)")
    }
}

// MARK: - Arithmetic shared by the timm schedules

/// Python's math for timm's formulas (libm, as CPython).
package enum TimmMath {
    static func tanh(_ x: Double) -> Double { _libmTanh(x) }
    static func sqrt(_ x: Double) -> Double { _libmSqrt(x) }

    /// `math.log(x, base)`: `log(x) / log(base)`.
    /// - Throws: ValueError for a non-positive argument, ZeroDivisionError for base 1.
    static func log(_ x: Double, base: Double) throws(LRSchedError) -> Double {
        guard x > 0 || x.isNaN, base > 0 || base.isNaN else { throw .value("math domain error") }
        return try Py.div(_libmLog(x), _libmLog(base))
    }

    /// `math.floor(x)` as an int. - Throws: ValueError for NaN and infinities.
    static func floor(_ x: Double) throws(LRSchedError) -> Int {
        guard let i = Py.floorInt(x) else { throw .value("cannot convert float \(pyRepr(x)) to integer") }
        return i
    }

    /// Python's `a // b` for floats (CPython's `float_floor_div`).
    static func floorDiv(_ a: Double, _ b: Double) throws(LRSchedError) -> Double {
        if b == 0 { throw .zeroDivision("float floor division by zero") }
        var mod = _libmFmod(a, b)
        var div = (a - mod) / b
        if mod != 0 {
            if (b < 0) != (mod < 0) {
                mod += b
                div -= 1.0
            }
        }
        guard div != 0 else { return _libmCopysign(0.0, a / b) }
        var q = _libmFloor(div)
        if div - q > 0.5 { q += 1.0 }
        return q
    }

    /// Python's `a // b` for two numbers of either kind.
    static func floorDiv(_ a: Int, _ b: PyNumber) throws(LRSchedError) -> PyNumber {
        switch b {
        case .int(let d): return .int(try Py.floorDiv(a, d))
        case .float(let d): return .float(try floorDiv(Double(a), d))
        }
    }

    /// Python's `max(a, b)`: `a` unless `b > a`.
    static func max(_ a: Double, _ b: Double) -> Double { b > a ? b : a }

    /// Python's `min(a, b)`: `a` unless `b < a`.
    static func min(_ a: Double, _ b: Double) -> Double { b < a ? b : a }

    /// `bisect.bisect_right(a, x)`, run as Python runs it (a need not be sorted).
    static func bisectRight(_ a: [Int], _ x: Int) -> Int {
        var (lo, hi) = (0, a.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if x < a[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// Where `t` falls in the cycles of the cycle schedules (cosine, tanh, poly): cycle
/// `i`, its length `tI` and the position `tCurr` in it.
package struct TimmCycle {
    var i: Int
    var tI: Double
    var tCurr: Double

    /// timm's cycle arithmetic: `t // t_initial` when `cycle_mul == 1`, else
    /// `floor(log(1 - t / t_initial * (1 - cycle_mul), cycle_mul))` and the geometric
    /// lengths, in timm's operation order.
    init(_ t: Int, tInitial: Int, cycleMul: Double) throws(LRSchedError) {
        if cycleMul != 1 {
            let ti = Double(tInitial)
            let x = 1 - (try Py.div(Double(t), ti)) * (1 - cycleMul)
            i = try TimmMath.floor(try TimmMath.log(x, base: cycleMul))
            let m = try Py.floatPow(cycleMul, Double(i))
            tI = m * ti
            tCurr = Double(t) - (try Py.div(1 - m, 1 - cycleMul)) * ti
        } else {
            i = try Py.floorDiv(t, tInitial)
            tI = Double(tInitial)
            tCurr = Double(try Py.sub(t, try Py.mul(tInitial, i)))
        }
    }
}

// MARK: - Descriptor parts

extension TimmOptions {
    /// Reads the base and warmup arguments a descriptor declares (absent ones keep
    /// timm's defaults).
    package static func read(_ a: SpecArguments, warmupPrefix: Bool = true, tInEpochs: Bool = true,
                              noiseType: Bool = false) throws(LRSchedError) -> TimmOptions {
        var o = TimmOptions()
        o.warmupT = try a.int("warmup_t")
        o.warmupLRInit = try a.double("warmup_lr_init")
        if warmupPrefix { o.warmupPrefix = try a.bool("warmup_prefix") }
        if tInEpochs { o.tInEpochs = try a.bool("t_in_epochs") }
        o.noiseRange = try TimmNoiseRange.read(try a.value("noise_range_t"), owner: a.owner)
        if noiseType { o.noiseType = try a.string("noise_type") }
        o.noisePct = try a.double("noise_pct")
        o.noiseStd = try a.double("noise_std")
        o.noiseSeed = try a.optional("noise_seed").map { (v) throws(LRSchedError) in
            try SpecArguments.int(v, key: "noise_seed", owner: a.owner)
        } ?? 42
        o.initialize = try a.bool("initialize")
        return o
    }
}

extension ParameterDescriptor {
    /// `warmup_t`, `warmup_lr_init` and (where the class has it) `warmup_prefix`.
    static func timmWarmup(prefix: Bool?) -> [ParameterDescriptor] {
        var ps: [ParameterDescriptor] = [
            .init("warmup_t", .int, default: .int(0), doc: "steps of linear warmup from `warmup_lr_init` (0: none)"),
            .init("warmup_lr_init", .float, default: .float(0), doc: "the lr at t = 0 when warming up"),
        ]
        if let prefix {
            ps.append(.init("warmup_prefix", .bool, default: .bool(prefix),
                            doc: "the schedule starts after the warmup (t − warmup_t) instead of at t"))
        }
        return ps
    }

    static let timmTInEpochs = ParameterDescriptor(
        "t_in_epochs", .bool, default: .bool(true),
        doc: "true: stepped by `step(epoch)`; false: by `step_update(num_updates)` (the other call only records the metric)")

    /// `noise_range_t`, `noise_pct`, `noise_std`, `noise_seed` (with the class's default).
    static func timmNoise(seed: JSONValue, type: Bool = false) -> [ParameterDescriptor] {
        var ps: [ParameterDescriptor] = [
            .init("noise_range_t", .number, default: .null, docType: "number, [number, number] or `null`",
                  schema: ParameterDescriptor.numberOrPairSchema,
                  doc: "noise where `t >= n` (a number) or `a <= t < b` (a pair); else `ValueError`"),
        ]
        if type {
            ps.append(.init("noise_type", .string(choices: []), default: .string("normal"),
                            doc: "`\"normal\"`; any other string is uniform noise"))
        }
        ps += [
            .init("noise_pct", .float, default: .float(0.67),
                  doc: "normal noise is redrawn while `|noise| >= noise_pct` (> 0 with normal noise: else `ValueError`); uniform noise is scaled by it"),
            .init("noise_std", .float, default: .float(1.0), doc: "the normal noise's std"),
            .init("noise_seed", seed.isNull ? .nullable(.int) : .int, default: seed,
                  doc: "the generator is seeded `noise_seed + t`" + (seed.isNull ? " (None: 42)" : "")),
        ]
        return ps
    }

    /// JSON Schema for a number, a list of numbers (the class checks the count) or null:
    /// the `.number` kind leaves the value to the class, whose reader checks it.
    static let numberOrPairSchema = JSONObject([
        ("type", .array([.string("number"), .string("array"), .string("null")])),
        ("items", .object(JSONObject([("type", .string("number"))]))),
    ])

    static let timmInitialize = ParameterDescriptor(
        "initialize", .bool, default: .bool(true),
        doc: "false: every group must already have `initial_lr` (else `KeyError: initial_lr missing from param_groups[0]`)")
}

extension StateField {
    /// timm's `Scheduler.__dict__` entries, in order (the optimizer excluded).
    static let timmBase: [StateField] = [
        .constant("param_group_field", .string("lr")),
        .constant("_initial_param_group_field", .string("initial_lr")),
        .baseValues("base_values", type: "list[float]"),
        .stored("metric", \TimmScheduler.metric, type: "float | None", encode: { $0.map { .float($0) } ?? .null },
                decode: { (v, o) throws(LRSchedError) in v.isNull ? nil : try StateValue.double(v, "metric", o) }),
        .bool("t_in_epochs", \TimmScheduler.tInEpochs),
        .stored("noise_range_t", \TimmScheduler.noiseRange, type: "Any", encode: { $0.json },
                decode: { (v, o) throws(LRSchedError) in try TimmNoiseRange.read(v, owner: o) }),
        .finite("noise_pct", \TimmScheduler.noisePct),
        .stored("noise_type", \TimmScheduler.noiseType, type: "str", encode: { .string($0) },
                decode: { (v, o) throws(LRSchedError) in try StateValue.string(v, "noise_type", o) }),
        .finite("noise_std", \TimmScheduler.noiseStd),
        .int("noise_seed", \TimmScheduler.noiseSeed),
    ]

    static let timmWarmupT = StateField.int("warmup_t", \TimmScheduler.warmupT)
    static let timmWarmupLRInit = StateField.finite("warmup_lr_init", \TimmScheduler.warmupLRInit)
    static let timmWarmupPrefix = StateField.bool("warmup_prefix", \TimmScheduler.warmupPrefix)
    static let timmWarmupSteps = StateField.doubles("warmup_steps", \TimmScheduler.warmupSteps, perGroup: true)

    /// A `PyNumber` hyperparameter (kept int or float, as timm saves it).
    static func number<S: LRScheduler>(_ key: String, _ kp: ReferenceWritableKeyPath<S, PyNumber>) -> StateField {
        .stored(key, kp, type: "float", encode: { $0.json }, decode: { (v, o) throws(LRSchedError) in
            guard case .int(let i) = v else { return .float(try StateValue.finite(v, key, o)) }
            return .int(i)
        })
    }
}
