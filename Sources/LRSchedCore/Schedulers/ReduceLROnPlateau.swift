import LRSchedSupport
import LRSchedJSON

/// torch's `ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10,
/// threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)`: reduces the
/// lr by `factor` when a metric has not improved for more than `patience` steps.
///
/// Step with `step(metric:)`. A metric is better than `best` when, in `min` mode,
/// `metric < best * (1.0 - threshold)` (`rel`) or `metric < best - threshold` (`abs`);
/// in `max` mode `metric > best * (threshold + 1.0)` or `metric > best + threshold`.
/// NaN is never better (a bad epoch). After a reduction `cooldown` steps ignore bad
/// epochs. A group's lr becomes `max(lr * factor, min_lr)` when that lowers it by more
/// than `eps`. Chainable: it multiplies the current lr.
///
/// Groups added after construction take the scalar `min_lr`; with a per-group list the
/// next reduction fails with RuntimeError (torch's message), as torch.
public final class ReduceLROnPlateau: LRScheduler {
    public enum Mode: String, Sendable { case min, max }
    public enum ThresholdMode: String, Sendable { case rel, abs }

    @exclusivity(unchecked) public package(set) var factor: Double
    @exclusivity(unchecked) public package(set) var minLRs: [Double]
    /// The scalar `min_lr` (nil when a per-group list was given).
    @exclusivity(unchecked) public package(set) var defaultMinLR: Double?
    @exclusivity(unchecked) public package(set) var patience: Int
    @exclusivity(unchecked) public package(set) var cooldown: Int
    @exclusivity(unchecked) public package(set) var eps: Double
    @exclusivity(unchecked) public package(set) var mode: Mode
    @exclusivity(unchecked) public package(set) var threshold: Double
    @exclusivity(unchecked) public package(set) var thresholdMode: ThresholdMode
    @exclusivity(unchecked) public package(set) var best: Double
    @exclusivity(unchecked) public package(set) var cooldownCounter = 0
    @exclusivity(unchecked) public package(set) var numBadEpochs = 0
    package var modeWorse: Double { mode == .min ? .infinity : -.infinity }
    override public var typeName: String { "ReduceLROnPlateau" }

    /// torch's `min_lr`: a scalar for every group (also used for groups added later),
    /// or a list with one value per group.
    public enum MinLR: Sendable {
        case all(Double)
        case perGroup([Double])
    }

    /// - Throws: ValueError("Factor should be < 1.0."), ValueError("expected N min_lrs,
    ///   got M"), and ValueError for non-finite hyperparameters. (Unknown `mode` and
    ///   `threshold_mode` strings are rejected by the spec reader with torch's messages.)
    public init(_ optimizer: OptimizerState, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minLR: MinLR = .all(0), eps: Double = 1e-8) throws(LRSchedError) {
        if factor >= 1.0 { throw .value("Factor should be < 1.0.") }
        try requireFinite("factor", factor)
        let n = optimizer.count
        switch minLR {
        case .all(let v):
            try requireFinite("min_lr", v)
            defaultMinLR = v
            minLRs = Array(repeating: v, count: n)
        case .perGroup(let vs):
            guard vs.count == n else { throw .value("expected \(n) min_lrs, got \(vs.count)") }
            try requireFinite("min_lr", vs)
            defaultMinLR = nil
            minLRs = vs
        }
        try requireFinite("threshold", threshold)
        try requireFinite("eps", eps)
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.mode = mode
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.best = mode == .min ? .infinity : -.infinity
        super.init(withoutBaseState: optimizer, lastEpoch: 0)
    }

    package init(copying other: ReduceLROnPlateau, optimizer: OptimizerState) {
        factor = other.factor; minLRs = other.minLRs; defaultMinLR = other.defaultMinLR
        patience = other.patience; cooldown = other.cooldown; eps = other.eps; mode = other.mode
        threshold = other.threshold; thresholdMode = other.thresholdMode; best = other.best
        cooldownCounter = other.cooldownCounter; numBadEpochs = other.numBadEpochs
        super.init(copying: other, optimizer: optimizer)
    }

    override public func copy(with optimizer: OptimizerState) -> LRScheduler {
        ReduceLROnPlateau(copying: self, optimizer: optimizer)
    }

