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

    @exclusivity(unchecked) public package(set) var factor: Double = 0
    @exclusivity(unchecked) public package(set) var minLRs: [Double] = []
    /// The scalar `min_lr` (nil when a per-group list was given).
    @exclusivity(unchecked) public package(set) var defaultMinLR: Double? = nil
    /// Whether `min_lr` (each of `min_lrs`) was a Python int: torch keeps the value as
    /// given, so its state saves `min_lr=0` (the default) as `0`. Set from a spec's or a
    /// state's JSON ints; the Swift initializer takes doubles.
    @exclusivity(unchecked) package var defaultMinLRIsInt = false
    @exclusivity(unchecked) package var minLRIsInt: [Bool] = []
    @exclusivity(unchecked) public package(set) var patience: Int = 0
    @exclusivity(unchecked) public package(set) var cooldown: Int = 0
    @exclusivity(unchecked) public package(set) var eps: Double = 0
    @exclusivity(unchecked) public package(set) var mode: Mode = .min
    @exclusivity(unchecked) public package(set) var threshold: Double = 0
    @exclusivity(unchecked) public package(set) var thresholdMode: ThresholdMode = .rel
    @exclusivity(unchecked) public package(set) var best: Double = 0
    @exclusivity(unchecked) public package(set) var cooldownCounter = 0
    @exclusivity(unchecked) public package(set) var numBadEpochs = 0
    package var modeWorse: Double { mode == .min ? .infinity : -.infinity }
    override public class var descriptor: SchedulerDescriptor { reduceLROnPlateau }

    /// torch's `min_lr`: a scalar for every group (also used for groups added later),
    /// or a list with one value per group.
    public typealias MinLR = PerGroup

    /// - Throws: ValueError("Factor should be < 1.0."), ValueError("expected N min_lrs,
    ///   got M"), and ValueError for non-finite hyperparameters. (Unknown `mode` and
    ///   `threshold_mode` strings: `parseMode`, `parseThresholdMode`.)
    public init(_ optimizer: OptimizerState, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minLR: MinLR = .all(0), eps: Double = 1e-8) throws(LRSchedError) {
        try Self.checkFactor(factor)
        try requireFinite("factor", factor)
        minLRs = try minLR.resolved(expecting: "min_lrs", groups: optimizer.count)
        try requireFinite("min_lr", minLRs)
        if case .all(let v) = minLR { defaultMinLR = v }
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

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        super.init(copying: other, optimizer: optimizer)
    }

    /// `min_lrs` needs one value per group, unless `default_min_lr` refills it (as
    /// torch does at the next reduction).
    package override func checkLoadedState() throws(LRSchedError) {
        if defaultMinLR == nil { try StateField.checkPerGroup(minLRs, "min_lrs", self) }
    }

    /// torch's first check, before anything else.
    package static func checkFactor(_ factor: Double) throws(LRSchedError) {
        if factor >= 1.0 { throw .value("Factor should be < 1.0.") }
    }

    /// torch's `mode` check.
    public static func parseMode(_ name: String) throws(LRSchedError) -> Mode {
        guard let m = Mode(rawValue: name) else { throw .value("mode \(name) is unknown!") }
        return m
    }

    /// torch's `threshold_mode` check.
    public static func parseThresholdMode(_ name: String) throws(LRSchedError) -> ThresholdMode {
        guard let m = ThresholdMode(rawValue: name) else { throw .value("threshold mode \(name) is unknown!") }
        return m
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
            minLRIsInt = Array(repeating: defaultMinLRIsInt, count: n)
        }
        for i in 0..<n {
            let old = optimizer.lr(i)
            let candidate = old * factor
            let new = minLRs[i] > candidate ? minLRs[i] : candidate  // Python's max(candidate, min_lr)
            if old - new > eps { optimizer.groups[i].lr = new }
        }
    }
}

