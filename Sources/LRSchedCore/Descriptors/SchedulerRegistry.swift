import LRSchedSupport
import LRSchedJSON

/// Every scheduler lrsched has, by descriptor: the one list spec building, type lookup,
/// `lrsched_describe()` and the generated files read. Adding a scheduler is its file
/// plus one line here (docs/adding-a-scheduler.md).
public enum SchedulerRegistry {
    /// In the order of torch's `lr_scheduler.py` `__all__`; later libraries after.
    public static let all: [SchedulerDescriptor] = [
        LambdaLR.descriptor,
        MultiplicativeLR.descriptor,
        StepLR.descriptor,
        MultiStepLR.descriptor,
        ConstantLR.descriptor,
        LinearLR.descriptor,
        ExponentialLR.descriptor,
        SequentialLR.descriptor,
        CosineAnnealingLR.descriptor,
        ChainedScheduler.descriptor,
        ReduceLROnPlateau.descriptor,
        CyclicLR.descriptor,
        CosineAnnealingWarmRestarts.descriptor,
        OneCycleLR.descriptor,
        PolynomialLR.descriptor,
        // transformers 5.25.0's `transformers.optimization` schedules.
        GetConstantSchedule.descriptor,
        GetConstantScheduleWithWarmup.descriptor,
        GetLinearScheduleWithWarmup.descriptor,
        GetCosineScheduleWithWarmup.descriptor,
        GetCosineWithHardRestartsScheduleWithWarmup.descriptor,
        GetPolynomialDecayScheduleWithWarmup.descriptor,
        GetInverseSqrtSchedule.descriptor,
        GetReduceOnPlateauSchedule.descriptor,
        GetCosineWithMinLRScheduleWithWarmup.descriptor,
        GetCosineWithMinLRScheduleWithWarmupLRRate.descriptor,
        GetWSDSchedule.descriptor,
        GetGreedySchedule.descriptor,
        GetScheduler.descriptor,
        // timm 1.0.31's `timm.scheduler` classes and its factory.
        CosineLRScheduler.descriptor,
        TanhLRScheduler.descriptor,
        StepLRScheduler.descriptor,
        MultiStepLRScheduler.descriptor,
        PolyLRScheduler.descriptor,
        WSDLRScheduler.descriptor,
        PlateauLRScheduler.descriptor,
        CreateSchedulerV2.descriptor,
    ]

    /// The type names, in registry order.
    public static let names: [String] = all.map(\.name)

    private static let byName: [String: SchedulerDescriptor] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The descriptor of a type name, or nil.
    public static func descriptor(named name: String) -> SchedulerDescriptor? { byName[name] }

    /// Every descriptor as JSON: `{"lrsched_version": ..., "schedulers": [...]}`
    /// (`lrsched_describe()`, `lrsched-cli describe --json`).
    public static func describe() -> JSONValue {
        .object(JSONObject([
            ("lrsched_version", .string(LRSchedVersion.string)),
            ("schedulers", .array(all.map(\.json))),
        ]))
    }
}
