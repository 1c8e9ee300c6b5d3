import LRSchedSupport
import LRSchedJSON

/// Builds schedulers from JSON specs in the conformance format: `{"type": NAME,
/// ...torch keyword arguments...}` with torch's class names, keyword names and defaults.
///
/// A nested spec is built as the Python expression it stands for:
/// `{"type": "SequentialLR", "schedulers": [A, B], "milestones": [5]}` constructs A, then
/// B, on the live optimizer, then the SequentialLR. `lr_lambda` names one of
/// `NamedLRFunction`'s functions (or lists one per group); callers may resolve other
/// names with `lrFunctions`.
public enum SchedulerSpec {
    /// Resolves a name in `lr_lambda` to a function; the default knows `NamedLRFunction`.
    public typealias Resolver = (String) throws(LRSchedError) -> LRLambda

    public static func standardResolver(_ name: String) throws(LRSchedError) -> LRLambda {
        try NamedLRFunction.named(name).lambda
    }

    /// The fifteen type names a spec may use.
    public static let typeNames = [
        "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
        "ExponentialLR", "SequentialLR", "CosineAnnealingLR", "ChainedScheduler",
        "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR",
    ]

    /// Builds one scheduler (children first) on `optimizer`.
    ///
    /// - Throws: the errors torch raises for the same arguments (kind and message), a
    ///   TypeError for unknown keywords, wrong JSON types or an unknown `type`, and a
    ///   ValueError for an unknown lr function name.
    public static func build(_ spec: JSONValue, optimizer: OptimizerState,
                             lrFunctions: Resolver = standardResolver) throws(LRSchedError) -> LRScheduler {
        guard case .object(let obj) = spec else {
            throw .type("a scheduler spec must be an object, got \(spec.typeName)")
        }
        guard let typeValue = obj["type"] else { throw .type("scheduler spec has no 'type'") }
        guard case .string(let type) = typeValue else {
            throw .type("scheduler spec 'type' must be a str, got \(typeValue.typeName)")
        }
        var a = SpecArguments(obj, owner: type)
        let s: LRScheduler
        switch type {
        case "LambdaLR", "MultiplicativeLR":
            let fns = try lambdas(&a, type: type, groups: optimizer.count, resolve: lrFunctions)
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = type == "LambdaLR"
                ? try LambdaLR(optimizer, lrLambda: fns, lastEpoch: le)
                : try MultiplicativeLR(optimizer, lrLambda: fns, lastEpoch: le)
        case "StepLR":
            let stepSize = try a.int("step_size")
            let gamma = try a.double("gamma", default: 0.1)
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = try StepLR(optimizer, stepSize: stepSize, gamma: gamma, lastEpoch: le)
        case "MultiStepLR":
            let ms = try a.ints("milestones")
            let gamma = try a.double("gamma", default: 0.1)
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = try MultiStepLR(optimizer, milestones: ms, gamma: gamma, lastEpoch: le)
        case "ConstantLR":
            let factor = try a.double("factor", default: 1.0 / 3)
            let total = try a.int("total_iters", default: 5)
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = try ConstantLR(optimizer, factor: factor, totalIters: total, lastEpoch: le)
        case "LinearLR":
            let sf = try a.double("start_factor", default: 1.0 / 3)
            let ef = try a.double("end_factor", default: 1.0)
            let total = try a.int("total_iters", default: 5)
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = try LinearLR(optimizer, startFactor: sf, endFactor: ef, totalIters: total, lastEpoch: le)
        case "ExponentialLR":
            let gamma = try a.double("gamma")
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = try ExponentialLR(optimizer, gamma: gamma, lastEpoch: le)
        case "PolynomialLR":
            let total = try a.int("total_iters", default: 5)
            let power = try a.double("power", default: 1.0)
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = try PolynomialLR(optimizer, totalIters: total, power: power, lastEpoch: le)
        case "CosineAnnealingLR":
            let tMax = try a.int("T_max")
            let etaMin = try a.double("eta_min", default: 0.0)
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = try CosineAnnealingLR(optimizer, tMax: tMax, etaMin: etaMin, lastEpoch: le)
        case "CosineAnnealingWarmRestarts":
            let t0v = try a.required("T_0")
            guard case .int(let t0) = t0v, t0 > 0 else {
                throw .value("Expected positive integer T_0, but got \(SpecArguments.describe(t0v))")
            }
            let tMult: Int
            if let v = a.raw("T_mult") {
                guard case .int(let m) = v, m >= 1 else {
                    throw .value("Expected integer T_mult >= 1, but got \(SpecArguments.describe(v))")
                }
                tMult = m
            } else {
                tMult = 1
            }
            var etaMin = 0.0
            if let v = a.raw("eta_min") {
                guard let d = v.numberValue else {
                    throw .value("Expected float or int eta_min, but got \(SpecArguments.describe(v)) of type <class '\(v.typeName)'>")
                }
                etaMin = d
            }
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = try CosineAnnealingWarmRestarts(optimizer, t0: t0, tMult: tMult, etaMin: etaMin, lastEpoch: le)
        case "SequentialLR":
            let children = try childSpecs(&a, optimizer: optimizer, resolve: lrFunctions)
            let ms = try a.ints("milestones")
            let le = try a.int("last_epoch", default: -1)
            try a.finish()
            s = try SequentialLR(optimizer, schedulers: children, milestones: ms, lastEpoch: le)
        case "ChainedScheduler":
            let children = try childSpecs(&a, optimizer: optimizer, resolve: lrFunctions)
            try a.finish()
            s = try ChainedScheduler(children, optimizer: optimizer)
        case "ReduceLROnPlateau":
            s = try reduceLROnPlateau(&a, optimizer: optimizer)
        case "CyclicLR":
            s = try cyclicLR(&a, optimizer: optimizer)
        case "OneCycleLR":
            s = try oneCycleLR(&a, optimizer: optimizer)
        default:
            throw .type("unknown scheduler type '\(type)' (known: \(typeNames.joined(separator: ", ")))")
        }
        return s
    }

