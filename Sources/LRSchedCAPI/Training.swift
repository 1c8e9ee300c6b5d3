import LRSched

// The handles and checked conversions of the training part of the C ABI
// (include/lrsched.h, "Training"): models, SGD optimizers over their parameters, and
// trainers. As everywhere in this layer, every caller value is checked here before a core
// API that could trap (Linear's initializer, allocations sized by the caller) is reached.

// MARK: - Limits

/// The most float values a data buffer (x or y), a model's parameters in total, or one
/// batch's widest activation may hold: a bound far above any real use of this trainer,
/// which keeps absurd sizes from reaching allocations.
let maxTrainingValues = 1 << 31

/// Linear(in, out): each size between 1 and this (the core's own bound).
let maxLayerWidth = 1 << 20

/// The most epochs one lrsched_trainer_fit call runs (the core reserves its history).
let maxFitEpochs = 1 << 20

// MARK: - Handles

/// What an `lrsched_model *` points to: a `Sequential` that grows by one layer per
/// lrsched_model_add_* until an SGD optimizer or a trainer uses it, and its parameters
/// with their names as C strings (owned here, valid until the handle is destroyed).
final class ModelHandle {
    private(set) var model: Sequential
    /// `named_parameters()`, cached (layers are only ever appended).
    private(set) var parameters: [(name: String, parameter: Parameter)] = []
    private var nameCStrings: [UnsafeMutablePointer<CChar>] = []
    /// Who froze the layer list ("an SGD optimizer", "a trainer"), if anyone.
    var frozenBy: String?

    init(_ model: Sequential) {
        self.model = model
        refreshParameters()
    }

    deinit {
        for p in nameCStrings { p.deallocate() }
    }

    /// The total number of parameter values.
    var parameterValueCount: Int {
        parameters.reduce(0) { $0 + $1.parameter.numel }
    }

    /// Appends a layer (the core's Sequential keeps an immutable list: it is rebuilt
    /// around the same layer objects, so parameters keep their identity).
    func append(_ layer: any Layer) {
        model = Sequential(model.layers + [layer])
        refreshParameters()
    }

    func nameCString(_ index: Int) -> UnsafePointer<CChar> {
        UnsafePointer(nameCStrings[index])
    }

    private func refreshParameters() {
        parameters = model.namedParameters
        // Names of existing parameters never change: only new ones get C strings.
        for (name, _) in parameters.dropFirst(nameCStrings.count) {
            let bytes = Array(name.utf8CString)
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            p.initialize(from: bytes, count: bytes.count)
            nameCStrings.append(p)
        }
    }
}

/// What an `lrsched_sgd *` points to. It holds its model's handle (the parameters it
/// updates live there).
final class SGDHandle {
    let sgd: SGD
    let model: ModelHandle
    init(_ sgd: SGD, model: ModelHandle) {
        self.sgd = sgd
        self.model = model
    }
}

/// What an `lrsched_trainer *` points to. The core trainer holds the model, the SGD and
/// the schedulers; the handles are held for the C strings and the model check.
final class TrainerHandle {
    let trainer: Trainer
    let model: ModelHandle
    let sgd: SGDHandle
    init(_ trainer: Trainer, model: ModelHandle, sgd: SGDHandle) {
        self.trainer = trainer
        self.model = model
        self.sgd = sgd
    }
}

/// The object behind a handle of kind `T`. NULL: LRSCHED_NULL_ARGUMENT; another kind of
/// lrsched object: LRSCHED_TYPE_ERROR.
@inline(__always)
func typedHandle<T: AnyObject>(_ p: OpaquePointer?, _ name: String, _ cType: String, as: T.Type) throws(CFailure) -> T {
    guard let p else { throw .null(name) }
    guard let h = handleObject(p) as? T else { throw .type("\(name) is not an \(cType) handle") }
    return h
}

func modelHandle(_ p: OpaquePointer?, _ name: String = "model") throws(CFailure) -> ModelHandle {
    try typedHandle(p, name, "lrsched_model", as: ModelHandle.self)
}

func sgdHandle(_ p: OpaquePointer?, _ name: String = "sgd") throws(CFailure) -> SGDHandle {
    try typedHandle(p, name, "lrsched_sgd", as: SGDHandle.self)
}

