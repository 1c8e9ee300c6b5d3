// Helpers shared by the fuzz targets (compiled into every target, not into the core).
//
// Oracles: besides "no trap", the targets check a few documented contracts of the core
// (a failing step or load changes nothing, a preview changes nothing and predicts the
// real steps, a saved state loads back). A violated contract aborts through
// `fuzzFail` with a message starting `LRSCHED-FUZZ ORACLE:` so that such findings are
// told apart from traps in the core. Set LRSCHED_FUZZ_NO_ORACLES=1 to hunt for traps
// only (the oracles are skipped, the calls are still made).

import LRSchedSupport
import LRSchedJSON
import LRSchedCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the semantic oracles are on (default) or off (LRSCHED_FUZZ_NO_ORACLES set).
let oraclesEnabled: Bool = getenv("LRSCHED_FUZZ_NO_ORACLES") == nil

/// Writes `text` to stderr (no Foundation; `stderr` itself is not Swift 6 safe).
func fuzzLog(_ text: String) {
    var line = text
    line.append("\n")
    line.withUTF8 { buf in
        var offset = 0
        while offset < buf.count {
            let n = write(2, buf.baseAddress! + offset, buf.count - offset)
            if n <= 0 { break }
            offset += n
        }
    }
}

/// A deliberate failure: a contract of the core does not hold for this input.
func fuzzFail(_ message: String) -> Never {
    fuzzLog("LRSCHED-FUZZ ORACLE: \(message)")
    abort()
}

/// Checks an oracle (skipped when the oracles are off).
@inline(__always)
func oracle(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if oraclesEnabled && !condition() { fuzzFail(message()) }
}

// MARK: - Deterministic pseudo-randomness derived from the input

/// FNV-1a over the input bytes: the seed for values derived from the input.
func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01b3
    }
    return h
}

/// splitmix64.
struct FuzzRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func below(_ n: UInt64) -> Int { Int(next() % n) }
}

/// Metric values for ReduceLROnPlateau: mostly a trend (improving, flat, worsening),
/// sometimes special values (NaN, ±inf, ±0, extremes).
func derivedMetrics(_ count: Int, seed: UInt64) -> [Double] {
    var rng = FuzzRNG(seed: seed)
    var out: [Double] = []
    out.reserveCapacity(count)
    var current = 1.0
    let specials: [Double] = [.nan, .infinity, -.infinity, 0.0, -0.0, 1e308, -1e308, .leastNonzeroMagnitude, 1.0, -1.0]
    let factors: [Double] = [0.5, 0.9, 0.99999, 1.0, 1.0, 1.0, 1.00001, 1.1, 2.0, -1.0]
    for _ in 0..<count {
        if rng.below(10) < 2 {
            out.append(specials[rng.below(UInt64(specials.count))])
        } else {
            current *= factors[rng.below(UInt64(factors.count))]
            if !current.isFinite || current == 0 { current = 1.0 }
            out.append(current)
        }
    }
    return out
}

/// A metrics list from a case's `metrics` (numbers, or the strings "NaN",
/// "Infinity", "-Infinity"), padded with derived values to `count`.
func caseMetrics(_ value: JSONValue?, count: Int, seed: UInt64) -> [Double] {
    var out: [Double] = []
    if let items = value?.arrayValue {
        for item in items.prefix(count) {
            switch item {
            case .int(let i): out.append(Double(i))
            case .float(let d): out.append(d)
            case .string("NaN"): out.append(.nan)
            case .string("Infinity"): out.append(.infinity)
            case .string("-Infinity"): out.append(-.infinity)
            default: out.append(1.0)
            }
        }
    }
    if out.count < count { out.append(contentsOf: derivedMetrics(count - out.count, seed: seed)) }
    return out
}

// MARK: - Schedulers

/// Steps `s` once: with `metric` for a metric-driven scheduler, plainly otherwise.
func stepOnce(_ s: LRScheduler, metric: Double) throws(LRSchedError) {
    if s.flags.contains(.metric) {
        try s.step(metric: metric)
    } else {
        try s.step()
    }
}

