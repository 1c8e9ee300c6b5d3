import LRSchedSupport
import LRSchedJSON

/// transformers' `GreedyLR(optimizer, mode="min", factor=0.95, patience=10,
/// threshold=1e-6, threshold_mode="abs", cooldown=0, warmup=0, min_lr=1e-3, max_lr=1.0,
/// eps=1e-8, verbose=False, smooth=False, window_size=50, reset_start=500)`: divides the
/// lr by `factor` after more than `patience` improving steps, multiplies it by `factor`
/// after more than `patience` steps without improvement.
///
/// Step with `step(metric:)` (optionally smoothed by a rolling mean over `window_size`
/// values). A metric is better than `best` as ReduceLROnPlateau's rule with GreedyLR's
/// defaults. Cooldown steps follow a reduction, warmup steps an increase; both reset the
/// counters. A reduction sets `max(lr * factor, min_lr)` when it lowers the lr by more
/// than `eps`; an increase `min(lr / factor, max_lr)` when it raises it by more than
/// `eps`. When every group sits at its `min_lr` after a reduction, `reset_start` counts
/// down; at 0 the scheduler resets: lrs back to their initial values, counters cleared.
///
/// Differences from transformers: `verbose` is kept but prints nothing; a failing step
/// changes nothing; hyperparameters must be finite; loading a state does not write the
/// saved `_last_lr` into the optimizer (load the optimizer's state first);
/// `_streaming_avg` is saved as `null` without smoothing (transformers omits it).
/// Not composable: SequentialLR and ChainedScheduler refuse it (ValueError).
public final class GreedyLR: LRScheduler {
    public typealias Mode = ReduceLROnPlateau.Mode
    public typealias ThresholdMode = ReduceLROnPlateau.ThresholdMode

    @exclusivity(unchecked) public package(set) var factor: Double = 0.95
    @exclusivity(unchecked) public package(set) var minLRs: [Double] = []
    @exclusivity(unchecked) public package(set) var maxLRs: [Double] = []
    @exclusivity(unchecked) public package(set) var patience: Int = 10
    @exclusivity(unchecked) public package(set) var verbose: Bool = false
    @exclusivity(unchecked) public package(set) var cooldown: Int = 0
    @exclusivity(unchecked) public package(set) var warmup: Int = 0
    @exclusivity(unchecked) public package(set) var cooldownCounter: Int = 0
    @exclusivity(unchecked) public package(set) var warmupCounter: Int = 0
    @exclusivity(unchecked) public package(set) var mode: Mode = .min
    @exclusivity(unchecked) public package(set) var threshold: Double = 1e-6
    @exclusivity(unchecked) public package(set) var thresholdMode: ThresholdMode = .abs
    @exclusivity(unchecked) public package(set) var best: Double = .infinity
    @exclusivity(unchecked) public package(set) var numBadEpochs: Int = 0
    @exclusivity(unchecked) public package(set) var numGoodEpochs: Int = 0
    @exclusivity(unchecked) public package(set) var eps: Double = 1e-8
    @exclusivity(unchecked) public package(set) var smooth: Bool = false
    @exclusivity(unchecked) public package(set) var windowSize: Int = 50
    @exclusivity(unchecked) public package(set) var resetStart: Int = 500
    @exclusivity(unchecked) public package(set) var resetStartOriginal: Int = 500
    @exclusivity(unchecked) public package(set) var initLRs: [Double] = []
    @exclusivity(unchecked) package var streamingAverage: StreamingAverage? = nil
    override public class var descriptor: SchedulerDescriptor { greedyLR }

    /// The hyperparameters, with transformers' defaults.
    public struct Options: Sendable {
        public var mode: Mode = .min, factor = 0.95, patience = 10, threshold = 1e-6
        public var thresholdMode: ThresholdMode = .abs, cooldown = 0, warmup = 0
        public var minLR: PerGroup = .all(1e-3), maxLR: PerGroup = .all(1.0), eps = 1e-8
        public var verbose = false, smooth = false, windowSize = 50, resetStart = 500
        public init() {}
    }

