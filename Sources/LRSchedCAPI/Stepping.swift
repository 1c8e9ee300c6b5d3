import LRSched

// Stepping, reading, state and previews of schedulers (include/lrsched.h, "Schedulers").

nonisolated(unsafe) private let emptyCString = permanentCString("")

@_cdecl("lrsched_scheduler_type")
public func lrsched_scheduler_type(_ sched: OpaquePointer?) -> UnsafePointer<CChar> {
    guard let sched, let h = handleObject(sched) as? SchedulerHandle else { return emptyCString }
    return h.scheduler.descriptor.cName
}

@_cdecl("lrsched_scheduler_flags")
public func lrsched_scheduler_flags(_ sched: OpaquePointer?, _ out: UnsafeMutablePointer<UInt32>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try output(out).pointee = s.flags.rawValue
    }
}

@_cdecl("lrsched_scheduler_step")
public func lrsched_scheduler_step(_ sched: OpaquePointer?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_step")
        try withExtendedLifetime(s) { () throws(CFailure) in
            try core { () throws(LRSchedError) in try s.step() }
        }
    }
}

@_cdecl("lrsched_scheduler_step_metric")
public func lrsched_scheduler_step_metric(_ sched: OpaquePointer?, _ metric: Double) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_step_metric")
        try withExtendedLifetime(s) { () throws(CFailure) in
            try core { () throws(LRSchedError) in try s.step(metric: metric) }
        }
    }
}

@_cdecl("lrsched_scheduler_step_at")
public func lrsched_scheduler_step_at(_ sched: OpaquePointer?, _ t: Int64, _ update: Int32,
                                      _ metric: UnsafePointer<Double>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_step_at")
        let index = try int(t, "t")
        let m = metric?.pointee
        try withExtendedLifetime(s) { () throws(CFailure) in
            try core { () throws(LRSchedError) in
                if update != 0 { try s.stepUpdate(index, metric: m) } else { try s.step(epoch: index, metric: m) }
            }
        }
    }
}

@_cdecl("lrsched_scheduler_step_epoch")
public func lrsched_scheduler_step_epoch(_ sched: OpaquePointer?, _ epoch: Double) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_step_epoch")
        try withExtendedLifetime(s) { () throws(CFailure) in
            try core { () throws(LRSchedError) in try s.step(epochValue: epoch) }
        }
    }
}

@_cdecl("lrsched_scheduler_last_lr")
public func lrsched_scheduler_last_lr(_ sched: OpaquePointer?, _ buf: UnsafeMutablePointer<Double>?, _ capacity: UInt,
                                      _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try writeValues(s.lastLRs, buf, capacity, count)
    }
}

@_cdecl("lrsched_scheduler_base_lrs")
public func lrsched_scheduler_base_lrs(_ sched: OpaquePointer?, _ buf: UnsafeMutablePointer<Double>?, _ capacity: UInt,
                                       _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try writeValues(s.baseLRs, buf, capacity, count)
    }
}

@_cdecl("lrsched_scheduler_last_epoch")
public func lrsched_scheduler_last_epoch(_ sched: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        let out = try output(out)
        guard let e = Int64(exactly: s.lastEpoch) else { throw .value("last_epoch does not fit in int64") }
        out.pointee = e
    }
}

@_cdecl("lrsched_scheduler_cycle_length")
public func lrsched_scheduler_cycle_length(_ sched: OpaquePointer?, _ cycles: Int64,
                                           _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        let out = try output(out)
        let n = try int(cycles, "cycles")
        guard let t = s as? TimmScheduler else {
            throw .type("'\(s.typeName)' has no get_cycle_length (timm's cosine, tanh, poly and WSD schedulers have one)")
        }
        let length = try core { () throws(LRSchedError) in try t.cycleLength(cycles: n) }
        out.pointee = Int64(length)
    }
}

@_cdecl("lrsched_scheduler_num_epochs")
public func lrsched_scheduler_num_epochs(_ sched: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        let out = try output(out)
        guard let n = (s as? TimmScheduler)?.factoryNumEpochs else {
            throw .type("'\(s.typeName)' was not built by timm.create_scheduler_v2: it has no num_epochs")
        }
        out.pointee = Int64(n)
    }
}

@_cdecl("lrsched_scheduler_state_save")
public func lrsched_scheduler_state_save(_ sched: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: UInt,
                                         _ len: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try writeText(s.stateJSON(), buf, capacity, len)
    }
}

@_cdecl("lrsched_scheduler_state_load")
public func lrsched_scheduler_state_load(_ sched: OpaquePointer?, _ json: UnsafePointer<CChar>?, _ len: UInt) -> Int32 {
    capi { () throws(CFailure) in
        let s = try scheduler(sched)
        try requireNotInCallback("lrsched_scheduler_state_load")
        let state = try parseJSON(json, len, "json")
        try core { () throws(LRSchedError) in try s.loadStateDict(state) }
    }
}

@_cdecl("lrsched_preview")
public func lrsched_preview(_ scheds: UnsafePointer<OpaquePointer?>?, _ nScheds: UInt, _ steps: Int64,
                            _ metrics: UnsafePointer<Double>?, _ nMetrics: UInt,
                            _ lrs: UnsafeMutablePointer<Double>?, _ lrsCapacity: UInt,
                            _ momenta: UnsafeMutablePointer<Double>?, _ momentaCapacity: UInt,
                            _ nGroups: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let nGroups = try output(nGroups, "n_groups")
        let handles = try array(scheds, nScheds, "scheds")
        var list: [LRScheduler] = []
        list.reserveCapacity(handles.count)
        for (i, h) in handles.enumerated() { list.append(try scheduler(h, "scheds[\(i)]")) }
        guard let first = list.first else { throw .value("preview needs at least one scheduler") }
        let n = first.optimizer.count
        let k = try int(steps, "steps")
        let total = try core { () throws(LRSchedError) in try Preview.size(steps: k, groups: n) }
        let ms: [Double]? = metrics == nil ? nil : try array(metrics, nMetrics, "metrics")
        nGroups.pointee = UInt(n)
        let needed = UInt(total)
        if total > 0 { _ = try buffer(lrs, lrsCapacity, needed: needed, "lrs") }
        if let momenta { _ = try buffer(momenta, momentaCapacity, needed: needed, "momenta") }
        let lrBuf = UnsafeMutableBufferPointer(start: total > 0 ? lrs : nil, count: total > 0 ? total : 0)
        let momBuf = momenta.map { UnsafeMutableBufferPointer(start: total > 0 ? $0 : nil, count: total > 0 ? total : 0) }
        try withExtendedLifetime(list) { () throws(CFailure) in
            try core { () throws(LRSchedError) in
                try Preview.write(list, steps: k, metrics: ms, lrs: lrBuf, momenta: momBuf)
            }
        }
    }
}

nonisolated(unsafe) private let describeCString = permanentCString(JSON.serialize(SchedulerRegistry.describe()))

@_cdecl("lrsched_describe")
public func lrsched_describe() -> UnsafePointer<CChar> {
    describeCString
}