/// The children of a composite (SequentialLR, ChainedScheduler), else none.
func children(_ s: LRScheduler) -> [LRScheduler] {
    (s as? CompositeScheduler)?.schedulers ?? []
}

/// `s` and all its descendants.
func allSchedulers(_ s: LRScheduler) -> [LRScheduler] {
    var out = [s]
    for c in children(s) { out.append(contentsOf: allSchedulers(c)) }
    return out
}

/// Whether a failing step of `s` is documented to change nothing: every scheduler
/// but ChainedScheduler, whose earlier children keep their steps (as torch), and
/// composites holding one.
func stepIsAtomic(_ s: LRScheduler) -> Bool {
    if s is ChainedScheduler { return false }
    return children(s).allSatisfy(stepIsAtomic)
}

/// Everything observable about a scheduler and its optimizer (compared with `==`,
/// which compares floats by bit pattern; serialized only for messages).
func snapshot(_ s: LRScheduler, _ opt: OptimizerState) -> JSONValue {
    .array([s.stateDict(), opt.stateDict(), .array(s.getLastLR().map { .float($0) })])
}

/// The optimizer's state alone.
func snapshot(_ opt: OptimizerState) -> JSONValue { opt.stateDict() }

/// Every scheduler node of `scheds` (children included, with their last lrs) and the optimizer.
func snapshot(_ scheds: [LRScheduler], _ opt: OptimizerState) -> JSONValue {
    var items: [JSONValue] = []
    for s in scheds.flatMap(allSchedulers) {
        items.append(s.stateDict())
        items.append(.array(s.getLastLR().map { .float($0) }))
    }
    items.append(opt.stateDict())
    return .array(items)
}

func text(_ v: JSONValue) -> String { JSON.serialize(v) }

func describe(_ xs: [Double]) -> String {
    var out = "["
    for (i, x) in xs.enumerated() {
        if i > 0 { out += "," }
        out += String(x.bitPattern, radix: 16)
    }
    return out + "]"
}

/// The groups' lrs and momenta as a preview records them (bit patterns compared).
func lrsAndMomenta(_ opt: OptimizerState) -> (lrs: [Double], momenta: [Double]) {
    var lrs: [Double] = []
    var moms: [Double] = []
    for g in opt.groups {
        lrs.append(g.lr)
        moms.append(opt.momentumKind == .betas ? (g.beta1 ?? 0) : g.momentum)
    }
    return (lrs, moms)
}

