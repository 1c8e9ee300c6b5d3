import LRSchedSupport
import LRSchedJSON

/// torch's `CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000,
/// step_size_down=None, mode='triangular', gamma=1.0, scale_fn=None, scale_mode='cycle',
/// cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1)`: the lr
/// cycles between `base_lr` and `max_lr` (and momentum inversely between
/// `max_momentum` and `base_momentum`), one step per batch.
///
/// Absolute, torch's operation order:
/// `cycle = floor(1 + e / total)`, `x = 1.0 + e / total - cycle`,
/// `scale = x / ratio` if `x <= ratio` else `(x - 1) / (ratio - 1)`,
/// `lr = base + ((max - base) * scale) * f(arg)`,
/// `momentum = max_m - ((max_m - base_m) * scale) * f(arg)`, where `f` is 1
/// (`triangular`), `1 / 2.0 ** (cycle - 1)` (`triangular2`) or `gamma ** e`
/// (`exp_range`) and `arg` is `cycle` or `e` by scale mode.
///
/// Construction sets each group's lr to `base_lr`, and (with `cycle_momentum`) its
/// momentum to `max_momentum`; the construction step computes from `initial_lr`, so an
/// earlier scheduler's `initial_lr` wins for that first value, as in torch.
///
/// | step | 0 | 1 | 2 | 3 | 4 |
/// |---|---|---|---|---|---|
/// | lr (base 0.01, max 0.1, up 3) | 0.01 | 0.040000000000000015 | 0.06999999999999999 | 0.1 | 0.07000000000000003 |
public final class CyclicLR: LRScheduler {
    public enum Mode: String, Sendable { case triangular, triangular2, exp_range }
    public enum ScaleMode: String, Sendable { case cycle, iterations }

    @exclusivity(unchecked) public package(set) var maxLRs: [Double] = []
    @exclusivity(unchecked) public package(set) var totalSize: Double = 1
    @exclusivity(unchecked) public package(set) var stepRatio: Double = 0.5
    /// With a custom `scaleFn`: kept as given (nil for a name that is not a mode), not read.
    @exclusivity(unchecked) public package(set) var mode: Mode? = .triangular
    @exclusivity(unchecked) public package(set) var gamma: Double = 1
    @exclusivity(unchecked) public package(set) var scaleMode: ScaleMode = .cycle
    @exclusivity(unchecked) public package(set) var cycleMomentum: Bool = true
    @exclusivity(unchecked) public package(set) var baseMomentums: [Double] = []
    @exclusivity(unchecked) public package(set) var maxMomentums: [Double] = []
    @exclusivity(unchecked) package var customScaleFn: ((Double) throws(LRSchedError) -> Double)?
    override public class var descriptor: SchedulerDescriptor { cyclicLR }

