import LRSched
import LRSchedCShims

// lrsched_sgd_* (torch.optim.SGD over a model's parameters) and lrsched_trainer_* (fit and
// evaluate on caller buffers) (include/lrsched.h, "Training").

/// `lrsched_epoch_fn`: `int (*)(int64_t epoch, double lr_start, double loss, double lr_after, void *user)`.
public typealias EpochFunctionPointer = @convention(c) (Int64, Double, Double, Double, UnsafeMutableRawPointer?) -> Int32

/// LRSCHED_STEP_EPOCH, LRSCHED_STEP_BATCH.
private func stepUnit(_ code: Int32) throws(CFailure) -> Trainer.StepUnit {
    switch code {
    case 0: .epoch
    case 1: .batch
    default: throw .value("unknown step_unit \(code) (expected LRSCHED_STEP_EPOCH or LRSCHED_STEP_BATCH)")
    }
}

/// The parameters of a model an SGD is built over (torch's check for an empty list).
private func sgdParameters(_ m: ModelHandle) throws(CFailure) -> [Parameter] {
    let ps = m.parameters.map(\.parameter)
    if ps.isEmpty { throw .value("optimizer got an empty parameter list") }
    return ps
}

/// Splits the model's parameters into groups by `groupOf` (one index per parameter, in
/// named_parameters() order; the indices must cover 0..<k without gaps).
private func parameterGroups(_ ps: [Parameter], _ groupOf: [UInt]) throws(CFailure) -> [SGD.ParameterGroup] {
    if groupOf.isEmpty { return [SGD.ParameterGroup(parameters: ps)] }
    guard groupOf.count == ps.count else {
        throw .value("group_of has \(groupOf.count) entries, the model has \(ps.count) parameters")
    }
    var groups: [[Parameter]] = []
    for (i, g) in groupOf.enumerated() {
        guard let k = Int(exactly: g), k < ps.count else {
            throw .value("group_of[\(i)] = \(g): a group index must be below the parameter count (\(ps.count))")
        }
        while groups.count <= k { groups.append([]) }
        groups[k].append(ps[i])
    }
    if let empty = groups.firstIndex(where: \.isEmpty) {
        throw .value("group_of names no parameter for group \(empty) (groups must be numbered 0..<\(groups.count) without gaps)")
    }
    return groups.map { SGD.ParameterGroup(parameters: $0) }
}

@_cdecl("lrsched_sgd_create")
public func lrsched_sgd_create(_ model: OpaquePointer?, _ groupOf: UnsafePointer<UInt>?, _ nGroupOf: UInt,
                               _ lr: Double, _ momentum: Double, _ dampening: Double, _ weightDecay: Double,
                               _ nesterov: Int32, _ maximize: Int32,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let out = try output(out)
        try requireNotInCallback("lrsched_sgd_create")
        let groups = try parameterGroups(try sgdParameters(m), try array(groupOf, nGroupOf, "group_of"))
        let sgd = try core { () throws(LRSchedError) in
            try SGD(groups: groups, lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                    nesterov: nesterov != 0, maximize: maximize != 0)
        }
        m.frozenBy = m.frozenBy ?? "an SGD optimizer"
        out.pointee = retainedHandle(SGDHandle(sgd, model: m))
    }
}

@_cdecl("lrsched_sgd_create_from_json")
public func lrsched_sgd_create_from_json(_ model: OpaquePointer?, _ spec: UnsafePointer<CChar>?, _ len: UInt,
                                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let out = try output(out)
        try requireNotInCallback("lrsched_sgd_create_from_json")
        let json = try parseJSON(spec, len, "spec")
        let ps = try sgdParameters(m)
        let sgd = try core { () throws(LRSchedError) in try SGD(parameters: ps, spec: json) }
        m.frozenBy = m.frozenBy ?? "an SGD optimizer"
        out.pointee = retainedHandle(SGDHandle(sgd, model: m))
    }
}

@_cdecl("lrsched_sgd_free")
public func lrsched_sgd_free(_ sgd: OpaquePointer?) {
    releaseHandle(sgd, as: SGDHandle.self)
}

@_cdecl("lrsched_sgd_optimizer")
public func lrsched_sgd_optimizer(_ sgd: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try sgdHandle(sgd)
        let out = try output(out)
        out.pointee = retainedHandle(OptimizerHandle(s.sgd.state))
    }
}

