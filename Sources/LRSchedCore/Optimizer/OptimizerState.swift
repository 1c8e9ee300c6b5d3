import LRSchedSupport
import LRSchedJSON

/// The state schedulers act on: an ordered list of parameter groups, as torch's
/// `optimizer.param_groups`.
///
/// A reference type: several schedulers attach to one `OptimizerState` and see each
/// other's writes, exactly as torch schedulers sharing an optimizer do. `SGD` owns one
/// (its `state`); a bare `OptimizerState` also stands for a foreign optimizer (a torch
/// optimizer driven from Python) or for scheduling-only use.
///
/// Not thread-safe: use one optimizer state and its schedulers from one thread at a time.
public final class OptimizerState {
    /// How the optimizer spells momentum, which decides what CyclicLR and OneCycleLR
    /// cycle (torch: `"momentum"` or `"betas"` in `optimizer.defaults`).
    public enum MomentumKind: String, Sendable {
        /// SGD-style `momentum` (SGD always has it, even when 0).
        case momentum
        /// Adam-style `betas`: cycling writes `betas[0]`.
        case betas
        /// Neither: cycling momentum is a ValueError.
        case none
    }

    /// The groups, in order. Schedulers write `lr` (and cycled momenta) in place.
    @exclusivity(unchecked) public package(set) var groups: [ParamGroup]
    public let momentumKind: MomentumKind
    /// The defaults new groups start from (torch's `optimizer.defaults`).
    public let defaults: ParamGroup

    /// An optimizer with the given defaults and one group per entry of `groups`
    /// (`nil`: a single group equal to the defaults).
    ///
    /// - Throws: ValueError as torch's SGD constructor (negative lr, momentum or
    ///   weight decay; nesterov without momentum or with dampening), for any
    ///   non-finite value, and for an empty `groups` list ("optimizer got an empty
    ///   parameter list"); MemoryError for more than `maxGroups` groups.
    public init(defaults: ParamGroup, groups: [ParamGroup]? = nil,
                momentumKind: MomentumKind = .momentum) throws(LRSchedError) {
        try defaults.validate()
        if let groups {
            if groups.isEmpty { throw .value("optimizer got an empty parameter list") }
            try Self.checkGroupCount(groups.count)
            for g in groups { try g.validate() }
        }
        if momentumKind == .betas {
            for g in groups ?? [defaults] where g.beta1 == nil {
                _ = g
                throw .value("an optimizer with betas needs betas[0] in every group")
            }
        }
        self.defaults = defaults
        self.groups = groups ?? [defaults]
        self.momentumKind = momentumKind
    }

    /// The most groups an optimizer is created with, from any path (2^20; more can be
    /// added one at a time with `addParamGroup`): a larger count is surely a bug, and would
    /// allocate without bound.
    public static let maxGroups = 1 << 20

    /// MemoryError when creating `count` groups would pass `maxGroups`, before allocating.
    public static func checkGroupCount(_ count: Int) throws(LRSchedError) {
        guard count <= maxGroups else {
            throw .memory("an optimizer of \(count) param groups is more than lrsched's limit of \(maxGroups) groups at creation (2^20)")
        }
    }

    /// SGD-style shorthand: `OptimizerState(lr: 0.1, momentum: 0.9)`, one group.
    public convenience init(lr: Double = 1e-3, momentum: Double = 0) throws(LRSchedError) {
        try self.init(defaults: ParamGroup(lr: lr, momentum: momentum))
    }

    /// Internal copy (for previews): same groups and kind, independent storage.
    package init(copying other: OptimizerState) {
        self.groups = other.groups
        self.momentumKind = other.momentumKind
        self.defaults = other.defaults
    }

    /// The number of parameter groups.
    public var count: Int { groups.count }

    /// Appends a group (torch's `add_param_group`), validated as the constructor does.
    public func addParamGroup(_ group: ParamGroup) throws(LRSchedError) {
        try group.validate()
        if momentumKind == .betas && group.beta1 == nil {
            throw .value("an optimizer with betas needs betas[0] in every group")
        }
        groups.append(group)
    }

    /// Reads `key` of group `index`.
    /// - Throws: IndexError-like ValueError for a bad index; KeyError when the group
    ///   does not hold the key (e.g. `initial_lr` before any scheduler is attached).
    public func value(_ key: ParamGroupKey, group index: Int) throws(LRSchedError) -> Double {
        guard groups.indices.contains(index) else {
            throw .value("param group index \(index) out of range (0..<\(groups.count))")
        }
        guard let v = groups[index][key] else { throw .key("'\(key.rawValue)'") }
        return v
    }

    /// Writes `key` of group `index`, as `optimizer.param_groups[i][key] = value`.
    /// - Throws: ValueError for a bad index or a non-finite value (torch accepts
    ///   anything here; lrsched rejects NaN and infinity so every front end agrees).
    public func setValue(_ value: Double, for key: ParamGroupKey, group index: Int) throws(LRSchedError) {
        guard groups.indices.contains(index) else {
            throw .value("param group index \(index) out of range (0..<\(groups.count))")
        }
        guard value.isFinite else {
            throw .value("Invalid \(key.rawValue) value: \(pyRepr(value)) (must be finite)")
        }
        groups[index].setUnchecked(key, value)
    }

    /// Removes an optional key from group `index` (`del param_groups[i]["initial_lr"]`).
    public func removeValue(for key: ParamGroupKey, group index: Int) throws(LRSchedError) {
        guard groups.indices.contains(index) else {
            throw .value("param group index \(index) out of range (0..<\(groups.count))")
        }
        guard key.isOptional else { throw .value("'\(key.rawValue)' cannot be removed from a param group") }
        groups[index].setUnchecked(key, nil)
    }

    // MARK: Scheduler access (unchecked)

    /// Group `i`'s lr, read in place (schedulers call this on every step; `groups[i].lr`
    /// would copy the whole group out first).
    @inline(__always)
    package func lr(_ i: Int) -> Double {
        groups.withUnsafeBufferPointer { $0[i].lr }
    }

    /// The momentum a cycled scheduler reads/writes for group `i`.
    @inline(__always)
    package func cycledMomentum(_ i: Int) -> Double {
        let betas = momentumKind == .betas
        return groups.withUnsafeBufferPointer { betas ? ($0[i].beta1 ?? 0) : $0[i].momentum }
    }

    /// Group `i`'s `key`, read in place.
    @inline(__always)
    package func value(_ i: Int, _ key: ParamGroupKey) -> Double? {
        groups.withUnsafeBufferPointer { $0[i][key] }
    }

    @inline(__always)
    package func setCycledMomentum(_ i: Int, _ v: Double) {
        if momentumKind == .betas { groups[i].beta1 = v } else { groups[i].momentum = v }
    }
}
