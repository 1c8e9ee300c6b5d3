import LRSchedSupport
import LRSchedJSON

/// timm's `TanhLRScheduler(optimizer, t_initial, lb=-7., ub=3., lr_min=0., cycle_mul=1.,
/// cycle_decay=1., cycle_limit=1, warmup_t=0, warmup_lr_init=0., warmup_prefix=False,
/// t_in_epochs=True, noise_range_t=None, noise_pct=0.67, noise_std=1.0, noise_seed=42,
/// initialize=True)`: hyperbolic-tangent decay with restarts.
///
/// In cycle i, with `tr = t_curr / t_i`: `lr_min + 0.5 * (base * cycle_decay ** i -
/// lr_min) * (1 - tanh(lb * (1. - tr) + ub * tr))`. Without `warmup_prefix` the warmup
/// climbs to the schedule's value at `warmup_t`, as timm.
public final class TanhLRScheduler: TimmScheduler {
    @exclusivity(unchecked) public package(set) var lb = -7.0
    @exclusivity(unchecked) public package(set) var ub = 3.0
    @exclusivity(unchecked) public package(set) var tInitial = 1
    @exclusivity(unchecked) public package(set) var lrMin = 0.0
    @exclusivity(unchecked) public package(set) var cycleMul = 1.0
    @exclusivity(unchecked) public package(set) var cycleDecay = 1.0
    @exclusivity(unchecked) public package(set) var cycleLimit = 1
    override public class var descriptor: SchedulerDescriptor { tanhLRScheduler }

    /// - Throws: ValueError for timm's asserts, in its order: `t_initial > 0`,
    ///   `lr_min >= 0`, `lb < ub`, `cycle_limit >= 0`, `warmup_t >= 0`,
    ///   `warmup_lr_init >= 0`; and the base class's errors.
    public init(_ optimizer: OptimizerState, tInitial: Int, lb: Double = -7, ub: Double = 3, lrMin: Double = 0,
                cycleMul: Double = 1, cycleDecay: Double = 1, cycleLimit: Int = 1,
                _ options: TimmOptions = TimmOptions()) throws(LRSchedError) {
        try super.init(optimizer, options)
        if tInitial <= 0 { throw .value("t_initial must be > 0, got \(tInitial)") }
        if !(lrMin >= 0) { throw .value("lr_min must be >= 0, got \(pyRepr(lrMin))") }
        if !(lb < ub) { throw .value("lb must be < ub, got lb=\(pyRepr(lb)), ub=\(pyRepr(ub))") }
        if cycleLimit < 0 { throw .value("cycle_limit must be >= 0, got \(cycleLimit)") }
        if options.warmupT < 0 { throw .value("warmup_t must be >= 0, got \(options.warmupT)") }
        if !(options.warmupLRInit >= 0) { throw .value("warmup_lr_init must be >= 0, got \(pyRepr(options.warmupLRInit))") }
        (self.lb, self.ub, self.tInitial, self.lrMin) = (lb, ub, tInitial, lrMin)
        (self.cycleMul, self.cycleDecay, self.cycleLimit) = (cycleMul, cycleDecay, cycleLimit)
        try start(warmupFrom: warmupT != 0 && !warmupPrefix ? try values(at: warmupT) : baseLRs)
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        super.init(copying: other, optimizer: optimizer)
    }

    /// timm's `get_cycle_length(cycles=0)`.
    override public func cycleLength(cycles: Int = 0) throws(LRSchedError) -> Int {
        try cycleScheduleLength(cycles, tInitial: tInitial, cycleMul: cycleMul, cycleLimit: cycleLimit)
    }

    /// timm's `_get_lr(t)`.
    override package func values(at t: Int) throws(LRSchedError) -> [Double] {
        if t < warmupT { return warmupValues(at: t) }
        let c = try TimmCycle(try timeAfterWarmup(t), tInitial: tInitial, cycleMul: cycleMul)
        guard c.i < cycleLimit else { return Array(repeating: lrMin, count: baseLRs.count) }
        let gamma = try Py.floatPow(cycleDecay, Double(c.i))
        let tr = try Py.div(c.tCurr, c.tI)
        let factor = 1 - TimmMath.tanh(lb * (1.0 - tr) + ub * tr)
        return baseLRs.map { lrMin + 0.5 * ($0 * gamma - lrMin) * factor }
    }
}

private let tanhLRScheduler = SchedulerDescriptor(
    "timm.TanhLRScheduler", library: "timm", summary: "hyperbolic-tangent decay with warmup, restarts (cycles) and noise",
    parameters: [
        .init("t_initial", .int, doc: "> 0: else `ValueError` (timm's assert); the first cycle's length"),
        .init("lb", .float, default: .float(-7), doc: "< `ub`: else `ValueError` (timm's assert); tanh's argument at a cycle's start"),
        .init("ub", .float, default: .float(3), doc: "tanh's argument at a cycle's end"),
        .init("lr_min", .float, default: .float(0), doc: "≥ 0: else `ValueError` (timm's assert)"),
    ] + ParameterDescriptor.timmCycle + ParameterDescriptor.timmWarmup(prefix: false)
        + [ParameterDescriptor.timmTInEpochs] + ParameterDescriptor.timmNoise(seed: .int(42))
        + [ParameterDescriptor.timmInitialize],
    flags: .cycles,
    state: StateField.timmBase + [
        .finite("lb", \TanhLRScheduler.lb), .finite("ub", \TanhLRScheduler.ub),
        .int("t_initial", \TanhLRScheduler.tInitial), .finite("lr_min", \TanhLRScheduler.lrMin),
        .finite("cycle_mul", \TanhLRScheduler.cycleMul), .finite("cycle_decay", \TanhLRScheduler.cycleDecay),
        .int("cycle_limit", \TanhLRScheduler.cycleLimit), StateField.timmWarmupT, StateField.timmWarmupLRInit,
        StateField.timmWarmupPrefix, StateField.timmWarmupSteps,
    ],
    build: { (a, c) throws(LRSchedError) in
        try TanhLRScheduler(
            c.optimizer, tInitial: a.int("t_initial"), lb: a.double("lb"), ub: a.double("ub"), lrMin: a.double("lr_min"),
            cycleMul: a.double("cycle_mul"), cycleDecay: a.double("cycle_decay"), cycleLimit: a.int("cycle_limit"),
            TimmOptions.read(a))
    })
