import LRSchedSupport
import LRSchedJSON

/// The lr functions a JSON spec can name in `lr_lambda` (the conformance vectors'
/// complete set), computed exactly as the conformance README writes them.
///
/// | name | function of the epoch `e` |
/// |---|---|
/// | `pow095` | `pow(0.95, Double(e))` (libm) |
/// | `inv1p` | `1.0 / (1.0 + Double(e))` |
/// | `const095` | `0.95` |
/// | `halve_every_3` | `0.5` if `e % 3 == 0 && e > 0`, else `1.0` |
public enum NamedLRFunction: String, CaseIterable, Sendable {
    case pow095
    case inv1p
    case const095
    case halve_every_3

    /// The factor for epoch `e`.
    public func callAsFunction(_ e: Int) throws(LRSchedError) -> Double {
        switch self {
        case .pow095: return try Py.floatPow(0.95, Double(e))
        case .inv1p: return try Py.div(1.0, 1.0 + Double(e))
        case .const095: return 0.95
        case .halve_every_3: return try Py.mod(e, 3) == 0 && e > 0 ? 0.5 : 1.0
        }
    }

    /// The function as an `LRLambda`.
    public var lambda: LRLambda {
        let f = self
        return { (e: Int) throws -> Double in try f(e) }
    }

    /// Looks a name up.
    /// - Throws: ValueError naming the unknown function and the known ones.
    public static func named(_ name: String) throws(LRSchedError) -> NamedLRFunction {
        guard let f = NamedLRFunction(rawValue: name) else {
            let known = allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw .value("unknown lr function '\(name)' (known: \(known))")
        }
        return f
    }
}
