import LRSchedSupport
import LRSchedJSON
import LRSchedCore
internal import LRSchedKernels

/// Stochastic gradient descent, torch's `torch.optim.SGD` (single-tensor path).
///
/// An `SGD` owns its hyperparameters as an ``OptimizerState`` (`state`), which
/// schedulers attach to, and, per parameter group, the model parameters it updates.
/// A group may hold no parameters (a scheduling-only group); groups added to `state`
/// directly (``OptimizerState/addParamGroup(_:)``) are such groups.
///
/// ``step()`` reads every hyperparameter of a group from `state` at each call, so
/// values a scheduler writes between steps take effect at the next step. Momentum
/// buffers persist per parameter across steps.
///
/// Not thread-safe: use an optimizer, its state and its parameters from one thread.
public final class SGD {
    /// One parameter group for ``init(groups:lr:momentum:dampening:weightDecay:nesterov:maximize:)``:
    /// its parameters and the hyperparameters that override the optimizer's defaults
    /// (torch's `{"params": [...], "lr": 0.01}`); `nil` means "use the default".
    public struct ParameterGroup {
        public var parameters: [Parameter]
        public var lr: Double?
        public var momentum: Double?
        public var dampening: Double?
        public var weightDecay: Double?
        public var nesterov: Bool?
        public var maximize: Bool?

        public init(
            parameters: [Parameter], lr: Double? = nil, momentum: Double? = nil,
            dampening: Double? = nil, weightDecay: Double? = nil, nesterov: Bool? = nil,
            maximize: Bool? = nil
        ) {
            self.parameters = parameters
            self.lr = lr
            self.momentum = momentum
            self.dampening = dampening
            self.weightDecay = weightDecay
            self.nesterov = nesterov
            self.maximize = maximize
        }

        /// The group's hyperparameters: `defaults` with this group's overrides applied.
        func resolved(against defaults: ParamGroup) -> ParamGroup {
            var g = defaults
            if let lr { g.lr = lr }
            if let momentum { g.momentum = momentum }
            if let dampening { g.dampening = dampening }
            if let weightDecay { g.weightDecay = weightDecay }
            if let nesterov { g.nesterov = nesterov }
            if let maximize { g.maximize = maximize }
            return g
        }
    }

    /// One parameter and its optimizer state (torch's `state[p]`).
    private final class Slot {
        // `@exclusivity(unchecked)` on the hot buffers: see Parameter.swift.
        let parameter: Parameter
        /// `momentum_buffer`; created at the first step that uses momentum.
        @exclusivity(unchecked) var momentumBuffer: [Float]?
        init(_ p: Parameter) { parameter = p }
    }

    /// The hyperparameters, one group per entry; schedulers read and write these.
    public let state: OptimizerState
    /// Per group of `state` (in the same order), the slots of its parameters.
    private var slots: [[Slot]]

    /// An optimizer with one group holding `parameters` (possibly none: a
    /// scheduling-only group). Defaults are torch's.
    ///
    /// - Throws: ValueError as torch's constructor: "Invalid learning rate: -0.1",
    ///   "Invalid momentum value: …", "Invalid weight_decay value: …", "Nesterov
    ///   momentum requires a momentum and zero dampening"; also for non-finite values
    ///   (see ``ParamGroup/validate()``) and for a parameter listed twice.
    public convenience init(
        parameters: [Parameter], lr: Double = 1e-3, momentum: Double = 0,
        dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false,
        maximize: Bool = false
    ) throws(LRSchedError) {
        try self.init(
            groups: [ParameterGroup(parameters: parameters)], lr: lr, momentum: momentum,
            dampening: dampening, weightDecay: weightDecay, nesterov: nesterov,
            maximize: maximize)
    }

    /// An optimizer with one group per entry of `groups`; the other arguments are the
    /// defaults each group's unset hyperparameters take (torch's
    /// `SGD([{"params": …, "lr": …}, …], lr=…, momentum=…)`).
    ///
    /// - Throws: ValueError: the defaults are validated first, as torch does, then
    ///   each group (an lrsched rule: torch does not check per-group overrides); an
    ///   empty `groups` is "optimizer got an empty parameter list"; a parameter in two
    ///   groups is "some parameters appear in more than one parameter group" (torch's
    ///   message); a parameter listed twice in one group is rejected too (torch only
    ///   warns).
    public init(
        groups: [ParameterGroup], lr: Double = 1e-3, momentum: Double = 0,
        dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false,
        maximize: Bool = false
    ) throws(LRSchedError) {
        let defaults = ParamGroup(
            lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
            nesterov: nesterov, maximize: maximize)
        state = try OptimizerState(
            defaults: defaults, groups: groups.map { $0.resolved(against: defaults) },
            momentumKind: .momentum)
        var seen = Set<ObjectIdentifier>()
        var slots: [[Slot]] = []
        for group in groups {
            slots.append(try SGD.makeSlots(group.parameters, seen: &seen))
        }
        self.slots = slots
    }

