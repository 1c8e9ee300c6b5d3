import LRSchedSupport
import LRSchedJSON

/// torch's `CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0.0,
/// last_epoch=-1)`: cosine annealing restarted every `T_i` epochs, `T_i` growing by
/// `T_mult` at each restart (SGDR).
///
/// Absolute: `lr = eta_min + (base - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2`.
/// `step()` advances `T_cur` by one and wraps it (`T_cur %= T_i; T_i *= T_mult`);
/// `step(epoch:)` takes fractional epochs and locates the cycle with torch's
/// `math.log` formula (its rounding quirks included). Like torch, stepping never
/// increments `_step_count`.
///
/// | epoch | 0 | 1 | 2 | 3 | 4 |
/// |---|---|---|---|---|---|
/// | lr (0.05, T_0 3, T_mult 2, eta_min 0.001) | 0.05 | 0.037750000000000006 | 0.013250000000000005 | 0.05 | 0.046717622392718754 |
public final class CosineAnnealingWarmRestarts: LRScheduler {
    @exclusivity(unchecked) public package(set) var t0: Int = 1
    @exclusivity(unchecked) public package(set) var tMult: Int = 1
    @exclusivity(unchecked) public package(set) var etaMin: Double = 0
    /// `T_i`: the current cycle length.
    @exclusivity(unchecked) public package(set) var tI: Int = 1
    /// `T_cur`: epochs since the last restart (fractional after `step(epoch:)`).
    @exclusivity(unchecked) public package(set) var tCur: Double = 0
    override public class var descriptor: SchedulerDescriptor { cosineAnnealingWarmRestarts }

    /// - Throws: ValueError("Expected positive integer T_0, but got …") and
    ///   ValueError("Expected integer T_mult >= 1, but got …"), as torch.
    public convenience init(_ optimizer: OptimizerState, t0: Int, tMult: Int = 1, etaMin: Double = 0.0, lastEpoch: Int = -1) throws(LRSchedError) {
        _ = try Self.checkT0(.int(t0))
        _ = try Self.checkTMult(.int(tMult))
        try requireFinite("eta_min", etaMin)
        try self.init(optimizer: optimizer, lastEpoch: lastEpoch)
        (self.t0, self.tI, self.tMult, self.etaMin, self.tCur) = (t0, t0, tMult, etaMin, Double(lastEpoch))
        try constructionStep()
    }

    /// torch's `T_0` check: a positive int (a float is a ValueError too).
    static func checkT0(_ v: JSONValue) throws(LRSchedError) -> Int {
        guard let t0 = SpecArguments.pythonInt(v), t0 > 0 else {
            throw .value("Expected positive integer T_0, but got \(SpecArguments.pyStr(v))")
        }
        return t0
    }

    /// torch's `T_mult` check: an int >= 1.
    static func checkTMult(_ v: JSONValue) throws(LRSchedError) -> Int {
        guard let m = SpecArguments.pythonInt(v), m >= 1 else {
            throw .value("Expected integer T_mult >= 1, but got \(SpecArguments.pyStr(v))")
        }
        return m
    }

    /// torch's `eta_min` check: a float or an int.
    static func checkEtaMin(_ v: JSONValue) throws(LRSchedError) -> Double {
        guard let d = v.doubleValue ?? SpecArguments.pythonInt(v).map(Double.init) else {
            throw .value("Expected float or int eta_min, but got \(SpecArguments.pyStr(v)) of type <class '\(v.typeName)'>")
        }
        return d
    }

    package override func checkLoadedState() throws(LRSchedError) {
        if t0 <= 0 { throw .value("CosineAnnealingWarmRestarts state: 'T_0' must be positive, got \(t0)") }
        if tI <= 0 { throw .value("CosineAnnealingWarmRestarts state: 'T_i' must be positive, got \(tI)") }
        if tMult < 1 { throw .value("CosineAnnealingWarmRestarts state: 'T_mult' must be >= 1, got \(tMult)") }
    }

    package override func computeLRs() throws(LRSchedError) {
        let c = Py.cos(try Py.div(Double.pi * tCur, Double(tI)))
        for i in 0..<baseLRs.count { newLRs[i] = etaMin + (baseLRs[i] - etaMin) * (1 + c) / 2 }
        lrsPerBaseLR = true
    }

    /// torch's own `step()`: no warnings, `_step_count` untouched.
    override public func step() throws(LRSchedError) {
        if lastEpoch < 0 {
            try step(epochValue: 0)
            return
        }
        let saved = (tCur, tI, lastEpoch)
        do throws(LRSchedError) {
            let epoch = try Py.add(lastEpoch, 1)
            tCur = tCur + 1
            if tCur >= Double(tI) {
                tCur = try Py.fmod(tCur, Double(tI))
                tI = try Py.mul(tI, tMult)
            }
            try setLRs(lastEpoch: epoch)
        } catch {
            (tCur, tI, lastEpoch) = saved
            throw error
        }
    }

