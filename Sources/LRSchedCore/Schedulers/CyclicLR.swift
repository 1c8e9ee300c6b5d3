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

    @exclusivity(unchecked) public package(set) var maxLRs: [Double]
    @exclusivity(unchecked) public package(set) var totalSize: Double
    @exclusivity(unchecked) public package(set) var stepRatio: Double
    /// nil when a custom `scaleFn` is used.
    @exclusivity(unchecked) public package(set) var mode: Mode?
    @exclusivity(unchecked) public package(set) var gamma: Double
    @exclusivity(unchecked) public package(set) var scaleMode: ScaleMode
    @exclusivity(unchecked) public package(set) var cycleMomentum: Bool
    @exclusivity(unchecked) public package(set) var baseMomentums: [Double]
    @exclusivity(unchecked) public package(set) var maxMomentums: [Double]
    @exclusivity(unchecked) package var customScaleFn: ((Double) -> Double)?
    override public var typeName: String { "CyclicLR" }

    /// Per-group lists take one value per group or a single value for all.
    ///
    /// - Parameters:
    ///   - stepSizeDown: nil means `stepSizeUp`.
    ///   - scaleFn: a custom scale function (torch's `scale_fn`); `mode` is then ignored
    ///     and `scaleMode` is used as given.
    /// - Throws: ZeroDivisionError when both step sizes are 0 (or `up` is 0 at the
    ///   construction step), ValueError for list lengths, and ValueError("optimizer
    ///   must support momentum or beta1 with `cycle_momentum` option enabled").
    public init(_ optimizer: OptimizerState, baseLR: [Double], maxLR: [Double], stepSizeUp: Double = 2000,
                stepSizeDown: Double? = nil, mode: Mode = .triangular, gamma: Double = 1.0,
                scaleFn: ((Double) -> Double)? = nil, scaleMode: ScaleMode = .cycle,
                cycleMomentum: Bool = true, baseMomentum: [Double] = [0.8], maxMomentum: [Double] = [0.9],
                lastEpoch: Int = -1) throws(LRSchedError) {
        let snapshot = optimizer.groups
        let n = optimizer.count
        try requireFinite("base_lr", baseLR)
        try requireFinite("max_lr", maxLR)
        try requireFinite("step_size_up", stepSizeUp)
        if let d = stepSizeDown { try requireFinite("step_size_down", d) }
        try requireFinite("gamma", gamma)
        try requireFinite("base_momentum", baseMomentum)
        try requireFinite("max_momentum", maxMomentum)
        let baseLRs = try PerGroup.format("base_lr", baseLR, groups: n)
        let maxLRs = try PerGroup.format("max_lr", maxLR, groups: n)
        let up = stepSizeUp
        let down = stepSizeDown ?? up
        let total = up + down
        let ratio = try Py.div(up, total)
        var baseM: [Double] = []
        var maxM: [Double] = []
        if cycleMomentum {
            if optimizer.momentumKind == .none {
                throw .value("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            }
            baseM = try PerGroup.format("base_momentum", baseMomentum, groups: n)
            maxM = try PerGroup.format("max_momentum", maxMomentum, groups: n)
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
            self.mode = nil
            self.scaleMode = scaleMode
        } else {
            self.mode = mode
            self.scaleMode = mode == .exp_range ? .iterations : .cycle
        }
        self.gamma = gamma
        self.cycleMomentum = cycleMomentum
        self.baseMomentums = baseM
        self.maxMomentums = maxM
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch, restoringOnFailure: snapshot)
        try initialStep(restoring: snapshot)
        self.baseLRs = baseLRs
    }

    package init(copying other: CyclicLR, optimizer: OptimizerState) {
        maxLRs = other.maxLRs; totalSize = other.totalSize; stepRatio = other.stepRatio
        mode = other.mode; gamma = other.gamma; scaleMode = other.scaleMode
        cycleMomentum = other.cycleMomentum; baseMomentums = other.baseMomentums
        maxMomentums = other.maxMomentums; customScaleFn = other.customScaleFn
        super.init(copying: other, optimizer: optimizer)
    }

    override public func copy(with optimizer: OptimizerState) -> LRScheduler {
        CyclicLR(copying: self, optimizer: optimizer)
    }

    @inline(__always)
    package func scale(_ x: Double) -> Double {
        if let f = customScaleFn { return f(x) }
        switch mode {
        case .triangular, .none: return 1.0
        case .triangular2: return 1 / Py.pow(2.0, x - 1)
        case .exp_range: return Py.pow(gamma, x)
        }
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = Double(lastEpoch)
        let q = try Py.div(e, totalSize)
        let cycle = (1 + q).rounded(.down)
        let x = 1.0 + q - cycle
        let scaleFactor = x <= stepRatio ? try Py.div(x, stepRatio) : try Py.div(x - 1, stepRatio - 1)
        let f = scale(scaleMode == .cycle ? cycle : e)
        for i in 0..<baseLRs.count {
            let height = (maxLRs[i] - baseLRs[i]) * scaleFactor
            newLRs[i] = baseLRs[i] + height * f
        }
        if cycleMomentum {
            for i in 0..<baseLRs.count {
                let height = (maxMomentums[i] - baseMomentums[i]) * scaleFactor
                newMomenta[i] = maxMomentums[i] - height * f
            }
            momentaComputed = true
        }
    }

    // MARK: State

    package override func saveState(into o: inout JSONObject) {
        o["max_lrs"] = .floats(maxLRs)
        o["total_size"] = .float(totalSize)
        o["step_ratio"] = .float(stepRatio)
        o["mode"] = mode.map { .string($0.rawValue) } ?? .null
        o["gamma"] = .float(gamma)
        o["scale_mode"] = .string(scaleMode.rawValue)
        o["cycle_momentum"] = .bool(cycleMomentum)
        o["use_beta1"] = .bool(optimizer.momentumKind == .betas)
        o["base_momentums"] = .floats(baseMomentums)
        o["max_momentums"] = .floats(maxMomentums)
        saveBaseState(into: &o)
        o["_scale_fn_custom"] = .null
    }

    package override func loadState(_ r: inout StateReader) throws(LRSchedError) {
        let maxLRs = try r.doubles("max_lrs", self.maxLRs)
        let totalSize = try r.finite("total_size", self.totalSize)
        let stepRatio = try r.finite("step_ratio", self.stepRatio)
        var mode = self.mode
        if let v = r.value("mode"), !v.isNull {
            guard let name = v.stringValue, let m = Mode(rawValue: name) else {
                throw .value("CyclicLR state: 'mode' must be 'triangular', 'triangular2' or 'exp_range'")
            }
            mode = m
        }
        let gamma = try r.finite("gamma", self.gamma)
        let smName = try r.string("scale_mode", self.scaleMode.rawValue)
        guard let scaleMode = ScaleMode(rawValue: smName) else {
            throw .value("CyclicLR state: 'scale_mode' must be 'cycle' or 'iterations', got '\(smName)'")
        }
        let cycleMomentum = try r.bool("cycle_momentum", self.cycleMomentum)
        let baseM = try r.doubles("base_momentums", baseMomentums)
        let maxM = try r.doubles("max_momentums", maxMomentums)
        r.ignore("use_beta1", "_scale_fn_custom")
        let base = try BaseSchedulerState(self, &r)
        try r.finish()
        let n = base.baseLRs.count
        try r.requireCount("max_lrs", maxLRs, n)
        if cycleMomentum {
            try r.requireCount("base_momentums", baseM, n)
            try r.requireCount("max_momentums", maxM, n)
        }
        if customScaleFn == nil && mode == nil {
            throw .value("CyclicLR state: 'mode' is null but no scale_fn was given")
        }
        self.maxLRs = maxLRs
        self.totalSize = totalSize
        self.stepRatio = stepRatio
        self.mode = customScaleFn == nil ? mode : nil
        self.gamma = gamma
        // torch's _init_scale_fn: built-in modes force their scale mode.
        if customScaleFn == nil, let mode { self.scaleMode = mode == .exp_range ? .iterations : .cycle } else { self.scaleMode = scaleMode }
        self.cycleMomentum = cycleMomentum
        self.baseMomentums = baseM
        self.maxMomentums = maxM
        base.apply(to: self)
    }
}
