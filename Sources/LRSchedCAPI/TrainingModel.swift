import LRSched

// lrsched_model_*: torch's nn.Sequential of Linear and ReLU layers, and its parameters in
// named_parameters() order (include/lrsched.h, "Training").

/// Refuses to change the layers of a model an SGD optimizer or a trainer uses: they hold
/// its layer list and parameter list as they were.
private func requireUnfrozen(_ m: ModelHandle) throws(CFailure) {
    if let by = m.frozenBy {
        throw CFailure(Status.runtimeError, "cannot add layers to a model that \(by) uses (build the model first)")
    }
}

/// The parameter at `index`.
private func parameterIndex(_ m: ModelHandle, _ index: UInt) throws(CFailure) -> Int {
    guard let i = Int(exactly: index), m.parameters.indices.contains(i) else {
        throw .value("parameter index \(index) out of range (0..<\(m.parameters.count))")
    }
    return i
}

/// Checks the parameters a model spec would create before the core allocates them: every
/// well-formed Linear layer counts (malformed ones are the core's errors, and allocate
/// nothing).
private func checkSpecSize(_ spec: JSONValue) throws(CFailure) {
    guard let items = spec.arrayValue else { return }
    var total = 0
    for item in items {
        guard item["type"]?.stringValue == "Linear", let i = item["in"]?.intValue, let o = item["out"]?.intValue,
              (1...maxLayerWidth).contains(i), (1...maxLayerWidth).contains(o) else { continue }
        total += i * o + o  // at most 2^40 + 2^20; total stays below 2^31 + that
        if total > maxTrainingValues {
            throw .value("the model would have more than 2^31 parameter values")
        }
    }
}

@_cdecl("lrsched_model_create")
public func lrsched_model_create(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let out = try output(out)
        out.pointee = retainedHandle(ModelHandle(Sequential([])))
    }
}

@_cdecl("lrsched_model_create_from_json")
public func lrsched_model_create_from_json(_ spec: UnsafePointer<CChar>?, _ len: UInt, _ seed: UInt64,
                                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    capi { () throws(CFailure) in
        let out = try output(out)
        let json = try parseJSON(spec, len, "spec")
        try checkSpecSize(json)
        let model = try core { () throws(LRSchedError) in try Sequential(spec: json, seed: seed) }
        out.pointee = retainedHandle(ModelHandle(model))
    }
}

@_cdecl("lrsched_model_free")
public func lrsched_model_free(_ model: OpaquePointer?) {
    releaseHandle(model, as: ModelHandle.self)
}

@_cdecl("lrsched_model_add_linear")
public func lrsched_model_add_linear(_ model: OpaquePointer?, _ inFeatures: Int64, _ outFeatures: Int64,
                                     _ seed: UInt64) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        try requireNotInCallback("lrsched_model_add_linear")
        try requireUnfrozen(m)
        guard (1...Int64(maxLayerWidth)).contains(inFeatures), (1...Int64(maxLayerWidth)).contains(outFeatures) else {
            throw .value("Linear(in=\(inFeatures), out=\(outFeatures)): sizes must be between 1 and 1048576")
        }
        let i = Int(inFeatures), o = Int(outFeatures)
        if m.parameterValueCount + i * o + o > maxTrainingValues {
            throw .value("Linear(in=\(i), out=\(o)) would give the model more than 2^31 parameter values")
        }
        m.append(Linear(in: i, out: o, seed: seed))
    }
}

@_cdecl("lrsched_model_add_relu")
public func lrsched_model_add_relu(_ model: OpaquePointer?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        try requireNotInCallback("lrsched_model_add_relu")
        try requireUnfrozen(m)
        m.append(ReLU())
    }
}

@_cdecl("lrsched_model_layer_count")
public func lrsched_model_layer_count(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let out = try output(out)
        out.pointee = UInt(m.model.layers.count)
    }
}

@_cdecl("lrsched_model_parameter_count")
public func lrsched_model_parameter_count(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let out = try output(out)
        out.pointee = UInt(m.parameters.count)
    }
}

@_cdecl("lrsched_model_parameter_name")
public func lrsched_model_parameter_name(_ model: OpaquePointer?, _ index: UInt,
                                         _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let out = try output(out)
        let i = try parameterIndex(m, index)
        out.pointee = m.nameCString(i)
    }
}

