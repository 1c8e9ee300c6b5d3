import LRSchedSupport
import LRSchedJSON

/// One entry of a scheduler's `state_dict()`: its key, how it is saved, loaded
/// (checked) and copied. A scheduler's descriptor lists its fields in torch's order;
/// `LRScheduler` saves, loads and copies every scheduler from that list (as torch does
/// from `__dict__`).
///
/// Loading is all or nothing: the fields are loaded into a copy, the copy is checked
/// (`LRScheduler.checkLoadedState()`), and only then is the state copied over.
package struct StateField: @unchecked Sendable {
    package let key: String
    /// Whether front ends expose it as an attribute (`sched.gamma`).
    package let isAttribute: Bool
    /// The attribute's Python type, for generated stubs (`"float"`, `"list[int]"`).
    package let pythonType: String
    package let save: (LRScheduler) -> JSONValue
    /// Checks the saved value and writes it to the scheduler; nil: accepted, ignored.
    package let load: ((JSONValue, LRScheduler) throws(LRSchedError) -> Void)?
    /// Copies the value from the first scheduler to the second.
    package let assign: (LRScheduler, LRScheduler) -> Void
    /// Checks a loaded value against what stepping needs from the scheduler's optimizer
    /// (one value per param group, say), after every field was loaded; nil: nothing to check.
    package let check: ((LRScheduler) throws(LRSchedError) -> Void)?
    /// Whether `state_dict()` holds the key for this scheduler (torch sets some attributes
    /// only in some configurations: CyclicLR's momenta only with `cycle_momentum`); nil: always.
    package var isPresent: ((LRScheduler) -> Bool)? = nil

    package init(_ key: String, attribute: Bool? = nil, type pythonType: String = "Any",
                 save: @escaping (LRScheduler) -> JSONValue,
                 load: ((JSONValue, LRScheduler) throws(LRSchedError) -> Void)?,
                 assign: @escaping (LRScheduler, LRScheduler) -> Void,
                 check: ((LRScheduler) throws(LRSchedError) -> Void)? = nil) {
        self.key = key
        self.isAttribute = attribute ?? !key.hasPrefix("_")
        self.pythonType = pythonType
        self.save = save
        self.load = load
        self.assign = assign
        self.check = check
    }

    /// This field, saved only when `present` holds for the scheduler (`S`).
    package func only<S: LRScheduler>(when present: @escaping (S) -> Bool) -> StateField {
        var f = self
        f.isPresent = { s in (s as? S).map(present) ?? false }
        return f
    }

    /// ValueError unless `values` holds between one value and one per param group of
    /// `s`'s optimizer: fewer than the groups is what torch saves after a group was added
    /// (it stays loadable; stepping then decides), more is never valid.
    package static func checkPerGroup(_ values: [Double], _ key: String, _ s: LRScheduler) throws(LRSchedError) {
        let n = s.optimizer.groups.count
        guard (1...max(n, 1)).contains(values.count) else {
            throw .value("\(s.typeName) state: '\(key)' holds \(values.count) values for \(n) param groups (one per group at most, at least one)")
        }
    }

    /// A stored property, converted by `encode` and `decode` (which checks and throws
    /// with the state reader's message).
    package static func stored<S: LRScheduler, V>(
        _ key: String, _ kp: ReferenceWritableKeyPath<S, V>, attribute: Bool? = nil, type: String = "Any",
        encode: @escaping (V) -> JSONValue,
        decode: @escaping (JSONValue, _ owner: String) throws(LRSchedError) -> V,
        check: ((LRScheduler) throws(LRSchedError) -> Void)? = nil
    ) -> StateField {
        StateField(
            key, attribute: attribute, type: type,
            save: { s in (s as? S).map { encode($0[keyPath: kp]) } ?? .null },
            load: { (v, s) throws(LRSchedError) in
                guard let s = s as? S else { throw .notImplemented("\(key): state field of another class") }
                s[keyPath: kp] = try decode(v, s.typeName)
            },
            assign: { from, to in
                if let from = from as? S, let to = to as? S { to[keyPath: kp] = from[keyPath: kp] }
            },
            check: check)
    }

    package static func int<S: LRScheduler>(_ key: String, _ kp: ReferenceWritableKeyPath<S, Int>) -> StateField {
        stored(key, kp, type: "int", encode: { .int($0) }, decode: { (v, o) throws(LRSchedError) in try StateValue.int(v, key, o) })
    }

    /// A finite double (hyperparameters).
    package static func finite<S: LRScheduler>(_ key: String, _ kp: ReferenceWritableKeyPath<S, Double>) -> StateField {
        stored(key, kp, type: "float", encode: { .float($0) }, decode: { (v, o) throws(LRSchedError) in try StateValue.finite(v, key, o) })
    }

    /// Any double, infinities and NaN included (ReduceLROnPlateau's `best`).
    package static func double<S: LRScheduler>(_ key: String, _ kp: ReferenceWritableKeyPath<S, Double>) -> StateField {
        stored(key, kp, type: "float", encode: { .float($0) }, decode: { (v, o) throws(LRSchedError) in try StateValue.double(v, key, o) })
    }

    package static func optionalFinite<S: LRScheduler>(_ key: String, _ kp: ReferenceWritableKeyPath<S, Double?>) -> StateField {
        stored(key, kp, type: "float | None", encode: { $0.map { .float($0) } ?? .null },
               decode: { (v, o) throws(LRSchedError) in try StateValue.optionalFinite(v, key, o) })
    }

    /// A list of doubles; `perGroup`: at most one per param group (checked on load).
    package static func doubles<S: LRScheduler>(_ key: String, _ kp: ReferenceWritableKeyPath<S, [Double]>,
                                                finite: Bool = true, perGroup: Bool = false) -> StateField {
        stored(key, kp, type: "list[float]", encode: { .floats($0) },
               decode: { (v, o) throws(LRSchedError) in try StateValue.doubles(v, key, o, finite: finite) },
               check: perGroup ? { (s) throws(LRSchedError) in
                   if let s = s as? S { try checkPerGroup(s[keyPath: kp], key, s) }
               } : nil)
    }

    package static func ints<S: LRScheduler>(_ key: String, _ kp: ReferenceWritableKeyPath<S, [Int]>) -> StateField {
        stored(key, kp, type: "list[int]", encode: { .ints($0) }, decode: { (v, o) throws(LRSchedError) in try StateValue.ints(v, key, o) })
    }

    package static func bool<S: LRScheduler>(_ key: String, _ kp: ReferenceWritableKeyPath<S, Bool>) -> StateField {
        stored(key, kp, type: "bool", encode: { .bool($0) }, decode: { (v, o) throws(LRSchedError) in try StateValue.bool(v, key, o) })
    }

    /// A string enum, read by the scheduler's own `parse` (which throws its message).
    package static func choice<S: LRScheduler, E: RawRepresentable>(
        _ key: String, _ kp: ReferenceWritableKeyPath<S, E>,
        parse: @escaping (String) throws(LRSchedError) -> E
    ) -> StateField where E.RawValue == String {
        stored(key, kp, type: "str", encode: { .string($0.rawValue) }, decode: { (v, o) throws(LRSchedError) in
            try parse(try StateValue.string(v, key, o))
        })
    }

    /// Saved (computed from the scheduler), accepted and ignored on load.
    package static func derived<S: LRScheduler>(_ key: String, attribute: Bool? = nil, type: String = "Any",
                                                _ value: @escaping (S) -> JSONValue) -> StateField {
        StateField(key, attribute: attribute, type: type, save: { s in (s as? S).map(value) ?? .null }, load: nil,
                   assign: { _, _ in })
    }

    /// Saved as a constant (torch's `_is_initial`), accepted and ignored on load.
    package static func constant(_ key: String, _ value: JSONValue) -> StateField {
        StateField(key, save: { _ in value }, load: nil, assign: { _, _ in })
    }
}

