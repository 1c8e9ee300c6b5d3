import LRSchedSupport
import LRSchedJSON

/// transformers' `get_constant_schedule(optimizer, last_epoch=-1)`: a `LambdaLR` whose
/// lambda (`_get_constant_lambda`, a plain function: saved as `null`) returns 1, so
/// every group keeps its base lr.
package enum GetConstantSchedule {
    package static let descriptor = SchedulerDescriptor.transformersLambda(
        "get_constant_schedule", summary: "keeps the base lr (a LambdaLR returning 1)",
        parameters: [.lastEpoch], partial: false,
        makeLambda: { (_, _) throws(LRSchedError) -> LRLambda in { _ in 1.0 } })
}
