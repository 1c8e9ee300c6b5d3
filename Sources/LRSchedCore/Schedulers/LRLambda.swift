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

/// `_format_param(name, optimizer, param)`: a scalar is replicated per group; a list
/// must have one value per group.
package enum PerGroup {
    package static func format(_ name: String, _ values: [Double], groups n: Int) throws(LRSchedError) -> [Double] {
        if values.count == 1 && n != 1 { return Array(repeating: values[0], count: n) }
        guard values.count == n else {
            throw .value("\(name) must have the same length as optimizer.param_groups. \(name) has \(values.count) values, param_groups has \(n).")
        }
        return values
    }
}

extension LRScheduler {
    /// LambdaLR's and MultiplicativeLR's state: the base state, and `lr_lambdas` as
    /// `null` per function (torch saves plain functions so): supply them again when
    /// rebuilding.
    package func saveLambdaState(into o: inout JSONObject, functions n: Int) {
        saveBaseState(into: &o)
        o["lr_lambdas"] = .array(Array(repeating: .null, count: n))
    }

    /// Loads `saveLambdaState`'s output; `base_lrs` must have one value per function.
    package func loadLambdaState(_ r: inout StateReader, functions n: Int) throws(LRSchedError) {
        let base = try BaseSchedulerState(self, &r)
        r.ignore("lr_lambdas")
        try r.finish()
        if base.baseLRs.count != n {
            throw .value("\(typeName) state: 'base_lrs' has \(base.baseLRs.count) values for \(n) lr_lambdas")
        }
        base.apply(to: self)
    }
}
