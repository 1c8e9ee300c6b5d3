import LRSchedSupport
import LRSchedJSON

/// A hyperparameter given for every param group at once or one value per group, as
/// torch distinguishes `max_lr=0.1` from `max_lr=[0.1, 0.2]`. A float literal is
/// `.all`, an array literal `.perGroup`.
public enum PerGroup: Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral {
    case all(Double)
    case perGroup([Double])

    public init(floatLiteral value: Double) { self = .all(value) }
    public init(arrayLiteral elements: Double...) { self = .perGroup(elements) }

    /// The values as given (one, or one per group).
    public var values: [Double] {
        switch self {
        case .all(let v): return [v]
        case .perGroup(let vs): return vs
        }
    }

    /// torch's `_format_param(name, optimizer, param)`: a scalar is replicated per
    /// group; a list must have one value per group.
    /// - Throws: ValueError with torch's message for a list of another length.
    public func resolved(_ name: String, groups n: Int) throws(LRSchedError) -> [Double] {
        switch self {
        case .all(let v): return Array(repeating: v, count: n)
        case .perGroup(let vs):
            guard vs.count == n else {
                throw .value("\(name) must have the same length as optimizer.param_groups. \(name) has \(vs.count) values, param_groups has \(n).")
            }
            return vs
        }
    }
}

extension PerGroup {
    /// ReduceLROnPlateau's form of the same rule (`min_lr`; GreedyLR's `min_lr` and
    /// `max_lr`): `ValueError("expected N min_lrs, got M")`, naming `name`.
    public func resolved(expecting name: String, groups n: Int) throws(LRSchedError) -> [Double] {
        switch self {
        case .all(let v): return Array(repeating: v, count: n)
        case .perGroup(let vs):
            guard vs.count == n else { throw .value("expected \(n) \(name), got \(vs.count)") }
            return vs
        }
    }
}

extension SpecArguments {
    /// A declared per-group parameter: a list is `.perGroup`, a number `.all`.
    package func perGroup(_ key: String) throws(LRSchedError) -> PerGroup {
        let v = try value(key)
        let xs = try Self.doubles(v, key: key, owner: owner)
        if case .array = v { return .perGroup(xs) }
        return .all(xs[0])
    }
}
