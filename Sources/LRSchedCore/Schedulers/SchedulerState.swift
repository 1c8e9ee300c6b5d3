import LRSchedSupport
import LRSchedJSON

/// Reads a scheduler's saved state (a JSON object with torch's `state_dict()` keys),
/// checking every value's type. Keys that are absent keep their current values, as
/// torch's `__dict__.update`; unknown keys are a ValueError. Non-finite doubles may be
/// written as the strings "Infinity", "-Infinity" and "NaN" (or Python's barewords).
package struct StateReader {
    package let owner: String
    package let object: JSONObject
    private var known: Set<String> = []

    package init(_ value: JSONValue, owner: String) throws(LRSchedError) {
        guard case .object(let o) = value else {
            throw .value("\(owner) state must be a JSON object, got \(value.typeName)")
        }
        self.owner = owner
        self.object = o
    }

    private func bad(_ key: String, _ want: String, _ v: JSONValue) -> LRSchedError {
        .value("\(owner) state: '\(key)' must be \(want), got \(v.typeName)")
    }

    package mutating func ignore(_ keys: String...) { for k in keys { known.insert(k) } }

    package mutating func value(_ key: String) -> JSONValue? {
        known.insert(key)
        return object[key]
    }

    package static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .float(let d): d
        case .string("Infinity"): .infinity
        case .string("-Infinity"): -.infinity
        case .string("NaN"): .nan
        default: nil
        }
    }

    package mutating func double(_ key: String, _ current: Double) throws(LRSchedError) -> Double {
        guard let v = value(key) else { return current }
        guard let d = Self.number(v) else { throw bad(key, "a number", v) }
        return d
    }

    /// A finite double (hyperparameters).
    package mutating func finite(_ key: String, _ current: Double) throws(LRSchedError) -> Double {
        let d = try double(key, current)
        guard d.isFinite else { throw .value("\(owner) state: '\(key)' must be finite, got \(pyRepr(d))") }
        return d
    }

    package mutating func optionalFinite(_ key: String, _ current: Double?) throws(LRSchedError) -> Double? {
        guard let v = value(key) else { return current }
        if v.isNull { return nil }
        guard let d = Self.number(v), d.isFinite else { throw bad(key, "a finite number or null", v) }
        return d
    }

    package mutating func int(_ key: String, _ current: Int) throws(LRSchedError) -> Int {
        guard let v = value(key) else { return current }
        guard case .int(let i) = v else { throw bad(key, "an int", v) }
        return i
    }

    package mutating func bool(_ key: String, _ current: Bool) throws(LRSchedError) -> Bool {
        guard let v = value(key) else { return current }
        guard case .bool(let b) = v else { throw bad(key, "a bool", v) }
        return b
    }

    package mutating func string(_ key: String, _ current: String) throws(LRSchedError) -> String {
        guard let v = value(key) else { return current }
        guard case .string(let s) = v else { throw bad(key, "a str", v) }
        return s
    }

    package mutating func doubles(_ key: String, _ current: [Double], finite: Bool = true) throws(LRSchedError) -> [Double] {
        guard let v = value(key) else { return current }
        guard case .array(let items) = v else { throw bad(key, "a list of numbers", v) }
        var out: [Double] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let d = Self.number(item), !finite || d.isFinite else { throw bad(key, "a list of finite numbers", v) }
            out.append(d)
        }
        return out
    }

    package mutating func ints(_ key: String, _ current: [Int]) throws(LRSchedError) -> [Int] {
        guard let v = value(key) else { return current }
        guard case .array(let items) = v else { throw bad(key, "a list of ints", v) }
        var out: [Int] = []
        for item in items {
            guard case .int(let i) = item else { throw bad(key, "a list of ints", v) }
            out.append(i)
        }
        return out
    }

    /// Requires `values.count == n` (per-group lists).
    package func requireCount(_ key: String, _ values: [Double], _ n: Int) throws(LRSchedError) {
        if values.count != n {
            throw .value("\(owner) state: '\(key)' has \(values.count) values, base_lrs has \(n)")
        }
    }

    /// Throws for keys no reader asked for.
    package func finish() throws(LRSchedError) {
        for k in object.keys where !known.contains(k) {
            throw .value("\(owner) state: unknown key '\(k)'")
        }
    }
}