    /// Per-group values: one for every group (`0.1`) or a list with one per group.
    ///
    /// - Parameters:
    ///   - stepSizeDown: nil means `stepSizeUp`.
    ///   - scaleFn: a custom scale function (torch's `scale_fn`); `mode` is then ignored
    ///     and `scaleMode` is used as given.
    /// - Throws: ZeroDivisionError when both step sizes are 0 (or `up` is 0 at the
    ///   construction step), ValueError for list lengths, and ValueError("optimizer
    ///   must support momentum or beta1 with `cycle_momentum` option enabled").
    public init(_ optimizer: OptimizerState, baseLR: PerGroup, maxLR: PerGroup, stepSizeUp: Double = 2000,
                stepSizeDown: Double? = nil, mode: Mode = .triangular, gamma: Double = 1.0,
                scaleFn: ((Double) throws(LRSchedError) -> Double)? = nil, scaleMode: ScaleMode = .cycle,
                cycleMomentum: Bool = true, baseMomentum: PerGroup = 0.8, maxMomentum: PerGroup = 0.9,
                lastEpoch: Int = -1) throws(LRSchedError) {
        let snapshot = optimizer.groups
        let n = optimizer.count
        try requireFinite("base_lr", baseLR.values)
        try requireFinite("max_lr", maxLR.values)
        try requireFinite("step_size_up", stepSizeUp)
        if let d = stepSizeDown { try requireFinite("step_size_down", d) }
        try requireFinite("gamma", gamma)
        try requireFinite("base_momentum", baseMomentum.values)
        try requireFinite("max_momentum", maxMomentum.values)
        let baseLRs = try baseLR.resolved("base_lr", groups: n)
        let maxLRs = try maxLR.resolved("max_lr", groups: n)
        let (total, ratio) = try Self.stepSizes(up: stepSizeUp, down: stepSizeDown)
        var baseM: [Double] = []
        var maxM: [Double] = []
        if cycleMomentum {
            if optimizer.momentumKind == .none {
                throw .value("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            }
            baseM = try baseMomentum.resolved("base_momentum", groups: n)
            maxM = try maxMomentum.resolved("max_momentum", groups: n)
        }
        if lastEpoch == -1 {
            for i in 0..<n { optimizer.groups[i].lr = baseLRs[i] }
            if cycleMomentum {
                for i in 0..<n {
                    optimizer.setCycledMomentum(i, maxM[i])
                    optimizer.groups[i].maxMomentum = maxM[i]
                    optimizer.groups[i].baseMomentum = baseM[i]
                }
            }
        }
        self.maxLRs = maxLRs
        self.totalSize = total
        self.stepRatio = ratio
        self.customScaleFn = scaleFn
        if scaleFn != nil {
            self.mode = mode  // kept, as torch keeps it, but not read
            self.scaleMode = scaleMode
        } else {
            self.mode = mode
            self.scaleMode = mode == .exp_range ? .iterations : .cycle
        }
        (self.gamma, self.cycleMomentum, self.baseMomentums, self.maxMomentums) = (gamma, cycleMomentum, baseM, maxM)
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch, restoringOnFailure: snapshot)
        try constructionStep()
        self.baseLRs = baseLRs
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        customScaleFn = (other as? CyclicLR)?.customScaleFn
        super.init(copying: other, optimizer: optimizer)
    }

    /// torch's `total_size` and `step_ratio`: ZeroDivisionError when both are 0.
    static func stepSizes(up: Double, down: Double?) throws(LRSchedError) -> (total: Double, ratio: Double) {
        let total = up + (down ?? up)
        return (total, try Py.div(up, total))
    }

    /// torch's `mode` check (without a custom `scale_fn`).
    public static func parseMode(_ name: String) throws(LRSchedError) -> Mode {
        guard let m = Mode(rawValue: name) else { throw .value("mode is invalid and scale_fn is None") }
        return m
    }

    /// A loaded state: per-group lists match `base_lrs`; the mode decides the scale
    /// mode (torch's `_init_scale_fn`), unless a custom scale function is in use.
    package override func checkLoadedState() throws(LRSchedError) {
        let n = baseLRs.count
        var lists = [("max_lrs", maxLRs.count)]
        if cycleMomentum { lists += [("base_momentums", baseMomentums.count), ("max_momentums", maxMomentums.count)] }
        for (key, count) in lists where count != n {
            throw .value("CyclicLR state: '\(key)' has \(count) values, base_lrs has \(n)")
        }
        if customScaleFn != nil {
            return  // the mode is not read (torch keeps what was loaded)
        } else if let mode {
            scaleMode = mode == .exp_range ? .iterations : .cycle
        } else {
            throw .value("CyclicLR state: 'mode' is null but no scale_fn was given")
        }
    }

    @inline(__always)
    package func scale(_ x: Double) throws(LRSchedError) -> Double {
        if let f = customScaleFn { return try f(x) }
        switch mode {
        case .triangular, .none: return 1.0
        case .triangular2: return 1 / (try Py.floatPow(2.0, x - 1))
        case .exp_range: return try Py.floatPow(gamma, x)
        }
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = Double(lastEpoch)
        let q = try Py.div(e, totalSize)
        let cycle = (1 + q).rounded(.down)
        let x = 1.0 + q - cycle
        let scaleFactor = x <= stepRatio ? try Py.div(x, stepRatio) : try Py.div(x - 1, stepRatio - 1)
        let f = try scale(scaleMode == .cycle ? cycle : e)
        for i in 0..<baseLRs.count {
            let height = (maxLRs[i] - baseLRs[i]) * scaleFactor
            newLRs[i] = baseLRs[i] + height * f
        }
        lrsPerBaseLR = true
        if cycleMomentum {
            for i in 0..<baseLRs.count {
                let height = (maxMomentums[i] - baseMomentums[i]) * scaleFactor
                newMomenta[i] = maxMomentums[i] - height * f
            }
            momentaComputed = true
        }
    }
}

private let cyclicLR = SchedulerDescriptor(
    "CyclicLR", summary: "cycles the lr between base_lr and max_lr (and the momentum inversely), one step per batch",
    parameters: [
        .init("base_lr", .perGroup(.float), doc: "per group"),
        .init("max_lr", .perGroup(.float), doc: "per group"),
        .init("step_size_up", .float, default: .int(2000), doc: "int or float (torch converts with `float()`)"),
        .init("step_size_down", .nullable(.float), default: .null, doc: "`null` means `step_size_up`"),
        .init("mode", .string(choices: ["triangular", "triangular2", "exp_range"]), default: .string("triangular"),
              doc: #"`"triangular"`, `"triangular2"` or `"exp_range"`: else `ValueError: mode is invalid and scale_fn is None`"#),
        .init("gamma", .float, default: .float(1.0), doc: "used by `exp_range`"),
        .init("scale_fn", .scaleFunction, default: .null, doc: "a custom scale function (replaces mode)"),
        .init("scale_mode", .string(choices: ["cycle", "iterations"]), default: .string("cycle"),
              doc: #"any string; **ignored**, as in torch without `scale_fn`: `exp_range` uses `"iterations"` and the other modes `"cycle"`"#),
        .init("cycle_momentum", .bool, default: .bool(true)),
        .init("base_momentum", .perGroup(.float), default: .float(0.8), doc: "per group; only read when `cycle_momentum` is true"),
        .init("max_momentum", .perGroup(.float), default: .float(0.9), doc: "per group; only read when `cycle_momentum` is true"),
        .lastEpoch,
    ],
    state: [
        .doubles("max_lrs", \CyclicLR.maxLRs), .finite("total_size", \CyclicLR.totalSize),
        .finite("step_ratio", \CyclicLR.stepRatio),
        .stored("mode", \CyclicLR.mode, type: "str | None", encode: { $0.map { .string($0.rawValue) } ?? .null },
                decode: { (v, o) throws(LRSchedError) -> CyclicLR.Mode? in
                    guard !v.isNull else { return nil }
                    guard let m = v.stringValue.flatMap(CyclicLR.Mode.init(rawValue:)) else {
                        throw .value("CyclicLR state: 'mode' must be 'triangular', 'triangular2' or 'exp_range'")
                    }
                    return m
                }),
        .finite("gamma", \CyclicLR.gamma),
        .choice("scale_mode", \CyclicLR.scaleMode, parse: { (name) throws(LRSchedError) in
            guard let m = CyclicLR.ScaleMode(rawValue: name) else {
                throw .value("CyclicLR state: 'scale_mode' must be 'cycle' or 'iterations', got '\(name)'")
            }
            return m
        }),
        .bool("cycle_momentum", \CyclicLR.cycleMomentum),
    ] + StateField.cyclicMomenta + StateField.base + [.constant("_scale_fn_custom", .null)],
    build: { (a, c) throws(LRSchedError) in
        // torch's order: the per-group lrs, the step ratio, then the mode.
        let n = c.optimizer.count
        let baseLR = try a.perGroup("base_lr")
        let maxLR = try a.perGroup("max_lr")
        _ = try baseLR.resolved("base_lr", groups: n)
        _ = try maxLR.resolved("max_lr", groups: n)
        let up = try a.double("step_size_up")
        let down = try a.optional("step_size_down").map { (v) throws(LRSchedError) in
            try SpecArguments.double(v, key: "step_size_down", owner: "CyclicLR")
        }
        _ = try CyclicLR.stepSizes(up: up, down: down)
        let scaleFn = try CyclicLR.scaleFunction(a.optional("scale_fn"), c)
        let scaleMode = try CyclicLR.scaleMode(a.string("scale_mode"), custom: scaleFn != nil)
        let modeName = try a.string("mode")
        let s = try CyclicLR(
            c.optimizer, baseLR: baseLR, maxLR: maxLR, stepSizeUp: up, stepSizeDown: down,
            mode: scaleFn != nil ? .triangular : CyclicLR.parseMode(modeName),
            gamma: a.double("gamma"), scaleFn: scaleFn, scaleMode: scaleMode, cycleMomentum: a.bool("cycle_momentum"),
            baseMomentum: a.perGroup("base_momentum"), maxMomentum: a.perGroup("max_momentum"), lastEpoch: a.int("last_epoch"))
        if scaleFn != nil { s.mode = CyclicLR.Mode(rawValue: modeName) }  // torch keeps any string
        return s
    })

extension StateField {
    /// CyclicLR's momentum state, which torch sets only with `cycle_momentum`.
    fileprivate static let cyclicMomenta: [StateField] = {
        let fields: [StateField] = [
            .derived("use_beta1", type: "bool") { (s: CyclicLR) in .bool(s.optimizer.momentumKind == .betas) },
            .doubles("base_momentums", \CyclicLR.baseMomentums), .doubles("max_momentums", \CyclicLR.maxMomentums),
        ]
        return fields.map { $0.only(when: { (s: CyclicLR) in s.cycleMomentum }) }
    }()
}