    /// Appends a parameter group (torch's `add_param_group`), its unset
    /// hyperparameters taken from `state.defaults`.
    /// - Throws: ValueError as the constructor (invalid values, a parameter already
    ///   optimized or listed twice); nothing is added then.
    public func addParamGroup(_ group: ParameterGroup) throws(LRSchedError) {
        var seen = Set(slots.joined().map { ObjectIdentifier($0.parameter) })
        let newSlots = try SGD.makeSlots(group.parameters, seen: &seen)
        try state.addParamGroup(group.resolved(against: state.defaults))
        syncSlotsWithState()
        slots[slots.count - 1] = newSlots
    }

    /// The parameters of each group, in group order (a group added to `state`
    /// directly has none).
    public var parameterGroups: [[Parameter]] {
        (0..<state.count).map { i in i < slots.count ? slots[i].map(\.parameter) : [] }
    }

    /// The momentum buffer of `parameter` (torch's `state[p]["momentum_buffer"]`),
    /// `nil` before its first momentum step or when the parameter is not optimized here.
    public func momentumBuffer(for parameter: Parameter) -> [Float]? {
        for group in slots {
            for s in group where s.parameter === parameter { return s.momentumBuffer }
        }
        return nil
    }

    /// Clears the gradient of every optimized parameter (torch's
    /// `zero_grad(set_to_none=True)`). Not needed between steps when gradients come
    /// from ``Layer/backward(_:computeInputGradient:)``, which overwrites them.
    public func zeroGrad() {
        for group in slots {
            for s in group { s.parameter.zeroGrad() }
        }
    }

    /// One optimization step over every parameter that has a gradient, group by group,
    /// with each group's current hyperparameters (torch's `_single_tensor_sgd`):
    ///
    ///     d = maximize ? -g : g
    ///     if weight_decay != 0: d = d + weight_decay * p
    ///     if momentum != 0:
    ///         buf = first step ? clone(d) : buf * momentum + (1 - dampening) * d
    ///         d = nesterov ? d + momentum * buf : buf
    ///     p = p - lr * d
    ///
    /// Scalars are rounded to Float first (`1 - dampening` and `-lr` computed in
    /// Double); each `x + a * y` is a float32 fused multiply-add `fma(y, a, x)` as in
    /// torch's `add(y, alpha=a)`; `buf * momentum` is a separate rounding.
    ///
    /// - Complexity: O(total elements); allocates only a parameter's momentum buffer
    ///   on its first momentum step.
    public func step() {
        let n = min(slots.count, state.count)
        for gi in 0..<n {
            let group = state.groups[gi]
            let h = Hyper(group)
            for slot in slots[gi] {
                SGD.update(slot, h)
            }
        }
    }

    // MARK: - Implementation

    /// A group's hyperparameters as the float32 scalars the update uses.
    private struct Hyper {
        let negLR: Float
        let weightDecay: Float
        let momentum: Float
        let oneMinusDampening: Float
        let useWeightDecay: Bool
        let useMomentum: Bool
        let nesterov: Bool
        let maximize: Bool

        init(_ g: ParamGroup) {
            negLR = Float(-g.lr)
            weightDecay = Float(g.weightDecay)
            momentum = Float(g.momentum)
            oneMinusDampening = Float(1 - g.dampening)
            useWeightDecay = g.weightDecay != 0
            useMomentum = g.momentum != 0
            nesterov = g.nesterov
            maximize = g.maximize
        }
    }

    private static func update(_ slot: Slot, _ h: Hyper) {
        let p = slot.parameter
        guard let grad = p.grad else { return }
        let n = p.data.count
        if n == 0 || grad.count != n { return }
        var firstMomentumStep = false
        if h.useMomentum && slot.momentumBuffer == nil {
            slot.momentumBuffer = Array(repeating: 0, count: n)
            firstMomentumStep = true
        }
        // One vectorized pass (Sources/LRSchedKernels: hardware FMA when the CPU has it;
        // fmaf otherwise, the same single roundings).
        grad.storage.withUnsafeBufferPointer { gBuf in
            p.data.storage.withUnsafeMutableBufferPointer { pBuf in
                let g = gBuf.baseAddress!, w = pBuf.baseAddress!
                func run(_ b: UnsafeMutablePointer<Float>?) {
                    lrskern_sgd_step(w, b, g, n, h.negLR, h.weightDecay, h.momentum, h.oneMinusDampening,
                                     h.useWeightDecay ? 1 : 0, firstMomentumStep ? 1 : 0,
                                     h.nesterov ? 1 : 0, h.maximize ? 1 : 0)
                }
                if h.useMomentum {
                    slot.momentumBuffer!.withUnsafeMutableBufferPointer { run($0.baseAddress!) }
                } else {
                    run(nil)
                }
            }
        }
    }

    private static func makeSlots(
        _ parameters: [Parameter], seen: inout Set<ObjectIdentifier>
    ) throws(LRSchedError) -> [Slot] {
        var local = Set<ObjectIdentifier>()
        for p in parameters {
            let id = ObjectIdentifier(p)
            if !local.insert(id).inserted {
                throw .value("optimizer contains a parameter group with duplicate parameters")
            }
            if seen.contains(id) {
                throw .value("some parameters appear in more than one parameter group")
            }
        }
        seen.formUnion(local)
        return parameters.map(Slot.init)
    }

    /// Pads `slots` with empty groups for groups added to `state` directly.
    private func syncSlotsWithState() {
        while slots.count < state.count { slots.append([]) }
    }
}
