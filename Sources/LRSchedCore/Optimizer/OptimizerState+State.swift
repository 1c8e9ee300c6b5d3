import LRSchedSupport
import LRSchedJSON

extension ParamGroup {
    /// The group as torch's `param_groups[i]` dict (without `params`): `lr`,
    /// `momentum`, `dampening`, `weight_decay`, `nesterov`, `maximize`, then whichever
    /// of `initial_lr`, `betas`, `max_lr`, `min_lr`, `max_momentum`, `base_momentum`,
    /// `lr_scale` the group holds.
    package func stateObject() -> JSONObject {
        var o = JSONObject()
        o["lr"] = .float(lr)
        o["momentum"] = .float(momentum)
        o["dampening"] = .float(dampening)
        o["weight_decay"] = .float(weightDecay)
        o["nesterov"] = .bool(nesterov)
        o["maximize"] = .bool(maximize)
        if let beta1, let beta2 { o["betas"] = .floats([beta1, beta2]) }
        if let initialLR { o["initial_lr"] = .float(initialLR) }
        if let maxLR { o["max_lr"] = .float(maxLR) }
        if let minLR { o["min_lr"] = .float(minLR) }
        if let maxMomentum { o["max_momentum"] = .float(maxMomentum) }
        if let baseMomentum { o["base_momentum"] = .float(baseMomentum) }
        if let lrScale { o["lr_scale"] = .float(lrScale) }
        return o
    }

    /// A group read from `stateObject()` output. Optional keys absent from the state
    /// are absent from the group (torch replaces the group dicts on load).
    package init(state: JSONValue) throws(LRSchedError) {
        var r = try StateReader(state, owner: "param group")
        var g = ParamGroup()
        guard r.object["lr"] != nil else { throw .value("param group state has no 'lr'") }
        g.lr = try r.double("lr", 0)
        g.momentum = try r.double("momentum", 0)
        g.dampening = try r.double("dampening", 0)
        g.weightDecay = try r.double("weight_decay", 0)
        g.nesterov = try r.bool("nesterov", false)
        g.maximize = try r.bool("maximize", false)
        if r.object["betas"] != nil {
            let b = try r.doubles("betas", [])
            guard b.count == 2 else { throw .value("param group state: 'betas' must hold two numbers") }
            g.beta1 = b[0]
            g.beta2 = b[1]
        }
        g.initialLR = try r.optionalFinite("initial_lr", nil)
        g.maxLR = try r.optionalFinite("max_lr", nil)
        g.minLR = try r.optionalFinite("min_lr", nil)
        g.maxMomentum = try r.optionalFinite("max_momentum", nil)
        g.baseMomentum = try r.optionalFinite("base_momentum", nil)
        g.lrScale = try r.optionalFinite("lr_scale", nil)
        r.ignore("params", "foreach", "differentiable", "fused")
        try r.finish()
        for v in [g.lr, g.momentum, g.dampening, g.weightDecay] where !v.isFinite {
            throw .value("param group state: hyperparameters must be finite, got \(pyRepr(v))")
        }
        self = g
    }
}

extension OptimizerState {
    /// The optimizer half of a checkpoint, shaped like torch's
    /// `optimizer.state_dict()`: `{"state": {}, "param_groups": [...]}` with every
    /// hyperparameter of every group (`lr`, `initial_lr`, `momentum`, ...).
    public func stateDict() -> JSONValue {
        .object(JSONObject([
            ("state", .object(JSONObject())),
            ("param_groups", .array(groups.map { .object($0.stateObject()) })),
        ]))
    }

    /// torch's `optimizer.load_state_dict(state)`: replaces every group's
    /// hyperparameters with the saved ones.
    /// - Throws: ValueError("loaded state dict has a different number of parameter
    ///   groups") and for malformed state; nothing changes then.
    public func loadStateDict(_ state: JSONValue) throws(LRSchedError) {
        var r = try StateReader(state, owner: "optimizer")
        guard let pg = r.value("param_groups") else { throw .value("optimizer state has no 'param_groups'") }
        guard let items = pg.arrayValue else { throw .value("optimizer state: 'param_groups' must be a list") }
        r.ignore("state")
        try r.finish()
        if items.count != groups.count {
            throw .value("loaded state dict has a different number of parameter groups")
        }
        var loaded: [ParamGroup] = []
        for item in items {
            let g = try ParamGroup(state: item)
            if momentumKind == .betas && g.beta1 == nil {
                throw .value("loaded param group has no 'betas' for an optimizer with betas")
            }
            loaded.append(g)
        }
        groups = loaded
    }

    /// `stateDict()` as compact JSON text.
    public func stateJSON() -> String { JSON.serialize(stateDict()) }

    /// `loadStateDict` from JSON text.
    public func loadState(json: String) throws(LRSchedError) {
        try loadStateDict(try JSON.parse(json))
    }
}