    private static func lambdas(_ a: inout SpecArguments, type: String, groups: Int,
                                resolve: Resolver) throws(LRSchedError) -> LRLambdas {
        let v = try a.required("lr_lambda")
        func one(_ v: JSONValue) throws(LRSchedError) -> LRLambda {
            guard case .string(let name) = v else {
                if type == "MultiplicativeLR" {
                    throw .type("lr_lambda should be a function, but got \(v.typeName)")
                }
                throw .type("'\(v.typeName)' object is not callable")
            }
            return try resolve(name)
        }
        if case .array(let items) = v {
            if items.count != groups { throw .value("Expected \(groups) lr_lambdas, but got \(items.count)") }
            var fns: [LRLambda] = []
            for item in items { fns.append(try one(item)) }
            return .perGroup(fns)
        }
        return .shared(try one(v))
    }

    private static func childSpecs(_ a: inout SpecArguments, optimizer: OptimizerState,
                                   resolve: Resolver) throws(LRSchedError) -> [LRScheduler] {
        let v = try a.required("schedulers")
        guard case .array(let items) = v else {
            throw .type("\(a.owner): 'schedulers' must be a list of scheduler specs, got \(v.typeName)")
        }
        var out: [LRScheduler] = []
        for item in items { out.append(try build(item, optimizer: optimizer, lrFunctions: resolve)) }
        return out
    }

    private static func reduceLROnPlateau(_ a: inout SpecArguments, optimizer: OptimizerState) throws(LRSchedError) -> LRScheduler {
        let modeName = try a.string("mode", default: "min")
        let factor = try a.double("factor", default: 0.1)
        let patience = try a.int("patience", default: 10)
        let threshold = try a.double("threshold", default: 1e-4)
        let tmName = try a.string("threshold_mode", default: "rel")
        let cooldown = try a.int("cooldown", default: 0)
        let isList = a.isList("min_lr")
        let minLRs = try a.doubles("min_lr", default: 0)
        let eps = try a.double("eps", default: 1e-8)
        try a.finish()
        // torch's order: factor, then min_lr, then mode, then threshold_mode.
        if factor >= 1.0 { throw .value("Factor should be < 1.0.") }
        if isList && minLRs.count != optimizer.count {
            throw .value("expected \(optimizer.count) min_lrs, got \(minLRs.count)")
        }
        guard let mode = ReduceLROnPlateau.Mode(rawValue: modeName) else {
            throw .value("mode \(modeName) is unknown!")
        }
        guard let tm = ReduceLROnPlateau.ThresholdMode(rawValue: tmName) else {
            throw .value("threshold mode \(tmName) is unknown!")
        }
        return try ReduceLROnPlateau(optimizer, mode: mode, factor: factor, patience: patience,
                                     threshold: threshold, thresholdMode: tm, cooldown: cooldown,
                                     minLR: isList ? .perGroup(minLRs) : .all(minLRs[0]), eps: eps)
    }

    /// torch's `_format_param`: a list must have one value per group (a scalar is
    /// replicated by the scheduler).
    private static func perGroup(_ a: inout SpecArguments, _ key: String, _ values: [Double],
                                 groups n: Int) throws(LRSchedError) -> [Double] {
        if a.isList(key) && values.count != n {
            throw .value("\(key) must have the same length as optimizer.param_groups. \(key) has \(values.count) values, param_groups has \(n).")
        }
        return values
    }