    /// torch's `_is_better(a, best)`.
    package func isBetter(_ a: Double, _ best: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): return a < best * (1.0 - threshold)
        case (.min, .abs): return a < best - threshold
        case (.max, .rel): return a > best * (threshold + 1.0)
        case (.max, .abs): return a > best + threshold
        }
    }

    override public func step() throws(LRSchedError) {
        throw .type("ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'")
    }

    override public func step(epoch: Int) throws(LRSchedError) {
        throw .type("ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'")
    }

    /// One step with this epoch's metric. On failure nothing changes.
    public override func step(metric current: Double) throws(LRSchedError) {
        let epoch = try Py.add(lastEpoch, 1)
        var best = self.best
        var bad = numBadEpochs
        var cooling = cooldownCounter
        if isBetter(current, best) {
            best = current
            bad = 0
        } else {
            bad = try Py.add(bad, 1)
        }
        if cooling > 0 {
            cooling -= 1
            bad = 0
        }
        if bad > patience {
            try reduceLR(epoch)
            cooling = cooldown
            bad = 0
        }
        self.lastEpoch = epoch
        self.best = best
        self.numBadEpochs = bad
        self.cooldownCounter = cooling
        recordLastLR()
    }

    private func reduceLR(_ epoch: Int) throws(LRSchedError) {
        let n = optimizer.groups.count
        if n != minLRs.count {
            guard let d = defaultMinLR else {
                throw .runtime("The number of param groups in the `optimizer` (\(n)) differs from when `ReduceLROnPlateau` was initialized (\(minLRs.count)), usually due to a new param group being added to the optimizer. Please modify the `min_lrs` field to match the length of the `optimizer` param groups.")
            }
            minLRs = Array(repeating: d, count: n)
        }
        for i in 0..<n {
            let old = optimizer.lr(i)
            let candidate = old * factor
            let new = minLRs[i] > candidate ? minLRs[i] : candidate  // Python's max(candidate, min_lr)
            if old - new > eps { optimizer.groups[i].lr = new }
        }
    }

    // MARK: State

    package override func saveState(into o: inout JSONObject) {
        o["factor"] = .float(factor)
        o["default_min_lr"] = defaultMinLR.map { .float($0) } ?? .null
        o["min_lrs"] = .floats(minLRs)
        o["patience"] = .int(patience)
        o["cooldown"] = .int(cooldown)
        o["eps"] = .float(eps)
        o["last_epoch"] = .int(lastEpoch)
        o["_last_lr"] = .floats(lastLRStorage)
        o["mode_worse"] = .float(modeWorse)
        o["mode"] = .string(mode.rawValue)
        o["threshold"] = .float(threshold)
        o["threshold_mode"] = .string(thresholdMode.rawValue)
        o["best"] = .float(best)
        o["cooldown_counter"] = .int(cooldownCounter)
        o["num_bad_epochs"] = .int(numBadEpochs)
    }

    package override func loadState(_ r: inout StateReader) throws(LRSchedError) {
        let factor = try r.finite("factor", self.factor)
        let defaultMinLR = try r.optionalFinite("default_min_lr", self.defaultMinLR)
        let minLRs = try r.doubles("min_lrs", self.minLRs)
        let patience = try r.int("patience", self.patience)
        let cooldown = try r.int("cooldown", self.cooldown)
        let eps = try r.finite("eps", self.eps)
        let lastEpoch = try r.int("last_epoch", self.lastEpoch)
        let lastLR = try r.doubles("_last_lr", lastLRStorage, finite: false)
        let modeName = try r.string("mode", mode.rawValue)
        let threshold = try r.finite("threshold", self.threshold)
        let tmName = try r.string("threshold_mode", thresholdMode.rawValue)
        let best = try r.double("best", self.best)
        let cooldownCounter = try r.int("cooldown_counter", self.cooldownCounter)
        let numBadEpochs = try r.int("num_bad_epochs", self.numBadEpochs)
        r.ignore("mode_worse")
        try r.finish()
        guard let mode = Mode(rawValue: modeName) else { throw .value("mode \(modeName) is unknown!") }
        guard let tm = ThresholdMode(rawValue: tmName) else { throw .value("threshold mode \(tmName) is unknown!") }
        self.factor = factor
        self.defaultMinLR = defaultMinLR
        self.minLRs = minLRs
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.lastEpoch = lastEpoch
        self.lastLRStorage = lastLR
        self.mode = mode
        self.threshold = threshold
        self.thresholdMode = tm
        self.best = best
        self.cooldownCounter = cooldownCounter
        self.numBadEpochs = numBadEpochs
    }
}
