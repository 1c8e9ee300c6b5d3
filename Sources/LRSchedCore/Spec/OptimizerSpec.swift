import LRSchedSupport
import LRSchedJSON

extension OptimizerState {
    /// Builds an optimizer state from a conformance-format spec:
    /// `{"lr": 0.1, "momentum": 0.9, "groups": [{"lr": 0.05}, ...]}`.
    ///
    /// Top-level keys are SGD's keyword arguments (`lr`, `momentum`, `dampening`,
    /// `weight_decay`, `nesterov`, `maximize`), or `betas: [b1, b2]` for an Adam-style
    /// optimizer whose momentum is `betas[0]`. `groups` lists per-group overrides of the
    /// same keys, one entry per group (absent: one group of the defaults), and timm's
    /// `lr_scale` (a group key only).
    ///
    /// - Throws: TypeError for unknown keys or wrong types, ValueError as SGD's
    ///   constructor, MemoryError for more than `maxGroups` groups.
    public convenience init(spec: JSONValue) throws(LRSchedError) {
        guard case .object(let obj) = spec else {
            throw .type("optimizer spec must be an object, got \(spec.typeName)")
        }
        var args = SpecArguments(obj, owner: "SGD")
        let groupSpecs = args.noneable("groups")
        let hasBetas = obj["betas"].map { !$0.isNull } ?? false
        let defaults = try Self.readGroup(&args, base: ParamGroup())
        try args.finish()
        var groups: [ParamGroup]? = nil
        if let groupSpecs {
            guard case .array(let items) = groupSpecs else {
                throw .type("SGD: 'groups' must be a list of objects, got \(groupSpecs.typeName)")
            }
            try OptimizerState.checkGroupCount(items.count)
            var gs: [ParamGroup] = []
            for item in items {
                guard case .object(let g) = item else {
                    throw .type("SGD: each entry of 'groups' must be an object, got \(item.typeName)")
                }
                var ga = SpecArguments(g, owner: "param group")
                var group = try Self.readGroup(&ga, base: defaults)
                group.lrScale = try ga.noneable("lr_scale").map { (v) throws(LRSchedError) in
                    try SpecArguments.double(v, key: "lr_scale", owner: "param group")
                }
                gs.append(group)
                try ga.finish()
            }
            groups = gs
        }
        try self.init(defaults: defaults, groups: groups, momentumKind: hasBetas ? .betas : .momentum)
    }

    private static func readGroup(_ a: inout SpecArguments, base: ParamGroup) throws(LRSchedError) -> ParamGroup {
        var g = base
        g.lr = try a.double("lr", default: base.lr)
        g.momentum = try a.double("momentum", default: base.momentum)
        g.dampening = try a.double("dampening", default: base.dampening)
        g.weightDecay = try a.double("weight_decay", default: base.weightDecay)
        g.nesterov = try a.bool("nesterov", default: base.nesterov)
        g.maximize = try a.bool("maximize", default: base.maximize)
        if let betas = a.noneable("betas") {
            let bs = try SpecArguments.doubles(betas, key: "betas", owner: a.owner)
            guard bs.count == 2 else { throw .value("\(a.owner): 'betas' must hold two numbers") }
            g.beta1 = bs[0]
            g.beta2 = bs[1]
        }
        return g
    }
}
