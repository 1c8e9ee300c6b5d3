import LRSchedSupport
import LRSchedJSON

/// timm's `StepLRScheduler(optimizer, decay_t, decay_rate=1., warmup_t=0,
/// warmup_lr_init=0., warmup_prefix=True, t_in_epochs=True, noise_range_t=None,
/// noise_pct=0.67, noise_std=1.0, noise_seed=42, initialize=True)`: after warmup,
/// `base * decay_rate ** (t // decay_t)` (Python's `//`: `decay_t` may be a float).
public final class StepLRScheduler: TimmScheduler {
    @exclusivity(unchecked) public package(set) var decayT: PyNumber = .int(1)
    @exclusivity(unchecked) public package(set) var decayRate = 1.0
    override public class var descriptor: SchedulerDescriptor { stepLRScheduler }

    /// - Throws: the base class's errors (timm checks nothing else; `decay_t == 0` is
    ///   the ZeroDivisionError of the first step past warmup).
    public init(_ optimizer: OptimizerState, decayT: PyNumber, decayRate: Double = 1,
                _ options: TimmOptions = TimmOptions.stepDefaults) throws(LRSchedError) {
        try super.init(optimizer, options)
        (self.decayT, self.decayRate) = (decayT, decayRate)
        try start(warmupFrom: baseLRs)
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        super.init(copying: other, optimizer: optimizer)
    }

    /// timm's `_get_lr(t)`.
    override package func values(at t: Int) throws(LRSchedError) -> [Double] {
        if t < warmupT { return warmupValues(at: t) }
        let q = try TimmMath.floorDiv(try timeAfterWarmup(t), decayT)
        let factor = try Py.floatPow(decayRate, q.double)
        return baseLRs.map { $0 * factor }
    }
}

extension TimmOptions {
    /// The defaults of the step schedules (`warmup_prefix=True`).
    public static var stepDefaults: TimmOptions {
        var o = TimmOptions()
        o.warmupPrefix = true
        return o
    }
}

private let stepLRScheduler = SchedulerDescriptor(
    "timm.StepLRScheduler", library: "timm", summary: "multiplies the base lr by decay_rate every decay_t, after warmup",
    parameters: [
        .init("decay_t", .number, doc: "an int or a float: the decay interval (`t // decay_t` decays)"),
        .init("decay_rate", .float, default: .float(1), doc: "the factor per interval"),
    ] + ParameterDescriptor.timmWarmup(prefix: true)
        + [ParameterDescriptor.timmTInEpochs] + ParameterDescriptor.timmNoise(seed: .int(42))
        + [ParameterDescriptor.timmInitialize],
    state: StateField.timmBase + [
        StateField.number("decay_t", \StepLRScheduler.decayT), .finite("decay_rate", \StepLRScheduler.decayRate),
        StateField.timmWarmupT, StateField.timmWarmupLRInit, StateField.timmWarmupPrefix, StateField.timmWarmupSteps,
    ],
    build: { (a, c) throws(LRSchedError) in
        try StepLRScheduler(
            c.optimizer, decayT: PyNumber.read(a.value("decay_t"), key: "decay_t", owner: a.owner),
            decayRate: a.double("decay_rate"), TimmOptions.read(a))
    })
