import LRSchedSupport
import LRSchedJSON

extension LRScheduler {
    /// torch's `state_dict()`: everything but the optimizer, with torch's key names in
    /// torch's order (own hyperparameters first, then `base_lrs`, `last_epoch`,
    /// `_step_count`, `_is_initial`, `_get_lr_called_within_step`, `_last_lr`; the
    /// descriptor's `stateKeys`). Functions (lr lambdas) are saved as `null`, as torch
    /// saves plain functions. Non-finite doubles are written by `JSON.serialize` as the
    /// strings "Infinity", "-Infinity", "NaN".
    public func stateDict() -> JSONValue {
        var o = JSONObject()
        for f in descriptor.state where f.isPresent?(self) ?? true { o[f.key] = f.save(self) }
        return .object(o)
    }

    /// torch's `load_state_dict(state)`: restores a state saved by `stateDict()` (or
    /// torch's own keys). Absent keys keep their values. The optimizer's lrs are not
    /// touched: load the optimizer's state first, then the schedulers', as torch does.
    /// - Throws: ValueError for a non-object, unknown keys, wrong types or
    ///   inconsistent values; nothing changes then.
    public func loadStateDict(_ state: JSONValue) throws(LRSchedError) {
        let probe = try loadedCopy(state)
        assignState(from: probe)
    }

    /// `stateDict()` as compact JSON text.
    public func stateJSON() -> String { JSON.serialize(stateDict()) }

    /// `loadStateDict` from JSON text.
    public func loadState(json: String) throws(LRSchedError) {
        try loadStateDict(try JSON.parse(json))
    }

    /// A copy of this scheduler with `state` loaded and checked; this one is unchanged.
    package func loadedCopy(_ state: JSONValue) throws(LRSchedError) -> LRScheduler {
        let owner = typeName
        guard case .object(let o) = state else {
            throw .value("\(owner) state must be a JSON object, got \(state.typeName)")
        }
        let fields = descriptor.state
        for k in o.keys where !fields.contains(where: { $0.key == k }) {
            throw .value("\(owner) state: unknown key '\(k)'")
        }
        let probe = copy(with: optimizer)
        for f in fields {
            if let load = f.load, let v = o[f.key] { try load(v, probe) }
        }
        for f in fields where o[f.key] != nil { try f.check?(probe) }
        try probe.checkLoadedState()
        return probe
    }

    /// Copies every state field of `other` (a scheduler of the same class) into this one.
    package func assignState(from other: LRScheduler) {
        for f in descriptor.state { f.assign(other, self) }
    }
}

// MARK: - Composites

extension StateField {
    /// `_schedulers`: the children's states, loaded into the children (all or nothing:
    /// the whole load happens on copies first).
    package static func children<S: LRScheduler>(_ kp: KeyPath<S, [LRScheduler]>) -> StateField {
        StateField(
            "_schedulers",
            save: { s in .array((s as? S)?[keyPath: kp].map { $0.stateDict() } ?? []) },
            load: { (v, s) throws(LRSchedError) in
                guard let s = s as? S else { throw .notImplemented("_schedulers: state field of another class") }
                let children = s[keyPath: kp]
                guard let items = v.arrayValue, items.count == children.count else {
                    throw .value("\(s.typeName) state: '_schedulers' must hold \(children.count) scheduler states")
                }
                for (c, item) in zip(children, items) { try c.loadStateDict(item) }
            },
            assign: { from, to in
                guard let from = from as? S, let to = to as? S else { return }
                for (a, b) in zip(to[keyPath: kp], from[keyPath: kp]) { a.assignState(from: b) }
            })
    }
}