@_cdecl("lrsched_trainer_create")
public func lrsched_trainer_create(_ model: OpaquePointer?, _ sgd: OpaquePointer?,
                                   _ scheds: UnsafePointer<OpaquePointer?>?, _ nScheds: UInt, _ batchSize: UInt,
                                   _ shuffle: Int32, _ dropLast: Int32, _ stepUnitCode: Int32, _ seed: UInt64,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let s = try sgdHandle(sgd)
        let out = try output(out)
        try requireNotInCallback("lrsched_trainer_create")
        guard s.model === m else { throw .value("sgd was created over another model's parameters") }
        let handles = try array(scheds, nScheds, "scheds")
        var list: [LRScheduler] = []
        list.reserveCapacity(handles.count)
        for (i, h) in handles.enumerated() { list.append(try scheduler(h, "scheds[\(i)]")) }
        let batch = try size(batchSize, "batch_size")
        let unit = try stepUnit(stepUnitCode)
        let trainer = try core { () throws(LRSchedError) in
            try Trainer(model: m.model, optimizer: s.sgd, schedulers: list, batchSize: batch, shuffle: shuffle != 0,
                        dropLast: dropLast != 0, stepScheduler: unit, seed: seed)
        }
        m.frozenBy = "a trainer"
        out.pointee = retainedHandle(TrainerHandle(trainer, model: m, sgd: s))
    }
}

@_cdecl("lrsched_trainer_free")
public func lrsched_trainer_free(_ trainer: OpaquePointer?) {
    releaseHandle(trainer, as: TrainerHandle.self)
}

@_cdecl("lrsched_trainer_fit")
public func lrsched_trainer_fit(_ trainer: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                                _ rows: UInt, _ features: UInt, _ outputs: UInt, _ epochs: Int64,
                                _ callback: EpochFunctionPointer?, _ user: UnsafeMutableRawPointer?,
                                _ history: UnsafeMutablePointer<Double>?, _ capacity: UInt,
                                _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let h = try trainerHandle(trainer)
        try requireNotInCallback("lrsched_trainer_fit")
        guard (0...Int64(maxFitEpochs)).contains(epochs) else {
            throw .value("epochs must be between 0 and \(maxFitEpochs), got \(epochs)")
        }
        let n = Int(epochs)
        let data = try DataArguments(x: x, y: y, rows: rows, features: features, outputs: outputs)
        let t = h.trainer
        let widths = try data.check(t.model)
        _ = try valueCount(min(t.batchSize, data.rows), widths.widest, "a layer's output for one batch")
        let needed = UInt(4 * n)
        if history != nil || capacity != 0 {
            do throws(CFailure) {
                _ = try buffer(history, capacity, needed: needed, "history", what: " for \(n) epochs")
            } catch {
                count?.pointee = needed
                throw error
            }
        }
        let dataset = try data.dataset()
        var written = 0
        // The count is written whatever happens once training starts (rows of completed
        // epochs are in the buffer also when training stops early).
        defer { if let count { count.pointee = UInt(written) } }
        try withExtendedLifetime(h) { () throws(CFailure) in
            _ = try coreAny {
                try t.fit(dataset, epochs: n) { (r: EpochRecord) throws in
                    if let history {
                        history[written] = Double(r.epoch)
                        history[written + 1] = r.lrStart
                        history[written + 2] = r.loss
                        history[written + 3] = r.lrAfter
                        written += 4
                    }
                    guard let callback else { return }
                    lrschedshim_callback_enter()
                    let rc = callback(Int64(r.epoch), r.lrStart, r.loss, r.lrAfter, user)
                    lrschedshim_callback_leave()
                    if rc != 0 {
                        throw CFailure(Status.callbackFailed, "epoch callback returned \(rc) at epoch \(r.epoch)")
                    }
                }
            }
        }
    }
}

@_cdecl("lrsched_trainer_loss")
public func lrsched_trainer_loss(_ trainer: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                                 _ rows: UInt, _ features: UInt, _ outputs: UInt,
                                 _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    capi { () throws(CFailure) in
        let h = try trainerHandle(trainer)
        let out = try output(out)
        let data = try DataArguments(x: x, y: y, rows: rows, features: features, outputs: outputs)
        let t = h.trainer
        try data.check(t.model)
        let dataset = try data.dataset()
        out.pointee = try withExtendedLifetime(h) { () throws(CFailure) -> Double in
            try core { () throws(LRSchedError) in try t.loss(on: dataset) }
        }
    }
}
