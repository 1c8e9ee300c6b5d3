import LRSchedSupport
import LRSchedJSON

/// timm's `PolyLRScheduler(optimizer, t_initial, power=0.5, lr_min=0., cycle_mul=1.,
/// cycle_decay=1., cycle_limit=1, warmup_t=0, warmup_lr_init=0., warmup_prefix=False,
/// t_in_epochs=True, noise_range_t=None, noise_pct=0.67, noise_std=1.0, noise_seed=42,
/// k_decay=1.0, initialize=True)`: polynomial decay with restarts and k-decay.
///
/// In cycle i: `lr_min + (base * cycle_decay ** i - lr_min) * (1 - t_curr ** k / t_i **
/// k) ** power`.
public final class PolyLRScheduler: TimmScheduler {
    @exclusivity(unchecked) public package(set) var tInitial = 1
    @exclusivity(unchecked) public package(set) var power = 0.5
    @exclusivity(unchecked) public package(set) var lrMin = 0.0
    @exclusivity(unchecked) public package(set) var cycleMul = 1.0
    @exclusivity(unchecked) public package(set) var cycleDecay = 1.0
    @exclusivity(unchecked) public package(set) var cycleLimit = 1
    @exclusivity(unchecked) public package(set) var kDecay = 1.0
    override public class var descriptor: SchedulerDescriptor { polyLRScheduler }

    /// - Throws: ValueError for `t_initial <= 0` or `lr_min < 0` (timm's asserts), and
    ///   the base class's errors.
    public init(_ optimizer: OptimizerState, tInitial: Int, power: Double = 0.5, lrMin: Double = 0,
                cycleMul: Double = 1, cycleDecay: Double = 1, cycleLimit: Int = 1, kDecay: Double = 1,
                _ options: TimmOptions = TimmOptions()) throws(LRSchedError) {
        try super.init(optimizer, options)
        if tInitial <= 0 { throw .value("t_initial must be > 0, got \(tInitial)") }
        if !(lrMin >= 0) { throw .value("lr_min must be >= 0, got \(pyRepr(lrMin))") }
        (self.tInitial, self.power, self.lrMin, self.cycleMul) = (tInitial, power, lrMin, cycleMul)
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
        let ratio = try Py.div(try Py.floatPow(c.tCurr, k), try Py.floatPow(c.tI, k))
        let factor = try Py.floatPow(1 - ratio, power)
        return baseLRs.map { lrMin + ($0 * gamma - lrMin) * factor }
    }
}

private let polyLRScheduler = SchedulerDescriptor(
    "timm.PolyLRScheduler", library: "timm", summary: "polynomial decay with warmup, restarts (cycles), k-decay and noise",
    parameters: [
        .init("t_initial", .int, doc: "> 0: else `ValueError` (timm's assert); the first cycle's length"),
        .init("power", .float, default: .float(0.5), doc: "the polynomial's exponent"),
        .init("lr_min", .float, default: .float(0), doc: "≥ 0: else `ValueError` (timm's assert)"),
    ] + ParameterDescriptor.timmCycle + ParameterDescriptor.timmWarmup(prefix: false)
        + [ParameterDescriptor.timmTInEpochs] + ParameterDescriptor.timmNoise(seed: .int(42))
        + [.init("k_decay", .float, default: .float(1), doc: "the ratio is `t_curr ** k / t_i ** k`"),
           ParameterDescriptor.timmInitialize],
    flags: .cycles,
    state: StateField.timmBase + [
        .int("t_initial", \PolyLRScheduler.tInitial), .finite("power", \PolyLRScheduler.power),
        .finite("lr_min", \PolyLRScheduler.lrMin), .finite("cycle_mul", \PolyLRScheduler.cycleMul),
        .finite("cycle_decay", \PolyLRScheduler.cycleDecay), .int("cycle_limit", \PolyLRScheduler.cycleLimit),
        StateField.timmWarmupT, StateField.timmWarmupLRInit, StateField.timmWarmupPrefix,
        .finite("k_decay", \PolyLRScheduler.kDecay), StateField.timmWarmupSteps,
    ],
    build: { (a, c) throws(LRSchedError) in
        try PolyLRScheduler(
            c.optimizer, tInitial: a.int("t_initial"), power: a.double("power"), lrMin: a.double("lr_min"),
            cycleMul: a.double("cycle_mul"), cycleDecay: a.double("cycle_decay"), cycleLimit: a.int("cycle_limit"),
            kDecay: a.double("k_decay"), TimmOptions.read(a))
    })
