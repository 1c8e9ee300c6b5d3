import LRSchedSupport
import LRSchedJSON

/// timm's `CosineLRScheduler(optimizer, t_initial, lr_min=0., cycle_mul=1.,
/// cycle_decay=1., cycle_limit=1, warmup_t=0, warmup_lr_init=0., warmup_prefix=False,
/// t_in_epochs=True, noise_range_t=None, noise_pct=0.67, noise_std=1.0, noise_seed=42,
/// k_decay=1.0, initialize=True)`: cosine decay from the base lr to `lr_min` over
/// `t_initial`, restarting for `cycle_limit` cycles (each `cycle_mul` times longer, its
/// peak `cycle_decay` times lower), with k-decay (`t ** k_decay`), then `lr_min`.
///
/// In cycle i: `lr_min + 0.5 * (base * cycle_decay ** i - lr_min) * (1 + cos(pi *
/// t_curr ** k / t_i ** k))`, in timm's operation order.
public final class CosineLRScheduler: TimmScheduler {
    @exclusivity(unchecked) public package(set) var tInitial = 1
    @exclusivity(unchecked) public package(set) var lrMin = 0.0
    @exclusivity(unchecked) public package(set) var cycleMul = 1.0
    @exclusivity(unchecked) public package(set) var cycleDecay = 1.0
    @exclusivity(unchecked) public package(set) var cycleLimit = 1
    @exclusivity(unchecked) public package(set) var kDecay = 1.0
    override public class var descriptor: SchedulerDescriptor { cosineLRScheduler }

    /// - Throws: ValueError for `t_initial <= 0` or `lr_min < 0` (timm's asserts), and
    ///   the base class's errors.
    public init(_ optimizer: OptimizerState, tInitial: Int, lrMin: Double = 0, cycleMul: Double = 1,
                cycleDecay: Double = 1, cycleLimit: Int = 1, kDecay: Double = 1,
                _ options: TimmOptions = TimmOptions()) throws(LRSchedError) {
        try super.init(optimizer, options)
        if tInitial <= 0 { throw .value("t_initial must be > 0, got \(tInitial)") }
        if !(lrMin >= 0) { throw .value("lr_min must be >= 0, got \(pyRepr(lrMin))") }
        (self.tInitial, self.lrMin, self.cycleMul) = (tInitial, lrMin, cycleMul)
        (self.cycleDecay, self.cycleLimit, self.kDecay) = (cycleDecay, cycleLimit, kDecay)
        try start(warmupFrom: baseLRs)
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
        let gamma = try Py.floatPow(cycleDecay, Double(c.i))
        guard c.i < cycleLimit else { return Array(repeating: lrMin, count: baseLRs.count) }
        let k = kDecay
        let angle = try Py.div(Double.pi * (try Py.floatPow(c.tCurr, k)), try Py.floatPow(c.tI, k))
        let cosine = 1 + Py.cos(angle)
        return baseLRs.map { lrMin + 0.5 * ($0 * gamma - lrMin) * cosine }
    }
}

extension ParameterDescriptor {
    /// `cycle_mul`, `cycle_decay`, `cycle_limit` of the cycle schedules.
    static let timmCycle: [ParameterDescriptor] = [
        .init("cycle_mul", .float, default: .float(1), doc: "each cycle is this many times longer than the last"),
        .init("cycle_decay", .float, default: .float(1), doc: "each cycle's peak is this times the last's"),
        .init("cycle_limit", .int, default: .int(1), doc: "cycles before the lr stays at `lr_min`"),
    ]
}

private let cosineLRScheduler = SchedulerDescriptor(
    "timm.CosineLRScheduler", library: "timm",
    summary: "cosine decay with warmup, restarts (cycles), k-decay and noise",
    parameters: [
        .init("t_initial", .int, doc: "> 0: else `ValueError` (timm's assert); the first cycle's length"),
        .init("lr_min", .float, default: .float(0), doc: "≥ 0: else `ValueError` (timm's assert)"),
    ] + ParameterDescriptor.timmCycle + ParameterDescriptor.timmWarmup(prefix: false)
        + [ParameterDescriptor.timmTInEpochs] + ParameterDescriptor.timmNoise(seed: .int(42))
        + [.init("k_decay", .float, default: .float(1), doc: "the cosine's argument is `pi * t_curr ** k / t_i ** k`"),
           ParameterDescriptor.timmInitialize],
    flags: .cycles,
    state: StateField.timmBase + [
        .int("t_initial", \CosineLRScheduler.tInitial), .finite("lr_min", \CosineLRScheduler.lrMin),
        .finite("cycle_mul", \CosineLRScheduler.cycleMul), .finite("cycle_decay", \CosineLRScheduler.cycleDecay),
        .int("cycle_limit", \CosineLRScheduler.cycleLimit), StateField.timmWarmupT, StateField.timmWarmupLRInit,
        StateField.timmWarmupPrefix, .finite("k_decay", \CosineLRScheduler.kDecay), StateField.timmWarmupSteps,
    ],
    build: { (a, c) throws(LRSchedError) in
        try CosineLRScheduler(
            c.optimizer, tInitial: a.int("t_initial"), lrMin: a.double("lr_min"), cycleMul: a.double("cycle_mul"),
            cycleDecay: a.double("cycle_decay"), cycleLimit: a.int("cycle_limit"), kDecay: a.double("k_decay"),
            TimmOptions.read(a))
    })