private let reduceLROnPlateau = SchedulerDescriptor(
    "ReduceLROnPlateau", summary: "reduces the lr by factor when a metric stops improving for patience epochs",
    parameters: [
        .init("mode", .string(choices: ["min", "max"]), default: .string("min"), doc: #"`"min"` or `"max"`: else `ValueError: mode median is unknown!`"#),
        .init("factor", .float, default: .float(0.1), schema: JSONObject([("exclusiveMaximum", .int(1))]),
              doc: "< 1.0: else `ValueError: Factor should be < 1.0.`"),
        .init("patience", .int, default: .int(10)),
        .init("threshold", .float, default: .float(1e-4)),
        .init("threshold_mode", .string(choices: ["rel", "abs"]), default: .string("rel"), doc: #"`"rel"` or `"abs"`: else `ValueError: threshold mode pct is unknown!`"#),
        .init("cooldown", .int, default: .int(0)),
        .init("min_lr", .perGroup(.float), default: .int(0), doc: "a list needs one entry per group, even with one group: else `ValueError: expected 3 min_lrs, got 2`"),
        .init("eps", .float, default: .float(1e-8)),
    ],
    flags: [.metric, .noEpoch],
    state: [
        .finite("factor", \ReduceLROnPlateau.factor), .defaultMinLR, .minLRs, .int("patience", \ReduceLROnPlateau.patience),
        .int("cooldown", \ReduceLROnPlateau.cooldown), .finite("eps", \ReduceLROnPlateau.eps),
        StateField.lastEpoch, StateField.lastLR,
        .derived("mode_worse", type: "float") { (s: ReduceLROnPlateau) in .float(s.modeWorse) },
        .choice("mode", \ReduceLROnPlateau.mode, parse: ReduceLROnPlateau.parseMode),
        .finite("threshold", \ReduceLROnPlateau.threshold),
        .choice("threshold_mode", \ReduceLROnPlateau.thresholdMode, parse: ReduceLROnPlateau.parseThresholdMode),
        .double("best", \ReduceLROnPlateau.best), .int("cooldown_counter", \ReduceLROnPlateau.cooldownCounter),
        .int("num_bad_epochs", \ReduceLROnPlateau.numBadEpochs),
    ],
    build: { (a, c) throws(LRSchedError) in
        // torch's order: factor, then min_lr, then mode, then threshold_mode.
        let factor = try a.double("factor")
        try ReduceLROnPlateau.checkFactor(factor)
        let minLR = try a.perGroup("min_lr")
        _ = try minLR.resolved(expecting: "min_lrs", groups: c.optimizer.count)
        let s = try ReduceLROnPlateau(
            c.optimizer, mode: ReduceLROnPlateau.parseMode(a.string("mode")), factor: factor,
            patience: a.int("patience"), threshold: a.double("threshold"),
            thresholdMode: ReduceLROnPlateau.parseThresholdMode(a.string("threshold_mode")),
            cooldown: a.int("cooldown"), minLR: minLR, eps: a.double("eps"))
        s.recordIntMinLRs(try a.value("min_lr"))
        return s
    })

extension ReduceLROnPlateau {
    /// Which of the spec's `min_lr` values were JSON ints (Python ints).
    func recordIntMinLRs(_ given: JSONValue) {
        if case .array(let items) = given {
            minLRIsInt = items.map { if case .int = $0 { true } else { false } }
        } else {
            if case .int = given { defaultMinLRIsInt = true }
            minLRIsInt = Array(repeating: defaultMinLRIsInt, count: minLRs.count)
        }
    }

    /// A number as torch holds it: an int when it was given as one (and is integral).
    static func number(_ v: Double, int: Bool) -> JSONValue {
        if int, let i = Int(exactly: v) { return .int(i) }
        return .float(v)
    }
}

extension StateField {
    /// `default_min_lr`: the scalar `min_lr` (an int when given as one), or None.
    fileprivate static let defaultMinLR = StateField(
        "default_min_lr", type: "float | int | None",
        save: { s in
            guard let s = s as? ReduceLROnPlateau, let d = s.defaultMinLR else { return .null }
            return ReduceLROnPlateau.number(d, int: s.defaultMinLRIsInt)
        },
        load: { (v, s) throws(LRSchedError) in
            guard let s = s as? ReduceLROnPlateau else { return }
            s.defaultMinLR = try StateValue.optionalFinite(v, "default_min_lr", s.typeName)
            if case .int = v { s.defaultMinLRIsInt = true } else { s.defaultMinLRIsInt = false }
        },
        assign: { from, to in
            guard let from = from as? ReduceLROnPlateau, let to = to as? ReduceLROnPlateau else { return }
            (to.defaultMinLR, to.defaultMinLRIsInt) = (from.defaultMinLR, from.defaultMinLRIsInt)
        })

    /// `min_lrs`: one per group, each an int when given as one.
    fileprivate static let minLRs = StateField(
        "min_lrs", type: "list[float | int]",
        save: { s in
            guard let s = s as? ReduceLROnPlateau else { return .null }
            return .array(s.minLRs.enumerated().map { (i, v) in
                ReduceLROnPlateau.number(v, int: i < s.minLRIsInt.count && s.minLRIsInt[i])
            })
        },
        load: { (v, s) throws(LRSchedError) in
            guard let s = s as? ReduceLROnPlateau else { return }
            s.minLRs = try StateValue.doubles(v, "min_lrs", s.typeName)
            s.minLRIsInt = (v.arrayValue ?? []).map { if case .int = $0 { true } else { false } }
        },
        assign: { from, to in
            guard let from = from as? ReduceLROnPlateau, let to = to as? ReduceLROnPlateau else { return }
            (to.minLRs, to.minLRIsInt) = (from.minLRs, from.minLRIsInt)
        })
}
