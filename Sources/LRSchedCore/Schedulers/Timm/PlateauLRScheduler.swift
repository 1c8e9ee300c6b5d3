import LRSchedSupport
import LRSchedJSON

/// timm's `PlateauLRScheduler(optimizer, decay_rate=0.1, patience_t=10, threshold=1e-4,
/// cooldown_t=0, warmup_t=0, warmup_lr_init=0., lr_min=0., mode='max',
/// noise_range_t=None, noise_type='normal', noise_pct=0.67, noise_std=1.0,
/// noise_seed=None, initialize=True)`: torch's ReduceLROnPlateau (`factor=decay_rate`,
/// `patience=patience_t`, `cooldown=cooldown_t`, `min_lr=lr_min`, relative threshold)
/// behind timm's warmup and noise.
///
/// `step(epoch:metric:)`: for `epoch <= warmup_t`, `warmup_lr_init + epoch * s` (also at
/// epoch 0 without warmup, as timm); after it, the lrs from before the last noise are put
/// back, ReduceLROnPlateau steps when a metric is given, and noise is applied on top
/// (remembered in `restore_lr`). `stepUpdate` does nothing.
///
/// State: timm saves only `best` and `last_epoch` (and loads them); lrsched saves also
/// `cooldown_counter`, `num_bad_epochs` and `restore_lr`, so that a resumed run continues
/// exactly, and loads timm's two-key dict too.
public final class PlateauLRScheduler: TimmScheduler {
    /// The torch scheduler timm wraps (`self.lr_scheduler`).
    public package(set) var inner: ReduceLROnPlateau
    @exclusivity(unchecked) public package(set) var restoreLR: [Double]? = nil
    override public class var descriptor: SchedulerDescriptor { plateauLRScheduler }

    /// The hyperparameters besides the base class's, with timm's defaults.
    public struct Options: Sendable {
        public var decayRate = 0.1, patienceT = 10, threshold = 1e-4, cooldownT = 0, lrMin = 0.0
        public var mode: ReduceLROnPlateau.Mode = .max
        public init() {}
    }

    /// - Throws: the base class's errors, then ReduceLROnPlateau's (`Factor should be < 1.0.`).
    public init(_ optimizer: OptimizerState, _ p: Options = Options(),
                _ options: TimmOptions = TimmOptions()) throws(LRSchedError) {
        inner = try ReduceLROnPlateau(optimizer, mode: p.mode, factor: p.decayRate, patience: p.patienceT,
                                      threshold: p.threshold, cooldown: p.cooldownT, minLR: .all(p.lrMin))
        try super.init(optimizer, options)
        try start(warmupFrom: baseLRs)
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        let o = other as? PlateauLRScheduler
        inner = (o?.inner.copy(with: optimizer) as? ReduceLROnPlateau)
            ?? ReduceLROnPlateau(copying: other, optimizer: optimizer)
        super.init(copying: other, optimizer: optimizer)
    }

    /// Always stepped per epoch (timm's `step_update` is a no-op).
    override public var stepIndex: StepIndex { .epoch }

    override public func stepUpdate(_ updates: Int, metric: Double?) throws(LRSchedError) {}

    /// timm's `step(epoch, metric)`. On failure nothing changes.
    override public func step(epoch: Int, metric: Double?) throws(LRSchedError) {
        if epoch <= warmupT { return try write(warmupValues(at: epoch), at: epoch) }
        let savedLRs = optimizer.groups.map(\.lr)
        let savedInner = inner.copy(with: optimizer)
        let savedRestore = restoreLR
        do throws(LRSchedError) {
            try plateauStep(epoch, metric)
        } catch {
            for i in savedLRs.indices where i < optimizer.groups.count { optimizer.groups[i].lr = savedLRs[i] }
            inner.assignState(from: savedInner)
            restoreLR = savedRestore
            throw error
        }
    }

