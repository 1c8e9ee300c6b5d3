import LRSchedSupport
import LRSchedJSON

/// A function of the epoch counter returning a multiplicative factor, as torch's
/// `lr_lambda`. It may throw: an `LRSchedError` propagates as itself, any other error
/// becomes `.callbackFailed`. A throwing lambda aborts the step with the lrs unchanged.
public typealias LRLambda = (Int) throws -> Double

/// A caller's function of a float (timm's WSD `decay_fn(progress) -> factor`): from C
/// an `lrsched_real_fn`, from Python a callable. What it throws aborts the step.
public typealias RealFunction = (Double) throws -> Double

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

/// The base of LambdaLR and MultiplicativeLR: one lr function per group, given as one
/// for all or a list (torch's `lr_lambda`).
public class LRLambdaScheduler: LRScheduler {
    @exclusivity(unchecked) package var lrLambdas: [LRLambda] = []
    /// What `state_dict()["lr_lambdas"]` holds for each function: `null` for a plain
    /// function (torch saves `None`), `{}` for a `functools.partial` (torch saves its
    /// empty `__dict__`), as transformers' schedules are. Not loaded.
    @exclusivity(unchecked) package var savedFunctionState: JSONValue = .null

    /// - Throws: ValueError when a per-group list has the wrong length; whatever the
    ///   lambda throws at the construction step; KeyError on resume without `initial_lr`.
    public required init(_ optimizer: OptimizerState, lrLambda: LRLambdas, lastEpoch: Int = -1) throws(LRSchedError) {
        self.lrLambdas = try lrLambda.resolved(groups: optimizer.count)
        try super.init(optimizer: optimizer, lastEpoch: lastEpoch)
        try constructionStep()
    }

    public convenience init(_ optimizer: OptimizerState, lrLambda: @escaping LRLambda, lastEpoch: Int = -1) throws(LRSchedError) {
        try self.init(optimizer, lrLambda: .shared(lrLambda), lastEpoch: lastEpoch)
    }

    package required init(copying other: LRScheduler, optimizer: OptimizerState) {
        self.lrLambdas = (other as? LRLambdaScheduler)?.lrLambdas ?? []
        self.savedFunctionState = (other as? LRLambdaScheduler)?.savedFunctionState ?? .null
        super.init(copying: other, optimizer: optimizer)
    }

    /// A loaded state: `base_lrs` has one value per function.
    package override func checkLoadedState() throws(LRSchedError) {
        if baseLRs.count != lrLambdas.count {
            throw .value("\(typeName) state: 'base_lrs' has \(baseLRs.count) values for \(lrLambdas.count) lr_lambdas")
        }
    }

    /// The descriptor of a LambdaLR or MultiplicativeLR (`type`): `lr_lambda` and
    /// `last_epoch`, built from function names.
    static func descriptor(_ type: LRLambdaScheduler.Type, _ name: String, summary: String,
                           lambdaDoc: String) -> SchedulerDescriptor {
        SchedulerDescriptor(
            name, summary: summary, parameters: [.init("lr_lambda", .lrFunction, doc: lambdaDoc), .lastEpoch],
            state: state,
            build: { (a, c) throws(LRSchedError) in
                try type.init(c.optimizer, lrLambda: SchedulerSpec.lambdas(a, c), lastEpoch: a.int("last_epoch"))
            })
    }

    /// The state of a LambdaLR or MultiplicativeLR: torch's base state, then
    /// `lr_lambdas` (`savedFunctionState` per function; checked, then ignored on load).
    static let state: [StateField] = StateField.base + [
        StateField("lr_lambdas", attribute: false,
                   save: { s in .array(Array(repeating: (s as? LRLambdaScheduler)?.savedFunctionState ?? .null,
                                             count: (s as? LRLambdaScheduler)?.lrLambdas.count ?? 0)) },
                   load: { (v, s) throws(LRSchedError) in try checkSavedFunctions(v, s.typeName) },
                   assign: { _, _ in }),
    ]

    /// torch's load iterates `lr_lambdas` and updates each function's `__dict__` from its
    /// non-None entries: anything but a list of null or objects is its TypeError.
    static func checkSavedFunctions(_ v: JSONValue, _ owner: String) throws(LRSchedError) {
        guard let items = v.arrayValue else {
            throw .type("\(owner) state: 'lr_lambdas' must be a list (one entry per lr_lambda), got \(v.typeName)")
        }
        for item in items {
            switch item {
            case .null, .object: continue
            default: throw .type("\(owner) state: 'lr_lambdas' entries must be None or a dict (a function's __dict__), got \(item.typeName)")
            }
        }
    }
}
