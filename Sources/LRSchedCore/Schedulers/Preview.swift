import LRSchedSupport
import LRSchedJSON

/// The next lrs (and momenta) that stepping schedulers would give, computed on copies:
/// the schedulers and their optimizer are left untouched.
///
/// Several top-level schedulers sharing one optimizer are stepped in the given order,
/// as a training loop steps them (a SequentialLR or ChainedScheduler steps its own
/// children). ReduceLROnPlateau takes one metric per step.
public struct Preview: Sendable {
    /// Number of steps (rows).
    public let steps: Int
    /// Number of param groups (columns).
    public let groups: Int
    /// `lrs[k * groups + g]`: group `g`'s lr after step `k + 1`. Row-major, steps × groups.
    public var lrs: [Double]
    /// The momenta in the same layout (`betas[0]` for Adam-style optimizers), when asked for.
    public var momenta: [Double]?

    /// - Parameters:
    ///   - schedulers: one or more schedulers acting on the same optimizer.
    ///   - steps: how many steps to preview (0 gives an empty result).
    ///   - metrics: one per step, required when a ReduceLROnPlateau is among `schedulers`.
    ///   - momentum: also record the momenta.
    /// - Throws: ValueError for an empty list, schedulers on different optimizers, a
    ///   negative `steps`, missing metrics; MemoryError beyond `maxValues`; any error a
    ///   step raises (then nothing is returned).
    public init(_ schedulers: [LRScheduler], steps: Int, metrics: [Double]? = nil, momentum: Bool = false) throws(LRSchedError) {
        let (copies, opt) = try Self.copies(schedulers, steps: steps, metrics: metrics)
        let n = opt.count
        let total = try Self.size(steps: steps, groups: n)
        var lrs = [Double](repeating: 0, count: total)
        var moms: [Double]? = momentum ? [Double](repeating: 0, count: total) : nil
        try lrs.withUnsafeMutableBufferPointer { (lrBuf) throws(LRSchedError) in
            if moms == nil {
                try Self.run(copies, opt, steps: steps, metrics: metrics, lrs: lrBuf, momenta: nil)
            } else {
                try moms!.withUnsafeMutableBufferPointer { (mBuf) throws(LRSchedError) in
                    try Self.run(copies, opt, steps: steps, metrics: metrics, lrs: lrBuf, momenta: mBuf)
                }
            }
        }
        self.steps = steps
        self.groups = n
        self.lrs = lrs
        self.momenta = moms
    }

    /// Writes a preview into caller buffers of at least `steps × groups` doubles
    /// (`momenta` may be nil). On failure the buffers' contents are unspecified.
    public static func write(_ schedulers: [LRScheduler], steps: Int, metrics: [Double]? = nil,
                             lrs: UnsafeMutableBufferPointer<Double>,
                             momenta: UnsafeMutableBufferPointer<Double>?) throws(LRSchedError) {
        let (copies, opt) = try copies(schedulers, steps: steps, metrics: metrics)
        let total = try size(steps: steps, groups: opt.count)
        guard lrs.count >= total, (momenta?.count ?? total) >= total else {
            throw .value("preview buffers hold fewer than \(steps) × \(opt.count) values")
        }
        try run(copies, opt, steps: steps, metrics: metrics, lrs: lrs, momenta: momenta)
    }

    /// The most values (steps × groups) one preview may hold: 2^26, 512 MiB of doubles
    /// (`LRSCHED_MAX_PREVIEW_VALUES` in C). Front ends check it before allocating.
    public static let maxValues = 1 << 26

    /// `steps × groups`, checked against `maxValues`.
    /// - Throws: ValueError for negative `steps`; MemoryError beyond `maxValues`.
    public static func size(steps: Int, groups: Int) throws(LRSchedError) -> Int {
        guard steps >= 0 else { throw .value("preview steps must be >= 0, got \(steps)") }
        let (total, o) = steps.multipliedReportingOverflow(by: groups)
        guard !o, total <= maxValues else {
            throw .memory("a preview of \(steps) steps x \(groups) groups is more than lrsched's limit of \(maxValues) values (2^26)")
        }
        return total
    }

    package static func copies(_ schedulers: [LRScheduler], steps: Int, metrics: [Double]?) throws(LRSchedError) -> ([LRScheduler], OptimizerState) {
        guard let first = schedulers.first else { throw .value("preview needs at least one scheduler") }
        guard steps >= 0 else { throw .value("preview steps must be >= 0, got \(steps)") }
        for s in schedulers where s.optimizer !== first.optimizer {
            throw .value("preview: all schedulers must act on the same optimizer")
        }
        try CustomLR.refusePreview(schedulers)
        if steps > 0 && schedulers.contains(where: { $0.flags.contains(.metric) }) {
            guard let metrics else { throw .value("preview of ReduceLROnPlateau needs one metric per step") }
            guard metrics.count >= steps else {
                throw .value("preview of \(steps) steps needs \(steps) metrics, got \(metrics.count)")
            }
        }
        let opt = OptimizerState(copying: first.optimizer)
        return (schedulers.map { $0.copy(with: opt) }, opt)
    }

    package static func run(_ copies: [LRScheduler], _ opt: OptimizerState, steps: Int, metrics: [Double]?,
                    lrs: UnsafeMutableBufferPointer<Double>, momenta: UnsafeMutableBufferPointer<Double>?) throws(LRSchedError) {
        var row = 0
        let plateau = copies.map { $0.flags.contains(.metric) }
        let counting = copies.map { $0.stepIndex == .counter }
        // The common case, one scheduler without metrics, without the per-step dispatch.
        if copies.count == 1 && !plateau[0] && counting[0] && momenta == nil {
            let s = copies[0]
            let n = opt.groups.count
            guard steps <= lrs.count / max(n, 1) else { throw .value("preview buffers are too small") }
            for _ in 0..<steps {
                try s.step()
                guard opt.groups.count == n else { throw .value("the number of param groups changed during a preview") }
                for g in 0..<n { lrs[row + g] = opt.lr(g) }
                row += n
            }
            return
        }
        for k in 0..<steps {
            for (j, s) in copies.enumerated() {
                if !counting[j] {
                    try advance(s, metric: metrics.flatMap { k < $0.count ? $0[k] : nil })
                } else if plateau[j] {
                    try s.step(metric: metrics?[k] ?? .nan)
                } else {
                    try s.step()
                }
            }
            let n = opt.groups.count
            guard row + n <= lrs.count else { throw .value("the number of param groups changed during a preview") }
            for g in 0..<n { lrs[row + g] = opt.lr(g) }
            if let momenta {
                for g in 0..<n { momenta[row + g] = opt.cycledMomentum(g) }
            }
            row += n
        }
    }
}

extension Preview {
    /// One step of a scheduler given its index explicitly (timm's): the index after the
    /// last one it was stepped to, as a training loop would pass it.
    static func advance(_ s: LRScheduler, metric: Double?) throws(LRSchedError) {
        let t = try Py.add(s.lastEpoch, 1)
        if s.stepIndex == .epoch {
            try s.step(epoch: t, metric: metric)
        } else {
            try s.stepUpdate(t, metric: metric)
        }
    }
}

extension LRScheduler {
    /// The next `steps` lrs this scheduler would give (see `Preview`).
    public func preview(steps: Int, metrics: [Double]? = nil, momentum: Bool = false) throws(LRSchedError) -> Preview {
        try Preview([self], steps: steps, metrics: metrics, momentum: momentum)
    }
}