func trainerHandle(_ p: OpaquePointer?, _ name: String = "trainer") throws(CFailure) -> TrainerHandle {
    try typedHandle(p, name, "lrsched_trainer", as: TrainerHandle.self)
}

/// Drops one reference of a handle of kind `T`; NULL and other kinds are ignored.
@inline(__always)
func releaseHandle<T: AnyObject>(_ p: OpaquePointer?, as: T.Type) {
    guard let p else { return }
    let raw = UnsafeRawPointer(p)
    guard Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() is T else { return }
    Unmanaged<AnyObject>.fromOpaque(raw).release()
}

// MARK: - Core calls with untyped errors

/// Calls a core API that throws untyped errors (the trainer's fit, whose callback may
/// throw the C layer's own failures).
func coreAny<T>(_ body: () throws -> T) throws(CFailure) -> T {
    do {
        return try body()
    } catch let e as CFailure {
        throw e
    } catch let e as LRSchedError {
        throw CFailure(e)
    } catch {
        throw CFailure(Status.runtimeError, "\(error)")
    }
}

// MARK: - Shapes

/// What a model maps: `features` inputs to `outputs`, and the widest activation (inputs
/// included) along the way.
struct ModelWidths {
    var outputs: Int
    var widest: Int
}

/// Walks the layers for inputs of `features` columns: each Linear must take the width the
/// previous layers give (torch would fail at the first forward; this reports it before
/// anything runs, also for empty data). ReLU keeps the width.
func modelWidths(_ model: Sequential, features: Int) throws(CFailure) -> ModelWidths {
    var w = features
    var widest = features
    for (i, layer) in model.layers.enumerated() {
        guard let linear = layer as? Linear else { continue }
        guard linear.inFeatures == w else {
            let what = i == 0 ? "the data has \(w) features" : "the layers before it give \(w) features"
            throw .value("layer \(i), Linear(in=\(linear.inFeatures), out=\(linear.outFeatures)), does not fit: \(what)")
        }
        w = linear.outFeatures
        widest = max(widest, w)
    }
    return ModelWidths(outputs: w, widest: widest)
}

/// `rows × width` as a count of values, at most `maxTrainingValues`.
func valueCount(_ rows: Int, _ width: Int, _ what: @autoclosure () -> String) throws(CFailure) -> Int {
    let (n, overflow) = rows.multipliedReportingOverflow(by: width)
    guard !overflow, n <= maxTrainingValues else {
        throw .value("\(what()) would hold \(rows) x \(width) values (at most 2^31)")
    }
    return n
}

/// A data argument `(x, y, rows, features, outputs)`, checked and borrowed (no copy) for
/// the duration of the call. Non-finite values are allowed, as in torch.
struct DataArguments {
    let rows: Int
    let features: Int
    let outputs: Int
    let x: UnsafeBufferPointer<Float>
    let y: UnsafeBufferPointer<Float>

    init(x: UnsafePointer<Float>?, y: UnsafePointer<Float>?, rows: UInt, features: UInt, outputs: UInt) throws(CFailure) {
        self.rows = try size(rows, "rows")
        self.features = try size(features, "features")
        self.outputs = try size(outputs, "outputs")
        if self.features == 0 { throw .value("features must be at least 1") }
        if self.outputs == 0 { throw .value("outputs must be at least 1") }
        let nx = try valueCount(self.rows, self.features, "x")
        let ny = try valueCount(self.rows, self.outputs, "y")
        if nx > 0 && x == nil { throw .null("x") }
        if ny > 0 && y == nil { throw .null("y") }
        self.x = UnsafeBufferPointer(start: nx > 0 ? x : nil, count: nx)
        self.y = UnsafeBufferPointer(start: ny > 0 ? y : nil, count: ny)
    }

    /// Checks that `model` maps `features` to `outputs`.
    @discardableResult
    func check(_ model: Sequential) throws(CFailure) -> ModelWidths {
        let widths = try modelWidths(model, features: features)
        guard widths.outputs == outputs else {
            throw .value("the model gives \(widths.outputs) outputs per row, y has \(outputs)")
        }
        return widths
    }

    /// The core's dataset over the caller's buffers (valid during the call only).
    func dataset() throws(CFailure) -> Dataset {
        try core { () throws(LRSchedError) in
            try Dataset(borrowingX: x, y: y, rows: rows, features: features, outputs: outputs)
        }
    }
}