    private static func cyclicLR(_ a: inout SpecArguments, optimizer: OptimizerState) throws(LRSchedError) -> LRScheduler {
        let n = optimizer.count
        let baseLR = try perGroup(&a, "base_lr", try a.doubles("base_lr"), groups: n)
        let maxLR = try perGroup(&a, "max_lr", try a.doubles("max_lr"), groups: n)
        let up = try a.double("step_size_up", default: 2000)
        let downValue = a.noneable("step_size_down")
        let down: Double? = if let downValue {
            try SpecArguments.double(downValue, key: "step_size_down", owner: "CyclicLR")
        } else { nil }
        let modeName = try a.string("mode", default: "triangular")
        let gamma = try a.double("gamma", default: 1.0)
        _ = try a.string("scale_mode", default: "cycle")  // torch ignores it without a scale_fn
        let cycleMomentum = try a.bool("cycle_momentum", default: true)
        let baseM = try perGroup(&a, "base_momentum", try a.doubles("base_momentum", default: 0.8), groups: n)
        let maxM = try perGroup(&a, "max_momentum", try a.doubles("max_momentum", default: 0.9), groups: n)
        let le = try a.int("last_epoch", default: -1)
        try a.finish()
        // torch checks the mode after computing the step ratio (a ZeroDivisionError first).
        let total = up + (down ?? up)
        if total == 0 { throw .zeroDivision("float division by zero") }
        guard let mode = CyclicLR.Mode(rawValue: modeName) else {
            throw .value("mode is invalid and scale_fn is None")
        }
        return try CyclicLR(optimizer, baseLR: baseLR, maxLR: maxLR, stepSizeUp: up, stepSizeDown: down,
                            mode: mode, gamma: gamma, cycleMomentum: cycleMomentum,
                            baseMomentum: baseM, maxMomentum: maxM, lastEpoch: le)
    }

    private static func oneCycleLR(_ a: inout SpecArguments, optimizer: OptimizerState) throws(LRSchedError) -> LRScheduler {
        let n = optimizer.count
        let maxLR = try a.doubles("max_lr")
        let maxLRIsList = a.isList("max_lr")
        let totalV = a.noneable("total_steps")
        let epochsV = a.noneable("epochs")
        let speV = a.noneable("steps_per_epoch")
        let pctV = a.raw("pct_start")
        let anneal = try a.string("anneal_strategy", default: "cos")
        let cycleMomentum = try a.bool("cycle_momentum", default: true)
        let baseMList = a.isList("base_momentum")
        let maxMList = a.isList("max_momentum")
        let baseM = try a.doubles("base_momentum", default: 0.85)
        let maxM = try a.doubles("max_momentum", default: 0.95)
        let div = try a.double("div_factor", default: 25.0)
        let finalDiv = try a.double("final_div_factor", default: 1e4)
        let three = try a.bool("three_phase", default: false)
        let le = try a.int("last_epoch", default: -1)
        try a.finish()
        // torch's checks, in torch's order, with its int/float type rules.
        let length: OneCycleLR.Length
        if let totalV {
            guard case .int(let t) = totalV, t > 0 else {
                throw .value("Expected positive integer total_steps, but got \(SpecArguments.describe(totalV))")
            }
            length = .totalSteps(t)
        } else if let epochsV, let speV {
            guard case .int(let e) = epochsV, e > 0 else {
                throw .value("Expected positive integer epochs, but got \(SpecArguments.describe(epochsV))")
            }
            guard case .int(let spe) = speV, spe > 0 else {
                throw .value("Expected positive integer steps_per_epoch, but got \(SpecArguments.describe(speV))")
            }
            length = .epochs(e, stepsPerEpoch: spe)
        } else {
            throw .value("You must define either total_steps OR (epochs AND steps_per_epoch)")
        }
        var pct = 0.3
        if let pctV {
            guard case .float(let p) = pctV, p >= 0, p <= 1 else {
                throw .value("Expected float between 0 and 1 pct_start, but got \(SpecArguments.describe(pctV))")
            }
            pct = p
        }
        guard let strategy = OneCycleLR.AnnealStrategy(rawValue: anneal) else {
            throw .value("anneal_strategy must be one of 'cos' or 'linear', instead got \(anneal)")
        }
        for (key, isList, values) in [("max_lr", maxLRIsList, maxLR), ("base_momentum", baseMList, baseM),
                                      ("max_momentum", maxMList, maxM)] where isList && values.count != n {
            throw .value("\(key) must have the same length as optimizer.param_groups. \(key) has \(values.count) values, param_groups has \(n).")
        }
        return try OneCycleLR(optimizer, maxLR: maxLR, length: length, pctStart: pct, annealStrategy: strategy,
                              cycleMomentum: cycleMomentum, baseMomentum: baseM, maxMomentum: maxM,
                              divFactor: div, finalDivFactor: finalDiv, threePhase: three, lastEpoch: le)
    }
}

extension JSONValue {
    /// An int or float as a Double (bools are not numbers here).
    package var numberValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .float(let d): d
        default: nil
        }
    }
}