// MARK: - The base state

extension StateField {
    /// `base_lrs`, `last_epoch`, `_step_count`, `_is_initial`,
    /// `_get_lr_called_within_step`, `_last_lr`: what `LRScheduler.__init__` sets.
    package static let base: [StateField] = [baseLRs, lastEpoch, stepCount, .constant("_is_initial", .bool(false)),
                                              .constant("_get_lr_called_within_step", .bool(false)), lastLR]

    package static let baseLRs = baseValues("base_lrs", attribute: false)

    /// The scheduler's `baseLRs` under `key` (torch's `base_lrs`, timm's `base_values`):
    /// finite, at most one per group; loading resizes the step scratch.
    package static func baseValues(_ key: String, attribute: Bool? = nil, type: String = "Any") -> StateField {
        StateField(
            key, attribute: attribute, type: type, save: { .floats($0.baseLRs) },
            load: { (v, s) throws(LRSchedError) in
                s.baseLRs = try StateValue.doubles(v, key, s.typeName, finite: true)
                s.resizeScratch(s.baseLRs.count)
            },
            assign: { from, to in
                to.baseLRs = from.baseLRs
                if to.newLRs.count != to.baseLRs.count { to.resizeScratch(to.baseLRs.count) }
            },
            check: { (s) throws(LRSchedError) in try checkPerGroup(s.baseLRs, key, s) })
    }

    package static let lastEpoch = StateField(
        "last_epoch", attribute: false, save: { .int($0.lastEpoch) },
        load: { (v, s) throws(LRSchedError) in s.lastEpoch = try StateValue.int(v, "last_epoch", s.typeName) },
        assign: { from, to in to.lastEpoch = from.lastEpoch })

    package static let stepCount = StateField(
        "_step_count", save: { .int($0.stepCount) },
        load: { (v, s) throws(LRSchedError) in s.stepCount = try StateValue.int(v, "_step_count", s.typeName) },
        assign: { from, to in to.stepCount = from.stepCount })

    package static let lastLR = StateField(
        "_last_lr", save: { .floats($0.lastLRStorage) },
        load: { (v, s) throws(LRSchedError) in
            s.lastLRStorage = try StateValue.doubles(v, "_last_lr", s.typeName, finite: true)
        },
        assign: { from, to in to.lastLRStorage = from.lastLRStorage },
        check: { (s) throws(LRSchedError) in try checkPerGroup(s.lastLRStorage, "_last_lr", s) })
}
