import LRSchedSupport
import LRSchedJSON
import LRSchedCore

extension Sequential {
    /// A model from layer specs, as training vectors write them:
    /// `[{"type": "Linear", "in": 2, "out": 1}, {"type": "ReLU"}, ...]`. Keys that only
    /// record how torch drew parameters (`init_std`) are accepted and ignored;
    /// parameters are initialised as torch's `nn.Linear` would (from `seed`) and are
    /// usually overwritten by loading.
    /// - Throws: TypeError for unknown layer types or keys, ValueError for
    ///   non-positive sizes (at most 1<<20 features) or an empty list.
    public convenience init(spec: JSONValue, seed: UInt64 = 0) throws(LRSchedError) {
        guard let items = spec.arrayValue, !items.isEmpty else {
            throw .value("a model spec must be a non-empty list of layers")
        }
        // Bound the whole model before allocating any of it.
        var total = 0
        for item in items where item["type"]?.stringValue == "Linear" {
            guard let i = item["in"]?.intValue, let o = item["out"]?.intValue,
                  (1...(1 << 20)).contains(i), (1...(1 << 20)).contains(o) else { continue }
            total += i * o + o
            if total > 1 << 31 { throw .value("the model would hold more than 2^31 parameters") }
        }
        var layers: [any Layer] = []
        var generator = SeededGenerator(seed: seed)
        for item in items {
            guard case .object(let o) = item, let type = o["type"]?.stringValue else {
                throw .type("each layer spec must be an object with a 'type'")
            }
            var a = SpecArguments(o, owner: type)
            switch type {
            case "Linear":
                let i = try a.int("in")
                let out = try a.int("out")
                _ = a.raw("init_std")
                try a.finish()
                guard (1...(1 << 20)).contains(i), (1...(1 << 20)).contains(out) else {
                    throw .value("Linear(in=\(i), out=\(out)): sizes must be between 1 and 1048576")
                }
                layers.append(Linear(in: i, out: out, generator: &generator))
            case "ReLU":
                try a.finish()
                layers.append(ReLU())
            default:
                throw .type("unknown layer type '\(type)' (known: Linear, ReLU)")
            }
        }
        self.init(layers)
    }
}

extension SGD {
    /// `torch.optim.SGD(parameters, **kwargs)` from a JSON object of keyword
    /// arguments (`lr`, `momentum`, `dampening`, `weight_decay`, `nesterov`,
    /// `maximize`), one group holding `parameters`.
    public convenience init(parameters: [Parameter], spec: JSONValue) throws(LRSchedError) {
        guard case .object(let o) = spec else { throw .type("an SGD spec must be an object, got \(spec.typeName)") }
        var a = SpecArguments(o, owner: "SGD")
        let lr = try a.double("lr", default: 1e-3)
        let momentum = try a.double("momentum", default: 0)
        let dampening = try a.double("dampening", default: 0)
        let wd = try a.double("weight_decay", default: 0)
        let nesterov = try a.bool("nesterov", default: false)
        let maximize = try a.bool("maximize", default: false)
        try a.finish()
        try self.init(parameters: parameters, lr: lr, momentum: momentum, dampening: dampening,
                      weightDecay: wd, nesterov: nesterov, maximize: maximize)
    }
}
