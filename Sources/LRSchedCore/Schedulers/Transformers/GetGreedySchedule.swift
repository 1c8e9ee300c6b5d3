import LRSchedSupport
import LRSchedJSON

/// transformers' `get_greedy_schedule(optimizer, **kwargs)`: `GreedyLR(optimizer,
/// **kwargs)`. The scheduler is a GreedyLR (metric-driven; not composable).
package enum GetGreedySchedule {
    package static let descriptor = GreedyLR.descriptor.alias(
        "hf.get_greedy_schedule", library: "transformers",
        summary: "transformers' GreedyLR: raises the lr while a metric improves, lowers it on plateaus")
}
