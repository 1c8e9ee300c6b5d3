import LRSched

/// The kinds of vector files (the conformance README's three).
public enum VectorKind: String, Sendable {
    case schedules, errors, training

    /// Detects a file's kind from its content: training files hold `meta.datasets` or
    /// cases with a `model`; error files' cases carry `error`; anything else with
    /// `cases` is a schedules file.
    public static func detect(_ doc: JSONValue) -> VectorKind? {
        guard let cases = doc["cases"]?.arrayValue else { return nil }
        if doc["meta"]?["datasets"] != nil { return .training }
        if cases.contains(where: { $0["model"] != nil }) { return .training }
        if cases.contains(where: { $0["error"] != nil }) { return .errors }
        return .schedules
    }
}

/// One case's outcome.
public struct CaseOutcome: Sendable {
    public var name: String
    public var failure: String?
    public var passed: Bool { failure == nil }

    public init(name: String, failure: String? = nil) {
        self.name = name
        self.failure = failure
    }
}

/// A built schedule case: the optimizer and its schedulers, stepped as the vectors
/// record them (every scheduler after every step, in list order; the metric-driven
/// ones (`flags` has `.metric`) with that step's metric).
public struct ScheduleRun {
    public let optimizer: OptimizerState
    public let schedulers: [LRScheduler]
    public let metrics: [Double]?
    /// added-groups.json's `add_group`: the step before which a group (the optimizer's
    /// defaults but that lr) is added, and the group; nil for other cases.
    public let addGroup: (beforeStep: Int, group: ParamGroup)?
    private let initialGroupCount: Int

    /// Builds the optimizer and the schedulers of a case object.
    public init(case c: JSONValue, lrFunctions: @escaping SchedulerSpec.Resolver = SchedulerSpec.standardResolver) throws(LRSchedError) {
        guard let opt = c["optimizer"] else { throw LRSchedError(.valueError, "case has no 'optimizer'") }
        let optimizer = try OptimizerState(spec: opt)  // timm's groups' lr_scale is a group key
        guard let specs = c["schedulers"]?.arrayValue else {
            throw LRSchedError(.valueError, "case has no 'schedulers' list")
        }
        var built: [LRScheduler] = []
        for s in specs {
            built.append(try SchedulerSpec.build(s, optimizer: optimizer, lrFunctions: lrFunctions))
        }
        var metrics: [Double]? = nil
        if let m = c["metrics"] {
            guard let items = m.arrayValue else { throw LRSchedError(.valueError, "'metrics' must be a list") }
            var out: [Double] = []
            for item in items {
                switch item {
                case .int(let i): out.append(Double(i))
                case .float(let d): out.append(d)
                case .string(let s) where s == "NaN": out.append(.nan)
                case .string(let s) where s == "Infinity": out.append(.infinity)
                case .string(let s) where s == "-Infinity": out.append(-.infinity)
                default: throw LRSchedError(.valueError, "'metrics' must hold numbers")
                }
            }
            metrics = out
        }
        self.optimizer = optimizer
        self.schedulers = built
        self.metrics = metrics
        self.addGroup = try Self.parseAddGroup(c["add_group"], defaults: optimizer.defaults)
        self.initialGroupCount = optimizer.groups.count
    }

    /// `{"before_step": k, "group": {"lr": x}}` as (k, the defaults with lr x).
    static func parseAddGroup(_ v: JSONValue?, defaults: ParamGroup) throws(LRSchedError) -> (beforeStep: Int, group: ParamGroup)? {
        guard let v else { return nil }
        guard let k = v["before_step"]?.intValue, let lr = v["group"]?["lr"]?.numberOrNonFinite else {
            throw LRSchedError(.valueError, "'add_group' needs an int 'before_step' and a 'group' with an 'lr'")
        }
        var g = defaults
        g.lr = lr
        return (k, g)
    }

    /// Adds the case's group once step `k` is at or past its `before_step` (once).
    public func addGroupIfDue(_ k: Int) throws(LRSchedError) {
        guard let addGroup, k >= addGroup.beforeStep, optimizer.groups.count == initialGroupCount else { return }
        try optimizer.addParamGroup(addGroup.group)
    }

    /// The metric of step `k`, or nil when the case has none.
    private func metric(_ k: Int) -> Double? {
        guard let metrics, k >= 1, k - 1 < metrics.count else { return nil }
        return metrics[k - 1]
    }

    /// Step `k` (1-based): every scheduler once, in order. timm's schedulers
    /// (`stepIndex` `.epoch`/`.update`) get `k` itself, and the case's metric when it has
    /// metrics: `step(k, metrics[k-1])` or `step_update(k, ...)`.
    public func step(_ k: Int) throws(LRSchedError) {
        try addGroupIfDue(k)
        for s in schedulers {
            if s.stepIndex == .epoch {
                try s.step(epoch: k, metric: metric(k))
            } else if s.stepIndex == .update {
                try s.stepUpdate(k, metric: metric(k))
            } else if s.flags.contains(.metric) {
                guard let metrics, k - 1 < metrics.count, k >= 1 else {
                    throw LRSchedError(.valueError, "\(s.typeName) needs a metric for step \(k)")
                }
                try s.step(metric: metrics[k - 1])
            } else {
                try s.step()
            }
        }
    }

    /// The groups' lrs.
    public var lrs: [Double] { optimizer.groups.map(\.lr) }

    /// The groups' momenta as cycled schedulers write them (`betas[0]` for Adam-style).
    public var momenta: [Double] {
        optimizer.groups.map { optimizer.momentumKind == .betas ? ($0.beta1 ?? 0) : $0.momentum }
    }
}
