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
        /// torch's last phase ends at `total_steps - 1`, an int (the others are floats).
        var endStepIsInt = false
    }

    @exclusivity(unchecked) public package(set) var totalSteps: Int = 1
    @exclusivity(unchecked) public package(set) var annealStrategy: AnnealStrategy = .cos
    @exclusivity(unchecked) public package(set) var cycleMomentum: Bool = true
    @exclusivity(unchecked) public package(set) var threePhase: Bool = false
    @exclusivity(unchecked) package var phases: [Phase] = []
    override public class var descriptor: SchedulerDescriptor { oneCycleLR }

    /// How the length of the cycle is given.
    public enum Length: Sendable {
        case totalSteps(Int)
        case epochs(Int, stepsPerEpoch: Int)
    }

    /// - Throws: ValueError with torch's messages for a non-positive length, a
    ///   `pct_start` outside [0, 1], list lengths, and a momentum-less optimizer with
    ///   `cycleMomentum`; ZeroDivisionError for a zero `div_factor`/`final_div_factor`.
    public init(_ optimizer: OptimizerState, maxLR: PerGroup, length: Length, pctStart: Double = 0.3,
                annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true,
                baseMomentum: PerGroup = 0.85, maxMomentum: PerGroup = 0.95, divFactor: Double = 25.0,
                finalDivFactor: Double = 1e4, threePhase: Bool = false, lastEpoch: Int = -1) throws(LRSchedError) {
        let snapshot = optimizer.groups
        let n = optimizer.count
        let total = try Self.totalSteps(length)
        let t = Double(total)
        if threePhase {
            phases = [
                Phase(endStep: pctStart * t - 1, startLR: .initial_lr, endLR: .max_lr,
                      startMomentum: .max_momentum, endMomentum: .base_momentum),
                Phase(endStep: 2 * pctStart * t - 2, startLR: .max_lr, endLR: .initial_lr,
                      startMomentum: .base_momentum, endMomentum: .max_momentum),
                Phase(endStep: t - 1, startLR: .initial_lr, endLR: .min_lr,
                      startMomentum: .max_momentum, endMomentum: .max_momentum, endStepIsInt: true),
            ]
        } else {
            phases = [
                Phase(endStep: pctStart * t - 1, startLR: .initial_lr, endLR: .max_lr,
                      startMomentum: .max_momentum, endMomentum: .base_momentum),
                Phase(endStep: t - 1, startLR: .max_lr, endLR: .min_lr,
                      startMomentum: .base_momentum, endMomentum: .max_momentum, endStepIsInt: true),
            ]
        }
        _ = try Self.checkPctStart(.float(pctStart))
        try requireFinite("max_lr", maxLR.values)
        try requireFinite("div_factor", divFactor)
        try requireFinite("final_div_factor", finalDivFactor)
        try requireFinite("base_momentum", baseMomentum.values)
        try requireFinite("max_momentum", maxMomentum.values)
        let maxLRs = try maxLR.resolved("max_lr", groups: n)
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
            let maxM = try maxMomentum.resolved("max_momentum", groups: n)
            let baseM = try baseMomentum.resolved("base_momentum", groups: n)
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
        try constructionStep()
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        super.init(copying: other, optimizer: optimizer)
    }

    /// torch's length checks: positive ints (`total_steps`, or `epochs` and
    /// `steps_per_epoch`); JSON values keep Python's int/float kinds.
    static func length(totalSteps: JSONValue?, epochs: JSONValue?, stepsPerEpoch: JSONValue?) throws(LRSchedError) -> Length {
        func positive(_ v: JSONValue, _ name: String) throws(LRSchedError) -> Int {
            guard let i = SpecArguments.pythonInt(v), i > 0 else {
                throw .value("Expected positive integer \(name), but got \(SpecArguments.pyStr(v))")
            }
            return i
        }
        if let totalSteps { return .totalSteps(try positive(totalSteps, "total_steps")) }
        if let epochs, let stepsPerEpoch {
            return .epochs(try positive(epochs, "epochs"), stepsPerEpoch: try positive(stepsPerEpoch, "steps_per_epoch"))
        }
        throw .value("You must define either total_steps OR (epochs AND steps_per_epoch)")
    }

    /// The number of steps of a checked length.
    static func totalSteps(_ length: Length) throws(LRSchedError) -> Int {
        switch length {
        case .totalSteps(let t):
            return try Self.length(totalSteps: .int(t), epochs: nil, stepsPerEpoch: nil).steps
        case .epochs(let e, let spe):
            _ = try Self.length(totalSteps: nil, epochs: .int(e), stepsPerEpoch: .int(spe))
            return try Py.mul(e, spe)
        }
    }

    /// torch's `pct_start` check: a float in [0, 1].
    static func checkPctStart(_ v: JSONValue) throws(LRSchedError) -> Double {
        guard case .float(let p) = v, p >= 0, p <= 1 else {
            throw .value("Expected float between 0 and 1 pct_start, but got \(SpecArguments.pyStr(v))")
        }
        return p
    }

    /// torch's `anneal_strategy` check.
    public static func parseAnnealStrategy(_ name: String) throws(LRSchedError) -> AnnealStrategy {
        guard let a = AnnealStrategy(rawValue: name) else {
            throw .value("anneal_strategy must be one of 'cos' or 'linear', instead got \(name)")
        }
        return a
    }

    package override func checkLoadedState() throws(LRSchedError) {
        if totalSteps <= 0 { throw .value("OneCycleLR state: 'total_steps' must be positive, got \(totalSteps)") }
        threePhase = phases.count == 3
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
        for i in 0..<optimizer.groups.count {  // a group added later has no 'initial_lr': KeyError
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
}

extension OneCycleLR.Length {
    /// `.totalSteps`' count (0 for `.epochs`, whose product is taken after the checks).
    var steps: Int {
        if case .totalSteps(let t) = self { return t }
        return 0
    }
}

extension OneCycleLR.Phase {
    /// The phase as torch saves it in `_schedule_phases`.
    var json: JSONValue {
        .object(JSONObject([
            ("end_step", endStepIsInt ? Int(exactly: endStep).map { .int($0) } ?? .float(endStep) : .float(endStep)),
            ("start_lr", .string(startLR.rawValue)), ("end_lr", .string(endLR.rawValue)),
            ("start_momentum", .string(startMomentum.rawValue)), ("end_momentum", .string(endMomentum.rawValue)),
        ]))
    }

    /// A phase read from `_schedule_phases`.
    init(state item: JSONValue) throws(LRSchedError) {
        var pr = try StateReader(item, owner: "OneCycleLR phase")
        let end = try pr.finite("end_step", .nan)
        func key(_ k: String) throws(LRSchedError) -> ParamGroupKey {
            guard let name = pr.object[k]?.stringValue, let key = ParamGroupKey(rawValue: name),
                  [.initial_lr, .max_lr, .min_lr, .max_momentum, .base_momentum].contains(key) else {
                throw .value("OneCycleLR state: phase '\(k)' must name a group key")
            }
            return key
        }
        var isInt = false
        if case .int? = pr.object["end_step"] { isInt = true }
        self.init(endStep: end, startLR: try key("start_lr"), endLR: try key("end_lr"),
                  startMomentum: try key("start_momentum"), endMomentum: try key("end_momentum"), endStepIsInt: isInt)
        pr.ignore("start_lr", "end_lr", "start_momentum", "end_momentum")
        try pr.finish()
    }
}

private let oneCycleLR = SchedulerDescriptor(
    "OneCycleLR", summary: "the 1cycle policy: warm up to max_lr, then anneal far below the initial lr",
    parameters: [
        .init("max_lr", .perGroup(.float), doc: "per group"),
        .init("total_steps", .nullable(.number), default: .null, schema: JSONObject([("type", .string("integer")), ("minimum", .int(1))]),
              doc: "when not null: an int > 0, else `ValueError: Expected positive integer total_steps, but got 10.0` (also for `0`, `true`)"),
        .init("epochs", .nullable(.number), default: .null, schema: JSONObject([("type", .string("integer")), ("minimum", .int(1))]),
              doc: "used only when `total_steps` is null and `steps_per_epoch` is not: an int > 0, else `ValueError: Expected positive integer epochs, but got 2.0`"),
        .init("steps_per_epoch", .nullable(.number), default: .null, schema: JSONObject([("type", .string("integer")), ("minimum", .int(1))]),
              doc: "likewise: `ValueError: Expected positive integer steps_per_epoch, but got 0`; the length is then `epochs * steps_per_epoch`"),
        .init("pct_start", .number, default: .float(0.3), docType: "**float**",
              schema: JSONObject([("minimum", .int(0)), ("maximum", .int(1))]),
              doc: "a float literal with 0 ≤ pct_start ≤ 1: else `ValueError: Expected float between 0 and 1 pct_start, but got 0` (an int literal `0` or `1` is rejected, as in torch; write `0.0`, `1.0`)"),
        .init("anneal_strategy", .string(choices: ["cos", "linear"]), default: .string("cos"), doc: #"`"cos"` or `"linear"`: else `ValueError: anneal_strategy must be one of 'cos' or 'linear', instead got tanh`"#),
        .init("cycle_momentum", .bool, default: .bool(true)),
        .init("base_momentum", .perGroup(.float), default: .float(0.85), doc: "per group; only read when `cycle_momentum` is true"),
        .init("max_momentum", .perGroup(.float), default: .float(0.95), doc: "per group; only read when `cycle_momentum` is true"),
        .init("div_factor", .float, default: .float(25.0), doc: "`0`: `ZeroDivisionError: float division by zero`"),
        .init("final_div_factor", .float, default: .float(1e4), doc: "`0`: `ZeroDivisionError: float division by zero`"),
        .init("three_phase", .bool, default: .bool(false)),
        .lastEpoch,
    ],
    state: [
        .int("total_steps", \OneCycleLR.totalSteps),
        .stored("_schedule_phases", \OneCycleLR.phases, encode: { .array($0.map(\.json)) },
                decode: { (v, _) throws(LRSchedError) in
                    guard let items = v.arrayValue, items.count == 2 || items.count == 3 else {
                        throw .value("OneCycleLR state: '_schedule_phases' must be a list of 2 or 3 phases")
                    }
                    var phases: [OneCycleLR.Phase] = []
                    for item in items { phases.append(try OneCycleLR.Phase(state: item)) }
                    return phases
                }),
        .stored("_anneal_func_type", \OneCycleLR.annealStrategy, encode: { .string($0.rawValue) },
                decode: { (v, o) throws(LRSchedError) in
                    let name = try StateValue.string(v, "_anneal_func_type", o)
                    guard let a = OneCycleLR.AnnealStrategy(rawValue: name) else {
                        throw .value("OneCycleLR state: '_anneal_func_type' must be 'cos' or 'linear', got '\(name)'")
                    }
                    return a
                }),
        .bool("cycle_momentum", \OneCycleLR.cycleMomentum),
        .derived("use_beta1", type: "bool") { (s: OneCycleLR) in .bool(s.optimizer.momentumKind == .betas) }
            .only(when: { (s: OneCycleLR) in s.cycleMomentum }),  // torch sets it only with cycle_momentum
    ] + StateField.base,
    build: { (a, c) throws(LRSchedError) in
        // torch's order: the length, pct_start, anneal_strategy; the rest in the constructor.
        let length = try OneCycleLR.length(totalSteps: a.optional("total_steps"), epochs: a.optional("epochs"),
                                           stepsPerEpoch: a.optional("steps_per_epoch"))
        let pct = try OneCycleLR.checkPctStart(a.value("pct_start"))
        let strategy = try OneCycleLR.parseAnnealStrategy(a.string("anneal_strategy"))
        return try OneCycleLR(
            c.optimizer, maxLR: a.perGroup("max_lr"), length: length, pctStart: pct, annealStrategy: strategy,
            cycleMomentum: a.bool("cycle_momentum"), baseMomentum: a.perGroup("base_momentum"),
            maxMomentum: a.perGroup("max_momentum"), divFactor: a.double("div_factor"),
            finalDivFactor: a.double("final_div_factor"), threePhase: a.bool("three_phase"),
            lastEpoch: a.int("last_epoch"))
    })
