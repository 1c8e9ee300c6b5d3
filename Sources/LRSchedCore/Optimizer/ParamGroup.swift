import LRSchedSupport
import LRSchedJSON

/// One parameter group's hyperparameters, as torch keeps them in
/// `optimizer.param_groups[i]`.
///
/// Schedulers read and write these values: every scheduler writes `lr`; LRScheduler's
/// constructor sets `initialLR`; CyclicLR and OneCycleLR cycle `momentum` (or `beta1`
/// for an Adam-style optimizer) and record `maxMomentum`/`baseMomentum`; OneCycleLR also
/// records `maxLR` and `minLR`. Values written by schedulers are never range-checked
/// (OneCycleLR with linear annealing legitimately ends below zero).
///
/// A group may carry no parameters: in lrsched a group with no parameters is a
/// scheduling-only group.
public struct ParamGroup: Equatable, Sendable {
    public var lr: Double
    /// `initial_lr`: set by the first scheduler attached (OneCycleLR overwrites it).
    public var initialLR: Double?
    public var momentum: Double
    public var dampening: Double
    public var weightDecay: Double
    public var nesterov: Bool
    public var maximize: Bool
    /// Adam-style `betas`; `nil` for SGD. Cycled schedulers write `beta1` when the
    /// optimizer's `momentumKind` is `.betas`.
    public var beta1: Double?
    public var beta2: Double?
    public var maxLR: Double?
    public var minLR: Double?
    public var maxMomentum: Double?
    public var baseMomentum: Double?
    /// timm's `lr_scale` (layer-wise lr decay): timm's schedulers write
    /// `value * lr_scale` to a group that has one.
    public var lrScale: Double?

    /// A group with SGD's defaults (torch's `lr=1e-3`, everything else zero/false).
    public init(
        lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
        weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false
    ) {
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.maximize = maximize
    }

    /// Checks what torch's `SGD.__init__` checks for its defaults, plus finiteness
    /// (a documented lrsched deviation: NaN and infinite hyperparameters are rejected).
    public func validate() throws(LRSchedError) {
        for (name, v) in [("lr", lr), ("momentum", momentum), ("dampening", dampening),
                          ("weight_decay", weightDecay)] where !v.isFinite {
            throw .value("Invalid \(name) value: \(pyRepr(v)) (must be finite)")
        }
        if lr < 0 { throw .value("Invalid learning rate: \(pyRepr(lr))") }
        if momentum < 0 { throw .value("Invalid momentum value: \(pyRepr(momentum))") }
        if weightDecay < 0 { throw .value("Invalid weight_decay value: \(pyRepr(weightDecay))") }
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw .value("Nesterov momentum requires a momentum and zero dampening")
        }
        for (name, v) in [("initial_lr", initialLR), ("betas[0]", beta1), ("betas[1]", beta2),
                          ("max_lr", maxLR), ("min_lr", minLR), ("max_momentum", maxMomentum),
                          ("base_momentum", baseMomentum), ("lr_scale", lrScale)] {
            if let v, !v.isFinite { throw .value("Invalid \(name) value: \(pyRepr(v)) (must be finite)") }
        }
    }
}

/// The per-group keys torch's schedulers and SGD read or write, by their torch names.
public enum ParamGroupKey: String, CaseIterable, Sendable {
    case lr, initial_lr, momentum, dampening, weight_decay, nesterov, maximize
    case beta1 = "betas[0]"
    case beta2 = "betas[1]"
    case max_lr, min_lr, max_momentum, base_momentum, lr_scale

    /// Whether the key may be absent from a group (torch adds it on demand).
    public var isOptional: Bool {
        switch self {
        case .initial_lr, .beta1, .beta2, .max_lr, .min_lr, .max_momentum, .base_momentum, .lr_scale: true
        default: false
        }
    }
}

extension ParamGroup {
    /// The value of `key`, `nil` when the group does not hold it. Booleans read as 0 or 1.
    public subscript(key: ParamGroupKey) -> Double? {
        switch key {
        case .lr: lr
        case .initial_lr: initialLR
        case .momentum: momentum
        case .dampening: dampening
        case .weight_decay: weightDecay
        case .nesterov: nesterov ? 1 : 0
        case .maximize: maximize ? 1 : 0
        case .beta1: beta1
        case .beta2: beta2
        case .max_lr: maxLR
        case .min_lr: minLR
        case .max_momentum: maxMomentum
        case .base_momentum: baseMomentum
        case .lr_scale: lrScale
        }
    }

    /// Sets `key` without validation (the caller validates).
    package mutating func setUnchecked(_ key: ParamGroupKey, _ v: Double?) {
        switch key {
        case .lr: lr = v ?? lr
        case .initial_lr: initialLR = v
        case .momentum: momentum = v ?? momentum
        case .dampening: dampening = v ?? dampening
        case .weight_decay: weightDecay = v ?? weightDecay
        case .nesterov: nesterov = (v ?? 0) != 0
        case .maximize: maximize = (v ?? 0) != 0
        case .beta1: beta1 = v
        case .beta2: beta2 = v
        case .max_lr: maxLR = v
        case .min_lr: minLR = v
        case .max_momentum: maxMomentum = v
        case .base_momentum: baseMomentum = v
        case .lr_scale: lrScale = v
        }
    }
}
