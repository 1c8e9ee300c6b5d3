import LRSchedSupport
import LRSchedJSON

/// timm's `MultiStepLRScheduler(optimizer, decay_t, decay_rate=1., warmup_t=0,
/// warmup_lr_init=0., warmup_prefix=True, t_in_epochs=True, noise_range_t=None,
/// noise_pct=0.67, noise_std=1.0, noise_seed=42, initialize=True)`: after warmup,
/// `base * decay_rate ** bisect_right(decay_t, t + 1)` — timm's convention: milestone m
/// applies at t = m − 1 (unlike torch's MultiStepLR).
public final class MultiStepLRScheduler: TimmScheduler {
    @exclusivity(unchecked) public package(set) var decayT: [Int] = []
    @exclusivity(unchecked) public package(set) var decayRate = 1.0
    override public class var descriptor: SchedulerDescriptor { multiStepLRScheduler }

    /// - Throws: the base class's errors (`decay_t` is used as given: timm assumes it
    ///   sorted and bisects it as it is).
    public init(_ optimizer: OptimizerState, decayT: [Int], decayRate: Double = 1,
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
        let s = try timeAfterWarmup(t)
        let n = TimmMath.bisectRight(decayT, try Py.add(s, 1))
        let factor = try Py.floatPow(decayRate, Double(n))
        return baseLRs.map { $0 * factor }
    }
}

private let multiStepLRScheduler = SchedulerDescriptor(
    "timm.MultiStepLRScheduler", library: "timm",
    summary: "multiplies the base lr by decay_rate at each milestone (timm's t + 1 convention), after warmup",
    parameters: [
        .init("decay_t", .list(.int), doc: "the milestones, sorted (bisected as given)"),
        .init("decay_rate", .float, default: .float(1), doc: "the factor per milestone"),
    ] + ParameterDescriptor.timmWarmup(prefix: true)
        + [ParameterDescriptor.timmTInEpochs] + ParameterDescriptor.timmNoise(seed: .int(42))
        + [ParameterDescriptor.timmInitialize],
    state: StateField.timmBase + [
        .ints("decay_t", \MultiStepLRScheduler.decayT), .finite("decay_rate", \MultiStepLRScheduler.decayRate),
        StateField.timmWarmupT, StateField.timmWarmupLRInit, StateField.timmWarmupPrefix, StateField.timmWarmupSteps,
    ],
    build: { (a, c) throws(LRSchedError) in
        try MultiStepLRScheduler(c.optimizer, decayT: a.ints("decay_t"), decayRate: a.double("decay_rate"),
                                 TimmOptions.read(a))
    })