func bitsEqual(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// One step of `s` under the oracle "a failing step changes nothing" (where documented).
/// Returns whether the step succeeded.
@discardableResult
func checkedStep(_ s: LRScheduler, _ opt: OptimizerState, what: String,
                 _ body: (LRScheduler) throws(LRSchedError) -> Void) -> Bool {
    let atomic = oraclesEnabled && stepIsAtomic(s)
    let before = atomic ? snapshot(s, opt) : .null
    do throws(LRSchedError) {
        try body(s)
        return true
    } catch {
        if atomic {
            let after = snapshot(s, opt)
            oracle(after == before,
                   "\(s.typeName): failing \(what) (\(error)) changed the state\nbefore: \(text(before))\nafter:  \(text(after))")
        }
        return false
    }
}

/// Oracle: a state the scheduler saved loads back into it and saves identically.
func checkStateRoundTrip(_ s: LRScheduler) {
    let saved = s.stateJSON()
    do throws(LRSchedError) {
        try s.loadState(json: saved)
    } catch {
        oracle(false, "\(s.typeName): its own saved state does not load back: \(error)\nstate: \(saved)")
        return
    }
    let again = s.stateJSON()
    oracle(again == saved, "\(s.typeName): state changed by a save/load round trip\nfirst:  \(saved)\nsecond: \(again)")
}

/// Oracle: the optimizer's saved state loads back and saves identically.
func checkOptimizerRoundTrip(_ opt: OptimizerState) {
    let saved = opt.stateJSON()
    do throws(LRSchedError) {
        try opt.loadState(json: saved)
    } catch {
        oracle(false, "optimizer: its own saved state does not load back: \(error)\nstate: \(saved)")
        return
    }
    let again = opt.stateJSON()
    oracle(again == saved, "optimizer: state changed by a save/load round trip\nfirst:  \(saved)\nsecond: \(again)")
}

/// Oracles on `Preview`: it leaves the schedulers and the optimizer untouched, and its
/// rows equal what stepping the real schedulers gives (same metrics); it fails if and
/// only if stepping fails. Steps the real schedulers `steps` times.
func checkPreview(_ scheds: [LRScheduler], _ opt: OptimizerState, steps: Int, metrics: [Double]) {
    guard !scheds.isEmpty, steps >= 0, metrics.count >= steps else { return }
    let before = oraclesEnabled ? snapshot(scheds, opt) : .null
    let preview: Preview?
    do throws(LRSchedError) {
        preview = try Preview(scheds, steps: steps, metrics: metrics, momentum: true)
    } catch {
        preview = nil
    }
    if oraclesEnabled {
        let after = snapshot(scheds, opt)
        oracle(after == before, "Preview changed the schedulers or the optimizer\nbefore: \(text(before))\nafter:  \(text(after))")
    }
    // Also the buffer form, with exactly sized buffers.
    let n = opt.count
    if steps * n <= 1 << 16 {
        var lrs = [Double](repeating: 0, count: steps * n)
        var moms = [Double](repeating: 0, count: steps * n)
        var writeOK = false
        lrs.withUnsafeMutableBufferPointer { lb in
            moms.withUnsafeMutableBufferPointer { mb in
                do throws(LRSchedError) {
                    try Preview.write(scheds, steps: steps, metrics: metrics, lrs: lb, momenta: mb)
                    writeOK = true
                } catch {}
            }
        }
        oracle(writeOK == (preview != nil), "Preview.write and Preview.init disagree on failing (write ok: \(writeOK))")
        if let preview, writeOK {
            oracle(bitsEqual(preview.lrs, lrs), "Preview.write lrs differ from Preview.init")
            oracle(bitsEqual(preview.momenta ?? [], moms), "Preview.write momenta differ from Preview.init")
        }
    }
    // Step for real, row by row.
    var rowsLR: [Double] = []
    var rowsM: [Double] = []
    var failedAt: Int? = nil
    outer: for k in 0..<steps {
        for s in scheds {
            do throws(LRSchedError) {
                try stepOnce(s, metric: metrics[k])
            } catch {
                failedAt = k
                break outer
            }
        }
        let (l, m) = lrsAndMomenta(opt)
        rowsLR.append(contentsOf: l)
        rowsM.append(contentsOf: m)
    }
    guard oraclesEnabled else { return }
    let names = scheds.map(\.typeName).joined(separator: ",")
    if let preview {
        oracle(failedAt == nil, "[\(names)] Preview of \(steps) steps succeeded but stepping failed at step \(failedAt ?? -1)")
        oracle(bitsEqual(preview.lrs, rowsLR),
               "[\(names)] Preview lrs differ from stepping\npreview: \(preview.lrs)\nstepped: \(rowsLR)")
        if let pm = preview.momenta {
            oracle(bitsEqual(pm, rowsM), "[\(names)] Preview momenta differ from stepping\npreview: \(pm)\nstepped: \(rowsM)")
        }
    } else {
        oracle(failedAt != nil, "[\(names)] Preview of \(steps) steps failed but stepping succeeded")
    }
}

/// Read-only accessors that must not trap.
func touchReaders(_ s: LRScheduler) {
    _ = s.getLastLR()
    _ = s.lastLRs
    _ = s.baseLRs
    _ = s.lastEpoch
    _ = s.typeName
    var small = [Double](repeating: 0, count: 2)
    small.withUnsafeMutableBufferPointer { _ = s.copyLastLRs(into: $0) }
    _ = s.stateDict()
}