    /// timm's step past warmup: restore, ReduceLROnPlateau, noise.
    private func plateauStep(_ epoch: Int, _ metric: Double?) throws(LRSchedError) {
        if let r = restoreLR {
            for i in r.indices where i < optimizer.groups.count { optimizer.groups[i].lr = r[i] }
            restoreLR = nil
        }
        if let metric { try inner.step(metric: metric) }
        defer { recordLastLR() }
        guard noiseRange.contains(epoch) else { return }
        let noise = try calculateNoise(epoch)
        let old = optimizer.groups.map(\.lr)
        let new = old.map { $0 + $0 * noise }
        guard new.allSatisfy(\.isFinite) else { throw .value("\(typeName) would set a non-finite lr at epoch \(epoch)") }
        for i in new.indices { optimizer.groups[i].lr = new[i] }
        restoreLR = old
    }

    /// timm's `_get_lr`, never called (timm asserts).
    override package func values(at t: Int) throws(LRSchedError) -> [Double] {
        throw .notImplemented("should not be called as step is overridden")
    }
}

/// `best`, `last_epoch` (timm's two keys), then lrsched's.
private let plateauState: [StateField] = [
    StateField("best", type: "float", save: { .float(($0 as? PlateauLRScheduler)?.inner.best ?? 0) },
               load: { (v, s) throws(LRSchedError) in
                   (s as? PlateauLRScheduler)?.inner.best = try StateValue.double(v, "best", s.typeName)
               }, assign: { from, to in
                   if let a = plateauInner(to), let b = plateauInner(from) { a.assignState(from: b) }
               }),
    plateauInt("last_epoch", \.lastEpoch),
    plateauInt("cooldown_counter", \.cooldownCounter),
    plateauInt("num_bad_epochs", \.numBadEpochs),
    .stored("restore_lr", \PlateauLRScheduler.restoreLR, type: "list[float] | None",
            encode: { $0.map { .floats($0) } ?? .null },
            decode: { (v, o) throws(LRSchedError) in v.isNull ? nil : try StateValue.doubles(v, "restore_lr", o) }),
]

private func plateauInner(_ s: LRScheduler) -> ReduceLROnPlateau? { (s as? PlateauLRScheduler)?.inner }

/// An int of the wrapped ReduceLROnPlateau (copied with `best`, which copies them all).
private func plateauInt(_ key: String, _ kp: ReferenceWritableKeyPath<ReduceLROnPlateau, Int>) -> StateField {
    StateField(key, type: "int", save: { plateauInner($0).map { .int($0[keyPath: kp]) } ?? .null },
               load: { (v, s) throws(LRSchedError) in
                   plateauInner(s)?[keyPath: kp] = try StateValue.int(v, key, s.typeName)
               }, assign: { _, _ in })
}

private let plateauLRScheduler = SchedulerDescriptor(
    "timm.PlateauLRScheduler", library: "timm",
    summary: "torch's ReduceLROnPlateau with timm's warmup and noise (deprecated in timm)",
    parameters: [
        .init("decay_rate", .float, default: .float(0.1), doc: "< 1.0: else `ValueError: Factor should be < 1.0.` (ReduceLROnPlateau's `factor`)"),
        .init("patience_t", .int, default: .int(10), doc: "ReduceLROnPlateau's `patience`"),
        .init("threshold", .float, default: .float(1e-4), doc: "relative threshold"),
        .init("cooldown_t", .int, default: .int(0), doc: "ReduceLROnPlateau's `cooldown`"),
    ] + ParameterDescriptor.timmWarmup(prefix: nil) + [
        .init("lr_min", .float, default: .float(0), doc: "ReduceLROnPlateau's `min_lr`"),
        .init("mode", .string(choices: ["min", "max"]), default: .string("max"), doc: "`\"min\"` or `\"max\"`: else `ValueError: mode sideways is unknown!`"),
    ] + ParameterDescriptor.timmNoise(seed: .null, type: true)
        + [ParameterDescriptor.timmInitialize],
    state: plateauState,
    build: { (a, c) throws(LRSchedError) in
        var p = PlateauLRScheduler.Options()
        p.decayRate = try a.double("decay_rate")
        try ReduceLROnPlateau.checkFactor(p.decayRate)
        p.mode = try ReduceLROnPlateau.parseMode(a.string("mode"))
        (p.patienceT, p.threshold, p.cooldownT, p.lrMin) = (try a.int("patience_t"), try a.double("threshold"),
                                                             try a.int("cooldown_t"), try a.double("lr_min"))
        return try PlateauLRScheduler(c.optimizer, p, TimmOptions.read(a, warmupPrefix: false, tInEpochs: false, noiseType: true))
    })
