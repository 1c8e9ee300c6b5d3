import LRSchedSupport
import LRSchedJSON

/// transformers' `get_reduce_on_plateau_schedule(optimizer, **kwargs)`: torch's
/// `ReduceLROnPlateau(optimizer, **kwargs)`, nothing added. The scheduler is a
/// ReduceLROnPlateau (its class, type name, state and checks); it steps on a metric and
/// cannot be a child of SequentialLR or ChainedScheduler (torch's ValueError).
package enum GetReduceOnPlateauSchedule {
    package static let descriptor = ReduceLROnPlateau.descriptor.alias(
        "hf.get_reduce_on_plateau_schedule", library: "transformers",
        summary: "torch's ReduceLROnPlateau with the given keyword arguments")
}