    /// - Throws: ReduceLROnPlateau's ValueError for `factor`, ValueError("expected N min_lrs,
    ///   got M") and its `max_lrs` twin, in transformers' order; ValueError for
    ///   non-finite hyperparameters. (Unknown mode strings: `ReduceLROnPlateau.parseMode`.)
    public init(_ optimizer: OptimizerState, _ o: Options = Options()) throws(LRSchedError) {
        try ReduceLROnPlateau.checkFactor(o.factor)
        let n = optimizer.count
        minLRs = try o.minLR.resolved(expecting: "min_lrs", groups: n)
        maxLRs = try o.maxLR.resolved(expecting: "max_lrs", groups: n)
        for (name, v) in [("factor", o.factor), ("threshold", o.threshold), ("eps", o.eps)] { try requireFinite(name, v) }
        try requireFinite("min_lr", minLRs)
        try requireFinite("max_lr", maxLRs)
        (factor, patience, verbose, cooldown, warmup) = (o.factor, o.patience, o.verbose, o.cooldown, o.warmup)
        (mode, threshold, thresholdMode, eps) = (o.mode, o.threshold, o.thresholdMode, o.eps)
        (smooth, windowSize, resetStart, resetStartOriginal) = (o.smooth, o.windowSize, o.resetStart, o.resetStart)
        best = o.mode == .min ? .infinity : -.infinity
        super.init(withoutBaseState: optimizer, lastEpoch: 0)
        initLRs = optimizer.groups.map(\.lr)
        if smooth { streamingAverage = StreamingAverage(windowSize: windowSize) }
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        super.init(copying: other, optimizer: optimizer)
    }

    override public func step() throws(LRSchedError) {
        throw .type("GreedyLR.step() missing 1 required positional argument: 'metrics'")
    }

    override public func step(epoch: Int) throws(LRSchedError) {
        throw .type("GreedyLR.step() missing 1 required positional argument: 'metrics'")
    }

    /// One step with this step's metric. On failure nothing changes.
    public override func step(metric: Double) throws(LRSchedError) {
        var p = Progress(self)
        var current = metric
        if smooth, var avg = p.average {
            current = try avg.add(metric)
            p.average = avg
        }
        let epoch = try Py.add(lastEpoch, 1)
        var lrs = optimizer.groups.map(\.lr)
        try decide(current, &p, &lrs)
        for i in 0..<min(lrs.count, optimizer.groups.count) { optimizer.groups[i].lr = lrs[i] }
        p.store(in: self)
        lastEpoch = epoch
        recordLastLR()
    }

    /// The counters a step changes, applied only when the whole step succeeded.
    struct Progress {
        var best: Double, bad: Int, good: Int, cooling: Int, warming: Int, resetStart: Int
        var average: StreamingAverage?

        init(_ s: GreedyLR) {
            (best, bad, good, cooling, warming) = (s.best, s.numBadEpochs, s.numGoodEpochs, s.cooldownCounter, s.warmupCounter)
            (resetStart, average) = (s.resetStart, s.streamingAverage)
        }

        func store(in s: GreedyLR) {
            (s.best, s.numBadEpochs, s.numGoodEpochs, s.cooldownCounter, s.warmupCounter) = (best, bad, good, cooling, warming)
            (s.resetStart, s.streamingAverage) = (resetStart, average)
        }
    }

    /// transformers' `step` after the epoch bookkeeping.
    private func decide(_ current: Double, _ p: inout Progress, _ lrs: inout [Double]) throws(LRSchedError) {
        if p.cooling > 0 {
            (p.cooling, p.bad, p.good) = (p.cooling - 1, 0, 0)
            return
        }
        if p.warming > 0 {
            (p.warming, p.bad, p.good) = (p.warming - 1, 0, 0)
            return
        }
        if isBetter(current, p.best) {
            (p.best, p.bad, p.good) = (current, 0, try Py.add(p.good, 1))
        } else {
            (p.bad, p.good) = (try Py.add(p.bad, 1), 0)
        }
        if p.good > patience {
            try increase(&lrs)
            (p.resetStart, p.warming, p.good) = (resetStartOriginal, warmup, 0)
        } else if p.bad > patience {
            try reduce(&lrs, &p)
            (p.cooling, p.bad) = (cooldown, 0)
        }
    }

