import LRSched

// lrsched_optimizer_*: parameter groups (include/lrsched.h, "Optimizer state").

/// LRSCHED_KEY_* in header order.
private let keysByCode: [ParamGroupKey] = [
    .lr, .initial_lr, .momentum, .dampening, .weight_decay, .nesterov, .maximize,
    .beta1, .beta2, .max_lr, .min_lr, .max_momentum, .base_momentum, .lr_scale,
]

private func key(_ code: Int32) throws(CFailure) -> ParamGroupKey {
    guard let i = Int(exactly: code), keysByCode.indices.contains(i) else {
        throw .value("unknown param group key \(code) (LRSCHED_KEY_* is 0...\(keysByCode.count - 1))")
    }
    return keysByCode[i]
}

private func groupIndex(_ opt: OptimizerState, _ group: UInt) throws(CFailure) -> Int {
    guard let i = Int(exactly: group), opt.groups.indices.contains(i) else {
        throw .value("param group index \(group) out of range (0..<\(opt.groups.count))")
    }
    return i
}

private func momentumKind(_ code: Int32) throws(CFailure) -> OptimizerState.MomentumKind {
    switch code {
    case 0: .momentum
    case 1: .betas
    case 2: .none
    default: throw .value("unknown momentum_kind \(code) (expected LRSCHED_MOMENTUM_SGD, _BETAS or _NONE)")
    }
}

private func momentumKindCode(_ kind: OptimizerState.MomentumKind) -> Int32 {
    switch kind {
    case .momentum: 0
    case .betas: 1
    case .none: 2
    }
}

@_cdecl("lrsched_optimizer_create")
public func lrsched_optimizer_create(_ nGroups: UInt, _ lr: Double, _ momentum: Double, _ momentumKindCode: Int32,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let out = try output(out)
        let kind = try momentumKind(momentumKindCode)
        let n = try size(nGroups, "n_groups")
        if n == 0 { throw .value("optimizer got an empty parameter list") }
        try core { () throws(LRSchedError) in try OptimizerState.checkGroupCount(n) }
        var g = ParamGroup(lr: lr, momentum: momentum)
        if kind == .betas {
            g.beta1 = momentum
            g.beta2 = 0.999
        }
        let g2 = g
        let state = try core { () throws(LRSchedError) in
            try OptimizerState(defaults: g2, groups: Array(repeating: g2, count: n), momentumKind: kind)
        }
        out.pointee = retainedHandle(OptimizerHandle(state))
    }
}

@_cdecl("lrsched_optimizer_create_from_json")
public func lrsched_optimizer_create_from_json(_ spec: UnsafePointer<CChar>?, _ len: UInt,
                                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let out = try output(out)
        let json = try parseJSON(spec, len, "spec")
        let state = try core { () throws(LRSchedError) in try OptimizerState(spec: json) }
        out.pointee = retainedHandle(OptimizerHandle(state))
    }
}

@_cdecl("lrsched_optimizer_free")
public func lrsched_optimizer_free(_ opt: OpaquePointer?) {
    releaseHandle(opt, as: OptimizerHandle.self)
}

@_cdecl("lrsched_optimizer_add_group")
public func lrsched_optimizer_add_group(_ opt: OpaquePointer?, _ lr: Double, _ momentum: Double) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        try requireNotInCallback("lrsched_optimizer_add_group")
        var g = o.defaults
        g.lr = lr
        g.momentum = momentum
        if o.momentumKind == .betas {
            g.beta1 = momentum
            if g.beta2 == nil { g.beta2 = 0.999 }
        }
        let g2 = g
        try core { () throws(LRSchedError) in try o.addParamGroup(g2) }
    }
}

@_cdecl("lrsched_optimizer_group_count")
public func lrsched_optimizer_group_count(_ opt: OpaquePointer?, _ out: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        let out = try output(out)
        out.pointee = UInt(o.count)
    }
}

@_cdecl("lrsched_optimizer_momentum_kind")
public func lrsched_optimizer_momentum_kind(_ opt: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        let out = try output(out)
        out.pointee = momentumKindCode(o.momentumKind)
    }
}

@_cdecl("lrsched_optimizer_get")
public func lrsched_optimizer_get(_ opt: OpaquePointer?, _ group: UInt, _ keyCode: Int32,
                                  _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        let out = try output(out)
        let k = try key(keyCode)
        let i = try groupIndex(o, group)
        out.pointee = try core { () throws(LRSchedError) in try o.value(k, group: i) }
    }
}

@_cdecl("lrsched_optimizer_set")
public func lrsched_optimizer_set(_ opt: OpaquePointer?, _ group: UInt, _ keyCode: Int32, _ value: Double) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        try requireNotInCallback("lrsched_optimizer_set")
        let k = try key(keyCode)
        let i = try groupIndex(o, group)
        if (k == .nesterov || k == .maximize) && value != 0 && value != 1 {
            throw .value("'\(k.rawValue)' must be 0 or 1, got \(pyRepr(value))")
        }
        try core { () throws(LRSchedError) in try o.setValue(value, for: k, group: i) }
    }
}

@_cdecl("lrsched_optimizer_has")
public func lrsched_optimizer_has(_ opt: OpaquePointer?, _ group: UInt, _ keyCode: Int32,
                                  _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        let out = try output(out)
        let k = try key(keyCode)
        let i = try groupIndex(o, group)
        out.pointee = o.groups[i][k] == nil ? 0 : 1
    }
}

@_cdecl("lrsched_optimizer_unset")
public func lrsched_optimizer_unset(_ opt: OpaquePointer?, _ group: UInt, _ keyCode: Int32) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        try requireNotInCallback("lrsched_optimizer_unset")
        let k = try key(keyCode)
        let i = try groupIndex(o, group)
        try core { () throws(LRSchedError) in try o.removeValue(for: k, group: i) }
    }
}

@_cdecl("lrsched_optimizer_lrs")
public func lrsched_optimizer_lrs(_ opt: OpaquePointer?, _ buf: UnsafeMutablePointer<Double>?, _ capacity: UInt,
                                  _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        try writeValues(o.groups.map(\.lr), buf, capacity, count)
    }
}

@_cdecl("lrsched_optimizer_state_save")
public func lrsched_optimizer_state_save(_ opt: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ capacity: UInt,
                                         _ len: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        try writeText(o.stateJSON(), buf, capacity, len)
    }
}

@_cdecl("lrsched_optimizer_state_load")
public func lrsched_optimizer_state_load(_ opt: OpaquePointer?, _ json: UnsafePointer<CChar>?, _ len: UInt) -> Int32 {
    capi { () throws(CFailure) in
        let o = try optimizerState(opt)
        try requireNotInCallback("lrsched_optimizer_state_load")
        let state = try parseJSON(json, len, "json")
        try core { () throws(LRSchedError) in try o.loadStateDict(state) }
    }
}