    /// torch's `step(epoch)`: jumps to a (possibly fractional) epoch.
    /// - Throws: ValueError("Expected non-negative epoch, but got …").
    override public func step(epochValue epoch: Double) throws(LRSchedError) {
        guard epoch.isFinite else { throw .value("Expected a finite epoch, but got \(pyRepr(epoch))") }
        if epoch < 0 { throw .value("Expected non-negative epoch, but got \(pyRepr(epoch))") }
        let saved = (tCur, tI, lastEpoch)
        do throws(LRSchedError) {
            if epoch >= Double(t0) {
                if tMult == 1 {
                    tCur = try Py.fmod(epoch, Double(t0))
                } else {
                    let x = epoch / Double(t0) * Double(tMult - 1) + 1
                    let lx = try Py.div(Py.log(x), Py.log(Double(tMult)))
                    guard lx.isFinite, lx < 62 else { throw .value("epoch \(pyRepr(epoch)) is out of range") }
                    let n = Int(lx)  // int(): truncation toward zero
                    var p = 1
                    for _ in 0..<n { p = try Py.mul(p, tMult) }
                    let num = try Py.mul(t0, p - 1)
                    tCur = epoch - Double(num) / Double(tMult - 1)
                    tI = try Py.mul(t0, p)
                }
            } else {
                tI = t0
                tCur = epoch
            }
            guard let floored = Py.floorInt(epoch) else { throw .value("epoch \(pyRepr(epoch)) is out of range") }
            try setLRs(lastEpoch: floored)
        } catch {
            (tCur, tI, lastEpoch) = saved
            throw error
        }
    }

    /// torch's `step(epoch)` with an int epoch, in torch's int arithmetic: exact beyond
    /// 2^53 (`T_cur = epoch % T_0`, `last_epoch = epoch`; with `T_mult > 1`, Python's
    /// correctly rounded int divisions). A `T_i` beyond Int64 is a ValueError (Python's
    /// ints are unbounded).
    override public func step(epoch: Int) throws(LRSchedError) {
        if epoch < 0 { throw .value("Expected non-negative epoch, but got \(epoch)") }
        let saved = (tCur, tI, lastEpoch)
        do throws(LRSchedError) {
            if epoch >= t0 {
                if tMult == 1 {
                    tCur = Double(try Py.mod(epoch, t0))
                } else {
                    let x = try Py.trueDiv(epoch, t0) * Double(tMult - 1) + 1
                    let lx = try Py.div(Py.log(x), Py.log(Double(tMult)))
                    guard lx.isFinite, lx < 63 else { throw .value("epoch \(epoch) is out of range") }
                    var p = 1
                    for _ in 0..<Int(lx) { p = try Py.mul(p, tMult) }
                    tCur = Double(epoch) - (try Py.trueDiv(Py.mul(t0, p - 1), tMult - 1))
                    tI = try Py.mul(t0, p)
                }
            } else {
                tI = t0
                tCur = Double(epoch)
            }
            try setLRs(lastEpoch: epoch)
        } catch {
            (tCur, tI, lastEpoch) = saved
            throw error
        }
    }

    private func setLRs(lastEpoch e: Int) throws(LRSchedError) {
        let n = optimizer.groups.count
        if newLRs.count < n { resizeScratch(n) }
        lastEpoch = e
        momentaComputed = false
        try computeLRs()
        try commit()
    }
}

private let cosineAnnealingWarmRestarts = SchedulerDescriptor(
    "CosineAnnealingWarmRestarts",
    summary: "cosine annealing from the base lr to eta_min, restarted every T_i epochs (T_i = T_0 * T_mult ** k)",
    parameters: [
        .init("T_0", .number, schema: JSONObject([("type", .string("integer")), ("minimum", .int(1))]),
              doc: "an int > 0: else `ValueError: Expected positive integer T_0, but got 0` — also for a float (`5.0`) or a bool (`True`)"),
        .init("T_mult", .number, default: .int(1), schema: JSONObject([("type", .string("integer")), ("minimum", .int(1))]),
              doc: "an int ≥ 1: else `ValueError: Expected integer T_mult >= 1, but got 2.0`"),
        .init("eta_min", .number, default: .float(0.0), doc: "a non-number is torch's `ValueError: Expected float or int eta_min, but got 'abc' of type <class 'str'>` (a ValueError here, not the usual TypeError)"),
        .lastEpoch,
    ],
    flags: [.fractionalEpoch],
    state: [
        .int("T_0", \CosineAnnealingWarmRestarts.t0), .int("T_i", \CosineAnnealingWarmRestarts.tI),
        .int("T_mult", \CosineAnnealingWarmRestarts.tMult), .finite("eta_min", \CosineAnnealingWarmRestarts.etaMin),
        // An integral T_cur is saved as an int, as torch's (it only becomes a float after step(epoch)).
        .stored("T_cur", \CosineAnnealingWarmRestarts.tCur, type: "float",
                encode: { $0.rounded() == $0 && abs($0) < 9e15 ? .int(Int($0)) : .float($0) },
                decode: { (v, o) throws(LRSchedError) in try StateValue.finite(v, "T_cur", o) }),
    ] + StateField.base,
    build: { (a, c) throws(LRSchedError) in
        try CosineAnnealingWarmRestarts(
            c.optimizer, t0: CosineAnnealingWarmRestarts.checkT0(a.value("T_0")),
            tMult: CosineAnnealingWarmRestarts.checkTMult(a.value("T_mult")),
            etaMin: CosineAnnealingWarmRestarts.checkEtaMin(a.value("eta_min")), lastEpoch: a.int("last_epoch"))
    })