    /// transformers' `is_better(current, best)`.
    package func isBetter(_ current: Double, _ best: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): return current < best * (1.0 - threshold)
        case (.min, .abs): return current < best - threshold
        case (.max, .rel): return current > best * (1.0 + threshold)
        case (.max, .abs): return current > best + threshold
        }
    }

    /// `values[i]`, or ValueError (Python's IndexError) when a group was added since.
    private func entry(_ values: [Double], _ i: Int, _ name: String) throws(LRSchedError) -> Double {
        guard i < values.count else {
            throw .value("GreedyLR: '\(name)' has \(values.count) values for \(optimizer.groups.count) param groups")
        }
        return values[i]
    }

    /// `_reduce_lr`: `max(lr * factor, min_lr)` where it lowers the lr by more than eps;
    /// then the reset countdown when every group is at its minimum.
    private func reduce(_ lrs: inout [Double], _ p: inout Progress) throws(LRSchedError) {
        var allAtMin = true
        for i in lrs.indices {
            let minLR = try entry(minLRs, i, "min_lrs")
            let candidate = lrs[i] * factor
            let new = minLR > candidate ? minLR : candidate
            if lrs[i] - new > eps { lrs[i] = new }
            if lrs[i] > minLR { allAtMin = false }
        }
        guard allAtMin else { return }
        p.resetStart = try Py.sub(p.resetStart, 1)
        if p.resetStart <= 0 { try reset(&lrs, &p) }
    }

    /// `_increase_lr`: `min(lr / factor, max_lr)` where it raises the lr by more than eps.
    private func increase(_ lrs: inout [Double]) throws(LRSchedError) {
        for i in lrs.indices {
            let maxLR = try entry(maxLRs, i, "max_lrs")
            let candidate = try Py.div(lrs[i], factor)
            let new = maxLR < candidate ? maxLR : candidate
            if new - lrs[i] > eps { lrs[i] = new }
        }
    }

    /// `_reset`: the initial lrs, the counters and the rolling mean cleared.
    private func reset(_ lrs: inout [Double], _ p: inout Progress) throws(LRSchedError) {
        for i in lrs.indices { lrs[i] = try entry(initLRs, i, "_init_lrs") }
        p.best = mode == .min ? .infinity : -.infinity
        (p.bad, p.good, p.cooling, p.warming, p.resetStart) = (0, 0, 0, 0, resetStartOriginal)
        if smooth, p.average != nil { p.average = StreamingAverage(windowSize: windowSize) }
    }
}

/// transformers' `StreamingAverage(window_size)`: the mean of the last `window_size`
/// values (`sum` kept running: added, and the oldest subtracted once the window is full).
package struct StreamingAverage: Sendable, Equatable {
    package var windowSize: Int
    package var values: [Double] = []
    package var sum: Double = 0.0

    package init(windowSize: Int, values: [Double] = [], sum: Double = 0.0) {
        self.windowSize = windowSize
        self.values = values
        self.sum = sum
    }

    /// `streamavg(value)`: adds the value and returns the mean.
    /// - Throws: ZeroDivisionError("float division by zero") when the window is empty
    ///   after the value (`window_size <= 0`); nothing changes then.
    package mutating func add(_ value: Double) throws(LRSchedError) -> Double {
        var next = self
        next.values.append(value)
        next.sum += value
        if next.values.count > windowSize {
            next.sum -= next.values.removeFirst()
        }
        let mean = try Py.div(next.sum, Double(next.values.count))
        self = next
        return mean
    }

    /// `state_dict()`: `{"window_size", "values", "sum"}`.
    var json: JSONValue {
        .object(JSONObject([("window_size", .int(windowSize)), ("values", .floats(values)), ("sum", .float(sum))]))
    }

    /// `load_state_dict(state)` over `self`: absent keys become transformers' defaults
    /// (the window kept, no values, sum 0.0).
    static func load(_ v: JSONValue, into s: GreedyLR) throws(LRSchedError) {
        if v.isNull { return }
        let owner = s.typeName
        guard case .object(let o) = v else { throw .value("\(owner) state: '_streaming_avg' must be an object, got \(v.typeName)") }
        for k in o.keys where !["window_size", "values", "sum"].contains(k) {
            throw .value("\(owner) state: unknown key '_streaming_avg.\(k)'")
        }
        var avg = s.streamingAverage ?? StreamingAverage(windowSize: s.windowSize)
        if let w = o["window_size"] { avg.windowSize = try StateValue.int(w, "_streaming_avg.window_size", owner) }
        avg.values = try o["values"].map { (x) throws(LRSchedError) in try StateValue.doubles(x, "_streaming_avg.values", owner, finite: false) } ?? []
        avg.sum = try o["sum"].map { (x) throws(LRSchedError) in try StateValue.double(x, "_streaming_avg.sum", owner) } ?? 0.0
        s.streamingAverage = avg
    }
}

extension GreedyLR {
    /// The spec arguments as `Options`, checked in transformers' order: factor, min_lr,
    /// max_lr, mode, threshold_mode.
    static func options(_ a: SpecArguments, groups n: Int) throws(LRSchedError) -> Options {
        var o = Options()
        o.factor = try a.double("factor")
        try ReduceLROnPlateau.checkFactor(o.factor)
        o.minLR = try a.perGroup("min_lr")
        _ = try o.minLR.resolved(expecting: "min_lrs", groups: n)
        o.maxLR = try a.perGroup("max_lr")
        _ = try o.maxLR.resolved(expecting: "max_lrs", groups: n)
        o.mode = try ReduceLROnPlateau.parseMode(a.string("mode"))
        o.thresholdMode = try ReduceLROnPlateau.parseThresholdMode(a.string("threshold_mode"))
        (o.patience, o.threshold, o.cooldown, o.warmup) = (try a.int("patience"), try a.double("threshold"), try a.int("cooldown"), try a.int("warmup"))
        (o.eps, o.verbose, o.smooth) = (try a.double("eps"), try a.bool("verbose"), try a.bool("smooth"))
        (o.windowSize, o.resetStart) = (try a.int("window_size"), try a.int("reset_start"))
        return o
    }

