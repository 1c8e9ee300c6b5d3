import LRSchedSupport
import LRSchedJSON

/// torch's `OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None,
/// steps_per_epoch=None, pct_start=0.3, anneal_strategy='cos', cycle_momentum=True,
/// base_momentum=0.85, max_momentum=0.95, div_factor=25.0, final_div_factor=1e4,
/// three_phase=False, last_epoch=-1)`: the 1cycle policy, one step per batch.
///
/// Construction sets per group `initial_lr = max_lr / div_factor` (overwriting any),
/// `max_lr`, `min_lr = initial_lr / final_div_factor`, and with `cycle_momentum` the
/// momentum to `max_momentum`. Phases (end steps `pct_start * total - 1`, then
/// `total - 1`; three-phase adds `2 * pct_start * total - 2`) anneal between those
/// group values with cosine (`end + (start - end) / 2.0 * (cos(pi * pct) + 1)`) or
/// linear (`(end - start) * pct + start`) interpolation; the last phase extrapolates
/// one step past its end. Stepping beyond `total_steps` is a ValueError ("Tried to step
/// N times. The specified number of total steps is M").
///
/// | step | 0 | 1 | 2 | 3 |
/// |---|---|---|---|---|
/// | lr (max 0.1, total 10, cos) | 0.0040000000000000036 | 0.052000000000000005 | 0.1 | 0.09504846320134738 |
public final class OneCycleLR: LRScheduler {
    public enum AnnealStrategy: String, Sendable { case cos, linear }

    /// One phase: its end step and the group keys it anneals between.
    package struct Phase {
        var endStep: Double
        var startLR: ParamGroupKey
        var endLR: ParamGroupKey
        var startMomentum: ParamGroupKey
        var endMomentum: ParamGroupKey
    }

    @exclusivity(unchecked) public package(set) var totalSteps: Int
    @exclusivity(unchecked) public package(set) var annealStrategy: AnnealStrategy
    @exclusivity(unchecked) public package(set) var cycleMomentum: Bool
    @exclusivity(unchecked) public package(set) var threePhase: Bool
    @exclusivity(unchecked) package var phases: [Phase]
    override public var typeName: String { "OneCycleLR" }

    /// How the length of the cycle is given.
    public enum Length: Sendable {
        case totalSteps(Int)
        case epochs(Int, stepsPerEpoch: Int)
    }

    /// - Throws: ValueError with torch's messages for a non-positive length, a
    ///   `pct_start` outside [0, 1], list lengths, and a momentum-less optimizer with
    ///   `cycleMomentum`; ZeroDivisionError for a zero `div_factor`/`final_div_factor`.
    public init(_ optimizer: OptimizerState, maxLR: [Double], length: Length, pctStart: Double = 0.3,
                annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true,
                baseMomentum: [Double] = [0.85], maxMomentum: [Double] = [0.95], divFactor: Double = 25.0,
                finalDivFactor: Double = 1e4, threePhase: Bool = false, lastEpoch: Int = -1) throws(LRSchedError) {
        let snapshot = optimizer.groups
        let n = optimizer.count
        let total: Int
        switch length {
        case .totalSteps(let t):
            if t <= 0 { throw .value("Expected positive integer total_steps, but got \(t)") }
            total = t
        case .epochs(let e, let spe):
            if e <= 0 { throw .value("Expected positive integer epochs, but got \(e)") }
            if spe <= 0 { throw .value("Expected positive integer steps_per_epoch, but got \(spe)") }
            total = try Py.mul(e, spe)
        }
        let t = Double(total)
        if threePhase {
            phases = [
                Phase(endStep: pctStart * t - 1, startLR: .initial_lr, endLR: .max_lr,
                      startMomentum: .max_momentum, endMomentum: .base_momentum),
                Phase(endStep: 2 * pctStart * t - 2, startLR: .max_lr, endLR: .initial_lr,
                      startMomentum: .base_momentum, endMomentum: .max_momentum),
                Phase(endStep: t - 1, startLR: .initial_lr, endLR: .min_lr,
                      startMomentum: .max_momentum, endMomentum: .max_momentum),
            ]
        } else {
            phases = [
                Phase(endStep: pctStart * t - 1, startLR: .initial_lr, endLR: .max_lr,
                      startMomentum: .max_momentum, endMomentum: .base_momentum),
                Phase(endStep: t - 1, startLR: .max_lr, endLR: .min_lr,
                      startMomentum: .base_momentum, endMomentum: .max_momentum),
            ]
        }
        if pctStart < 0 || pctStart > 1 || pctStart.isNaN {
            throw .value("Expected float between 0 and 1 pct_start, but got \(pyRepr(pctStart))")
        }
        try requireFinite("max_lr", maxLR)
        try requireFinite("div_factor", divFactor)
        try requireFinite("final_div_factor", finalDivFactor)
        try requireFinite("base_momentum", baseMomentum)
        try requireFinite("max_momentum", maxMomentum)
        let maxLRs = try PerGroup.format("max_lr", maxLR, groups: n)
        var newGroups = optimizer.groups
        if lastEpoch == -1 {
            for i in 0..<n {
                let initial = try Py.div(maxLRs[i], divFactor)
                newGroups[i].initialLR = initial
                newGroups[i].maxLR = maxLRs[i]
                newGroups[i].minLR = try Py.div(initial, finalDivFactor)
            }
        }
        if cycleMomentum {
            if optimizer.momentumKind == .none {
                throw .value("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
            }
            let baseM = try PerGroup.format("base_momentum", baseMomentum, groups: n)
            let maxM = try PerGroup.format("max_momentum", maxMomentum, groups: n)
            if lastEpoch == -1 {
                for i in 0..<n {
                    if optimizer.momentumKind == .betas { newGroups[i].beta1 = maxM[i] } else { newGroups[i].momentum = maxM[i] }
                    newGroups[i].maxMomentum = maxM[i]
                    newGroups[i].baseMomentum = baseM[i]
                }
            }
        }
        optimizer.groups = newGroups
        self.totalSteps = total
        self.annealStrategy = annealStrategy
        self.cycleMomentum = cycleMomentum
        self.threePhase = threePhase
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch, restoringOnFailure: snapshot)
        try initialStep(restoring: snapshot)
    }

