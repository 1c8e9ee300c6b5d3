import LRSched

/// Runs training cases: the data from `meta.datasets`, the model from its layer specs
/// with the recorded initial parameters, torch's SGD, the schedulers, and the trainer
/// with unshuffled batches. Every `lr_start`/`lr_after` must be identical, each epoch's
/// loss within 1e-4 relative, final parameters within 1e-5 absolute (the conformance
/// README's tolerances: torch's SGD fuses multiply-adds in its own order).
public enum TrainingCaseRunner {
    public static let lossRelativeTolerance = 1e-4
    public static let parameterAbsoluteTolerance = 1e-5

    /// The dataset a case names, as float32 tensors (`y` has shape `(n, 1)`).
    public static func dataset(named name: String, meta: JSONValue?) throws(LRSchedError) -> Dataset {
        guard let d = meta?["datasets"]?[name] else { throw LRSchedError(.valueError, "no dataset '\(name)' in meta.datasets") }
        guard let n = d["n"]?.intValue, let f = d["features"]?.intValue, n > 0, f > 0 else {
            throw LRSchedError(.valueError, "dataset '\(name)' needs positive 'n' and 'features'")
        }
        let x = try floats(d["X"], count: n * f, what: "X")
        let y = try floats(d["y"], count: n, what: "y")
        return try Dataset(x: try Tensor(shape: [n, f], values: x), y: try Tensor(shape: [n, 1], values: y))
    }

    static func floats(_ v: JSONValue?, count: Int, what: String) throws(LRSchedError) -> [Float] {
        guard let items = v?.arrayValue, items.count == count else {
            throw LRSchedError(.valueError, "'\(what)' must hold \(count) numbers")
        }
        var out: [Float] = []
        out.reserveCapacity(count)
        for item in items {
            guard let d = item.doubleValue else { throw LRSchedError(.valueError, "'\(what)' must hold numbers") }
            out.append(Float(d))
        }
        return out
    }

    /// Loads `[{"name", "shape", "values"}]` into the model's parameters.
    public static func loadParameters(_ v: JSONValue?, into model: Sequential) throws(LRSchedError) {
        guard let items = v?.arrayValue else { throw LRSchedError(.valueError, "parameters must be a list") }
        for item in items {
            guard let name = item["name"]?.stringValue, let p = model.parameter(named: name) else {
                throw LRSchedError(.valueError, "unknown parameter \(item["name"]?.stringValue ?? "?")")
            }
            try p.set(try floats(item["values"], count: p.numel, what: name))
        }
    }

    static func run(_ c: JSONValue, meta: JSONValue?) -> String? {
        do {
            guard let dataName = c["data"]?.stringValue else { return "case has no 'data'" }
            let data = try dataset(named: dataName, meta: meta)
            guard let layers = c["model"] else { return "case has no 'model'" }
            let model = try Sequential(spec: layers)
            try loadParameters(c["initial_parameters"], into: model)
            let sgd = try SGD(parameters: model.parameters, spec: c["sgd"] ?? .object(JSONObject()))
            var schedulers: [LRScheduler] = []
            for s in c["schedulers"]?.arrayValue ?? [] {
                schedulers.append(try SchedulerSpec.build(s, optimizer: sgd.state))
            }
            guard let batch = c["batch_size"]?.intValue, let epochs = c["epochs"]?.intValue else {
                return "case needs int 'batch_size' and 'epochs'"
            }
            let unitName = c["step_scheduler"]?.stringValue ?? "epoch"
            guard let unit = Trainer.StepUnit(rawValue: unitName) else { return "unknown step_scheduler '\(unitName)'" }
            let trainer = try Trainer(model: model, optimizer: sgd, schedulers: schedulers, batchSize: batch,
                                      stepScheduler: unit)
            let history = try trainer.fit(data, epochs: epochs)
            return compare(history: history, model: model, case: c)
        } catch let e as LRSchedError {
            return "unexpected \(e)"
        } catch {
            return "unexpected \(error)"
        }
    }

    /// nil when the run matches the case's history and final parameters.
    public static func compare(history: [EpochRecord], finalParameters: [(name: String, values: [Float])],
                               case c: JSONValue) -> String? {
        guard let want = c["history"]?.arrayValue, want.count == history.count else {
            return "history has \(history.count) epochs, expected \(c["history"]?.arrayValue?.count ?? 0)"
        }
        for (got, w) in zip(history, want) {
            let e = got.epoch
            guard let ls = w["lr_start"]?.doubleValue, let la = w["lr_after"]?.doubleValue,
                  let loss = w["loss"]?.doubleValue else { return "epoch \(e): malformed history entry" }
            if got.lrStart.bitPattern != ls.bitPattern {
                return "epoch \(e): lr_start \(pyRepr(got.lrStart)), expected \(pyRepr(ls))"
            }
            if got.lrAfter.bitPattern != la.bitPattern {
                return "epoch \(e): lr_after \(pyRepr(got.lrAfter)), expected \(pyRepr(la))"
            }
            if !(abs(got.loss - loss) <= lossRelativeTolerance * abs(loss)) {
                return "epoch \(e): loss \(pyRepr(got.loss)), expected \(pyRepr(loss)) (1e-4 relative)"
            }
        }
        for item in c["final_parameters"]?.arrayValue ?? [] {
            guard let name = item["name"]?.stringValue, let values = item["values"]?.arrayValue else {
                return "malformed final_parameters"
            }
            guard let got = finalParameters.first(where: { $0.name == name })?.values, got.count == values.count else {
                return "final parameter \(name) missing or of the wrong size"
            }
            for (i, (g, v)) in zip(got, values).enumerated() {
                let want = v.doubleValue ?? .nan
                if !(abs(Double(g) - want) <= parameterAbsoluteTolerance) {
                    return "final \(name)[\(i)]: \(pyRepr(Double(g))), expected \(pyRepr(want)) (1e-5 absolute)"
                }
            }
        }
        return nil
    }

    static func compare(history: [EpochRecord], model: Sequential, case c: JSONValue) -> String? {
        compare(history: history, finalParameters: model.namedParameters.map { ($0.name, $0.parameter.values) }, case: c)
    }
}