/// The state every `LRScheduler.__init__`-built scheduler shares.
package struct BaseSchedulerState {
    package var baseLRs: [Double]
    package var lastEpoch: Int
    package var stepCount: Int
    package var lastLR: [Double]

    package init(_ s: LRScheduler, _ r: inout StateReader) throws(LRSchedError) {
        baseLRs = try r.doubles("base_lrs", s.baseLRs)
        lastEpoch = try r.int("last_epoch", s.lastEpoch)
        stepCount = try r.int("_step_count", s.stepCount)
        lastLR = try r.doubles("_last_lr", s.lastLRStorage, finite: false)
        r.ignore("_is_initial", "_get_lr_called_within_step")
    }

    package func apply(to s: LRScheduler) {
        s.baseLRs = baseLRs
        s.lastEpoch = lastEpoch
        s.stepCount = stepCount
        s.lastLRStorage = lastLR
        s.resizeScratch(baseLRs.count)
    }
}

extension LRScheduler {
    /// torch's `state_dict()`: everything but the optimizer, with torch's key names
    /// (own hyperparameters first, then `base_lrs`, `last_epoch`, `_step_count`,
    /// `_is_initial`, `_get_lr_called_within_step`, `_last_lr`). Functions (lr lambdas)
    /// are saved as `null`, as torch saves plain functions. Non-finite doubles are
    /// written by `JSON.serialize` as the strings "Infinity", "-Infinity", "NaN".
    public func stateDict() -> JSONValue {
        var o = JSONObject()
        saveState(into: &o)
        return .object(o)
    }

    /// torch's `load_state_dict(state)`: restores a state saved by `stateDict()` (or
    /// torch's own keys). The optimizer's lrs are not touched: load the optimizer's
    /// state first, then the schedulers', as torch does.
    /// - Throws: ValueError for a non-object, unknown keys, wrong types or
    ///   inconsistent lengths; nothing changes then.
    public func loadStateDict(_ state: JSONValue) throws(LRSchedError) {
        var r = try StateReader(state, owner: typeName)
        try loadState(&r)
    }

    /// `stateDict()` as compact JSON text.
    public func stateJSON() -> String { JSON.serialize(stateDict()) }

    /// `loadStateDict` from JSON text.
    public func loadState(json: String) throws(LRSchedError) {
        try loadStateDict(try JSON.parse(json))
    }

    package func saveBaseState(into o: inout JSONObject) {
        o["base_lrs"] = .array(baseLRs.map { .float($0) })
        o["last_epoch"] = .int(lastEpoch)
        o["_step_count"] = .int(stepCount)
        o["_is_initial"] = .bool(false)
        o["_get_lr_called_within_step"] = .bool(false)
        o["_last_lr"] = .array(lastLRStorage.map { .float($0) })
    }
}

extension JSONValue {
    package static func floats(_ xs: [Double]) -> JSONValue { .array(xs.map { .float($0) }) }
    package static func ints(_ xs: [Int]) -> JSONValue { .array(xs.map { .int($0) }) }
}

/// Composite schedulers: children's states are validated on copies first, so a bad
/// child state changes nothing.
package func loadChildStates(_ r: inout StateReader, _ schedulers: [LRScheduler]) throws(LRSchedError) -> [JSONValue]? {
    guard let v = r.value("_schedulers") else { return nil }
    guard let items = v.arrayValue, items.count == schedulers.count else {
        throw .value("\(r.owner) state: '_schedulers' must hold \(schedulers.count) scheduler states")
    }
    // Dry run on copies bound to a scratch optimizer.
    for (s, item) in zip(schedulers, items) {
        let probe = s.copy(with: OptimizerState(copying: s.optimizer))
        try probe.loadStateDict(item)
    }
    return items
}

package func applyChildStates(_ states: [JSONValue]?, _ schedulers: [LRScheduler]) throws(LRSchedError) {
    guard let states else { return }
    for (s, item) in zip(schedulers, states) { try s.loadStateDict(item) }
}