    package init(copying other: OneCycleLR, optimizer: OptimizerState) {
        totalSteps = other.totalSteps; annealStrategy = other.annealStrategy
        cycleMomentum = other.cycleMomentum; threePhase = other.threePhase; phases = other.phases
        super.init(copying: other, optimizer: optimizer)
    }

    override public func copy(with optimizer: OptimizerState) -> LRScheduler {
        OneCycleLR(copying: self, optimizer: optimizer)
    }

    @inline(__always)
    package func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch annealStrategy {
        case .cos:
            let cosOut = Py.cos(Double.pi * pct) + 1
            return end + (start - end) / 2.0 * cosOut
        case .linear:
            return (end - start) * pct + start
        }
    }

    @inline(__always)
    package func groupValue(_ i: Int, _ key: ParamGroupKey) throws(LRSchedError) -> Double {
        guard let v = optimizer.value(i, key) else { throw .key("'\(key.rawValue)'") }
        return v
    }

    package override func computeLRs() throws(LRSchedError) {
        let step = lastEpoch
        if step > totalSteps {
            throw .value("Tried to step \(step) times. The specified number of total steps is \(totalSteps)")
        }
        let s = Double(step)
        for i in 0..<baseLRs.count {
            var start = 0.0
            for (k, phase) in phases.enumerated() {
                if s <= phase.endStep || k == phases.count - 1 {
                    let pct = try Py.div(s - start, phase.endStep - start)
                    newLRs[i] = anneal(try groupValue(i, phase.startLR), try groupValue(i, phase.endLR), pct)
                    if cycleMomentum {
                        newMomenta[i] = anneal(try groupValue(i, phase.startMomentum),
                                               try groupValue(i, phase.endMomentum), pct)
                    }
                    break
                }
                start = phase.endStep
            }
        }
        momentaComputed = cycleMomentum
    }

    // MARK: State

    package override func saveState(into o: inout JSONObject) {
        o["total_steps"] = .int(totalSteps)
        o["_schedule_phases"] = .array(phases.map { p in
            .object(JSONObject([
                ("end_step", .float(p.endStep)),
                ("start_lr", .string(p.startLR.rawValue)), ("end_lr", .string(p.endLR.rawValue)),
                ("start_momentum", .string(p.startMomentum.rawValue)),
                ("end_momentum", .string(p.endMomentum.rawValue)),
            ]))
        })
        o["_anneal_func_type"] = .string(annealStrategy.rawValue)
        o["cycle_momentum"] = .bool(cycleMomentum)
        o["use_beta1"] = .bool(optimizer.momentumKind == .betas)
        saveBaseState(into: &o)
    }

    package override func loadState(_ r: inout StateReader) throws(LRSchedError) {
        let total = try r.int("total_steps", totalSteps)
        var phases = self.phases
        if let v = r.value("_schedule_phases") {
            guard let items = v.arrayValue, items.count == 2 || items.count == 3 else {
                throw .value("OneCycleLR state: '_schedule_phases' must be a list of 2 or 3 phases")
            }
            phases = []
            for item in items {
                var pr = try StateReader(item, owner: "OneCycleLR phase")
                let end = try pr.finite("end_step", .nan)
                func key(_ k: String) throws(LRSchedError) -> ParamGroupKey {
                    guard let name = pr.object[k]?.stringValue, let key = ParamGroupKey(rawValue: name),
                          [.initial_lr, .max_lr, .min_lr, .max_momentum, .base_momentum].contains(key) else {
                        throw .value("OneCycleLR state: phase '\(k)' must name a group key")
                    }
                    return key
                }
                let phase = Phase(endStep: end, startLR: try key("start_lr"), endLR: try key("end_lr"),
                                  startMomentum: try key("start_momentum"), endMomentum: try key("end_momentum"))
                pr.ignore("start_lr", "end_lr", "start_momentum", "end_momentum")
                try pr.finish()
                phases.append(phase)
            }
        }
        let name = try r.string("_anneal_func_type", annealStrategy.rawValue)
        guard let strategy = AnnealStrategy(rawValue: name) else {
            throw .value("OneCycleLR state: '_anneal_func_type' must be 'cos' or 'linear', got '\(name)'")
        }
        let cycleMomentum = try r.bool("cycle_momentum", self.cycleMomentum)
        r.ignore("use_beta1")
        let base = try BaseSchedulerState(self, &r)
        try r.finish()
        if total <= 0 { throw .value("OneCycleLR state: 'total_steps' must be positive, got \(total)") }
        self.totalSteps = total
        self.phases = phases
        self.threePhase = phases.count == 3
        self.annealStrategy = strategy
        self.cycleMomentum = cycleMomentum
        base.apply(to: self)
    }
}
