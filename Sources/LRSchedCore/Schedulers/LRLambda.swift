import LRSchedSupport
import LRSchedJSON

/// A function of the epoch counter returning a multiplicative factor, as torch's
/// `lr_lambda`. It may throw: an `LRSchedError` propagates as itself, any other error
/// becomes `.callbackFailed`. A throwing lambda aborts the step with the lrs unchanged.
public typealias LRLambda = (Int) throws -> Double

/// One lr function per group, or one for all: torch's `lr_lambda` argument.
public enum LRLambdas {
    case shared(LRLambda)
    case perGroup([LRLambda])

    /// torch: a non-list is replicated; a list must have one entry per group
    /// (`ValueError("Expected N lr_lambdas, but got M")`).
    package func resolved(groups n: Int) throws(LRSchedError) -> [LRLambda] {
        switch self {
        case .shared(let f): return Array(repeating: f, count: n)
        case .perGroup(let fs):
            guard fs.count == n else { throw .value("Expected \(n) lr_lambdas, but got \(fs.count)") }
            return fs
        }
    }
}

@inline(__always)
package func callLambda(_ f: LRLambda, _ epoch: Int) throws(LRSchedError) -> Double {
    do {
        return try f(epoch)
    } catch let e as LRSchedError {
        throw e
    } catch {
        throw LRSchedError(.callbackFailed, "lr_lambda failed at epoch \(epoch): \(error)")
    }
}

extension StateField {
    /// `lr_lambdas`: `null` per function, as torch saves plain functions (supply them
    /// again when rebuilding); ignored on load.
    package static func lambdas<S: LRScheduler>(_ kp: KeyPath<S, [LRLambda]>) -> StateField {
        .derived("lr_lambdas", attribute: false) { (s: S) in .array(Array(repeating: .null, count: s[keyPath: kp].count)) }
    }

    /// `lr_lambdas`: `saved` per function (`null` for plain functions, `{}` for
    /// `functools.partial`s); ignored on load.
    package static func lambdas<S: LRScheduler>(_ kp: KeyPath<S, [LRLambda]>, saved: KeyPath<S, JSONValue>) -> StateField {
        .derived("lr_lambdas", attribute: false) { (s: S) in
            .array(Array(repeating: s[keyPath: saved], count: s[keyPath: kp].count))
        }
    }
}

extension LRScheduler {
    /// A loaded LambdaLR or MultiplicativeLR state: `base_lrs` has one value per function.
    package func checkLambdaCount(_ n: Int) throws(LRSchedError) {
        if baseLRs.count != n {
            throw .value("\(typeName) state: 'base_lrs' has \(baseLRs.count) values for \(n) lr_lambdas")
        }
    }
}