    static let streamingAverageField = StateField(
        "_streaming_avg", save: { s in (s as? GreedyLR)?.streamingAverage?.json ?? .null },
        load: { (v, s) throws(LRSchedError) in
            guard let s = s as? GreedyLR else { throw .notImplemented("_streaming_avg: state field of another class") }
            try StreamingAverage.load(v, into: s)
        },
        assign: { from, to in
            if let from = from as? GreedyLR, let to = to as? GreedyLR { to.streamingAverage = from.streamingAverage }
        })
}

private let greedyLR = SchedulerDescriptor(
    "GreedyLR", library: "transformers",
    summary: "divides the lr by factor while a metric improves, multiplies it by factor on plateaus",
    parameters: [
        .init("mode", .string(choices: ["min", "max"]), default: .string("min"), doc: #"`"min"` or `"max"`: else `ValueError: mode up is unknown!`"#),
        .init("factor", .float, default: .float(0.95), schema: JSONObject([("exclusiveMaximum", .int(1))]),
              doc: "< 1.0: else the ValueError of ReduceLROnPlateau's `factor`; the lr is multiplied by it on plateaus and divided by it on improvement"),
        .init("patience", .int, default: .int(10), doc: "steps of improvement (or of none) before the lr changes"),
        .init("threshold", .float, default: .float(1e-6)),
        .init("threshold_mode", .string(choices: ["rel", "abs"]), default: .string("abs"), doc: #"`"rel"` or `"abs"`: else `ValueError: threshold mode pct is unknown!`"#),
        .init("cooldown", .int, default: .int(0), doc: "steps ignored after a reduction"),
        .init("warmup", .int, default: .int(0), doc: "steps ignored after an increase"),
        .init("min_lr", .perGroup(.float), default: .float(1e-3), doc: "a list needs one entry per group: else `ValueError: expected 2 min_lrs, got 1`"),
        .init("max_lr", .perGroup(.float), default: .float(1.0), doc: "a list needs one entry per group: else `ValueError: expected 2 max_lrs, got 1`"),
        .init("eps", .float, default: .float(1e-8), doc: "smaller changes of the lr are skipped"),
        .init("verbose", .bool, default: .bool(false), doc: "accepted; lrsched prints nothing"),
        .init("smooth", .bool, default: .bool(false), doc: "decide on the rolling mean of the last `window_size` metrics"),
        .init("window_size", .int, default: .int(50), doc: "`<= 0` with `smooth`: `ZeroDivisionError` at the first step"),
        .init("reset_start", .int, default: .int(500), doc: "reductions at every group's min_lr before the scheduler resets to its initial lrs"),
    ],
    flags: [.metric, .noEpoch],
    state: [
        .finite("factor", \GreedyLR.factor), .doubles("min_lrs", \GreedyLR.minLRs), .doubles("max_lrs", \GreedyLR.maxLRs),
        .int("patience", \GreedyLR.patience), .bool("verbose", \GreedyLR.verbose), .int("cooldown", \GreedyLR.cooldown),
        .int("warmup", \GreedyLR.warmup), .int("cooldown_counter", \GreedyLR.cooldownCounter),
        .int("warmup_counter", \GreedyLR.warmupCounter),
        .choice("mode", \GreedyLR.mode, parse: ReduceLROnPlateau.parseMode), .finite("threshold", \GreedyLR.threshold),
        .choice("threshold_mode", \GreedyLR.thresholdMode, parse: ReduceLROnPlateau.parseThresholdMode),
        .double("best", \GreedyLR.best), .int("num_bad_epochs", \GreedyLR.numBadEpochs),
        .int("num_good_epochs", \GreedyLR.numGoodEpochs), .finite("eps", \GreedyLR.eps), StateField.lastEpoch,
        .bool("smooth", \GreedyLR.smooth), .int("window_size", \GreedyLR.windowSize), .int("reset_start", \GreedyLR.resetStart),
        .int("reset_start_original", \GreedyLR.resetStartOriginal), StateField.lastLR,
        .doubles("_init_lrs", \GreedyLR.initLRs), GreedyLR.streamingAverageField,
    ],
    build: { (a, c) throws(LRSchedError) in
        try GreedyLR(c.optimizer, GreedyLR.options(a, groups: c.optimizer.count))
    })