@_cdecl("lrsched_model_parameter_find")
public func lrsched_model_parameter_find(_ model: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ len: UInt,
                                         _ index: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let index = try output(index, "index")
        let bytes = try textBytes(name, len, "name")
        guard let i = m.parameters.firstIndex(where: { $0.name.utf8.elementsEqual(bytes) }) else {
            let known = m.parameters.map(\.name).joined(separator: ", ")
            throw CFailure(Status.keyError,
                           "no parameter named '\(String(decoding: bytes, as: UTF8.self))' (the model has: \(known.isEmpty ? "none" : known))")
        }
        index.pointee = UInt(i)
    }
}

@_cdecl("lrsched_model_parameter_shape")
public func lrsched_model_parameter_shape(_ model: OpaquePointer?, _ index: UInt, _ dims: UnsafeMutablePointer<UInt>?,
                                          _ capacity: UInt, _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let i = try parameterIndex(m, index)
        try writeValues(m.parameters[i].parameter.shape.map { UInt($0) }, dims, capacity, count, "dims")
    }
}

@_cdecl("lrsched_model_parameter_numel")
public func lrsched_model_parameter_numel(_ model: OpaquePointer?, _ index: UInt,
                                          _ out: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let out = try output(out)
        let i = try parameterIndex(m, index)
        out.pointee = UInt(m.parameters[i].parameter.numel)
    }
}

@_cdecl("lrsched_model_parameter_get")
public func lrsched_model_parameter_get(_ model: OpaquePointer?, _ index: UInt, _ buf: UnsafeMutablePointer<Float>?,
                                        _ capacity: UInt, _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let i = try parameterIndex(m, index)
        try writeValues(m.parameters[i].parameter.values, buf, capacity, count)
    }
}

@_cdecl("lrsched_model_parameter_set")
public func lrsched_model_parameter_set(_ model: OpaquePointer?, _ index: UInt, _ values: UnsafePointer<Float>?,
                                        _ nValues: UInt) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        try requireNotInCallback("lrsched_model_parameter_set")
        let i = try parameterIndex(m, index)
        let (name, p) = m.parameters[i]
        guard let n = Int(exactly: nValues), n == p.numel else {
            let shape = p.shape.map(String.init).joined(separator: ", ")
            throw .value("parameter '\(name)' of shape [\(shape)] needs \(p.numel) values, got \(nValues)")
        }
        let vs = try array(values, nValues, "values")
        try core { () throws(LRSchedError) in try p.set(vs) }
    }
}

@_cdecl("lrsched_model_forward")
public func lrsched_model_forward(_ model: OpaquePointer?, _ x: UnsafePointer<Float>?, _ rows: UInt, _ features: UInt,
                                  _ buf: UnsafeMutablePointer<Float>?, _ capacity: UInt,
                                  _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    capi { () throws(CFailure) in
        let m = try modelHandle(model)
        let count = try output(count, "count")
        let r = try size(rows, "rows")
        let f = try size(features, "features")
        if f == 0 { throw .value("features must be at least 1") }
        let nx = try valueCount(r, f, "x")
        let widths = try modelWidths(m.model, features: f)
        _ = try valueCount(r, widths.widest, "a layer's output for \(r) rows")
        let n = UInt(r * widths.outputs)
        count.pointee = n
        if buf == nil && capacity == 0 { return }  // a pure size query
        let buf = try buffer(buf, capacity, needed: n, "buf")
        if nx > 0 && x == nil { throw .null("x") }
        let input = Array(UnsafeBufferPointer(start: nx > 0 ? x : nil, count: nx))
        let result = try withExtendedLifetime(m) { () throws(CFailure) -> Tensor in
            try core { () throws(LRSchedError) in try m.model.forward(try Tensor(shape: [r, f], values: input)) }
        }
        guard result.count == Int(n) else {
            throw CFailure(Status.runtimeError, "the model gave \(result.count) values, expected \(n)")
        }
        result.withUnsafeBufferPointer { src in
            for k in 0..<src.count { buf[k] = src[k] }
        }
    }
}
