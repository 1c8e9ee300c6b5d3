import XCTest
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore

/// TorchGenerator against torch's CPU generator: every draw recorded in
/// Data/torch_generator.txt (by Data/make_torch_generator.py, with torch) replayed in order,
/// bit for bit; and timm's noise recomputed from the lrs of two noisy timm cases.
final class TorchGeneratorTests: XCTestCase {
    private func dataLines() throws -> [[Substring]] {
        let path = testSourceDirectory() + "/Data/torch_generator.txt"
        let text = try XCTUnwrap(readTextFile(path), "cannot read \(path)")
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
    }

    /// A Python seed as torch takes it: an int in [-2⁶³, 2⁶⁴), negatives as two's complement.
    private func torchSeed(_ text: Substring) -> UInt64? {
        if let u = UInt64(text) { return u }
        return Int64(text).map { UInt64(bitPattern: $0) }
    }

    func testReplaysRecordedTorchDraws() throws {
        var g: TorchGenerator?
        var counts: [Substring: Int] = [:]
        var failures: [String] = []
        for (index, fields) in try dataLines().enumerated() {
            guard let op = fields.first else { continue }
            if op == "torch" || op.hasPrefix("timm") { continue }
            let line = index + 1
            guard fields.count >= 2 else { failures.append("line \(line): malformed"); continue }
            if op == "gen" || op == "reseed" {
                guard let seed = torchSeed(fields[1]) else { failures.append("line \(line): bad seed"); continue }
                g = TorchGenerator(seed: seed)
                continue
            }
            guard var gen = g else { failures.append("line \(line): draw before gen"); continue }
            let expected = fields[1]
            let got: String
            switch op {
            case "initial_seed": got = String(gen.initialSeed)
            case "randn": got = hex(gen.randn().bitPattern, 8)
            case "rand": got = hex(gen.rand().bitPattern, 8)
            case "randn64": got = hex(gen.randnDouble().bitPattern, 16)
            case "rand64": got = hex(gen.randDouble().bitPattern, 16)
            case "int63": got = hex(gen.random64() & UInt64(Int64.max), 16)
            default: failures.append("line \(line): unknown op \(op)"); continue
            }
            g = gen
            counts[op, default: 0] += 1
            if got != expected { failures.append("line \(line) \(op): torch \(expected), got \(got)") }
        }
        XCTAssertEqual(failures.count, 0, "first failures:\n" + failures.prefix(20).joined(separator: "\n"))
        XCTAssertGreaterThan(counts["randn", default: 0], 700)
        XCTAssertGreaterThan(counts["rand", default: 0], 700)
        XCTAssertGreaterThan(counts["randn64", default: 0], 10)
        XCTAssertGreaterThan(counts["rand64", default: 0], 10)
        XCTAssertGreaterThan(counts["int63", default: 0], 30)
        XCTAssertGreaterThan(counts["initial_seed", default: 0], 30)
    }

    /// MT19937's published first output for its default seed 5489 (std::mt19937's too),
    /// and the 10000th (the C++ standard's check value).
    func testStandardMT19937Outputs() {
        var g = TorchGenerator(seed: 5489)
        XCTAssertEqual(g.random(), 3_499_211_612)
        for _ in 2..<10000 { _ = g.random() }
        XCTAssertEqual(g.random(), 4_123_659_995)
    }

    func testSeedIsTruncatedTo32BitsButKept() {
        var a = TorchGenerator(seed: 5)
        var b = TorchGenerator(seed: (1 << 32) + 5)
        XCTAssertEqual(b.initialSeed, (1 << 32) + 5)
        XCTAssertEqual((0..<700).map { _ in a.random() }, (0..<700).map { _ in b.random() })
    }

    func testRandom64IsTwoDrawsHighFirst() {
        var a = TorchGenerator(seed: 43), b = a
        for _ in 0..<10 {
            let hi = UInt64(a.random()), lo = UInt64(a.random())
            XCTAssertEqual(b.random64(), hi << 32 | lo)
        }
    }

    /// The second randn of a pair comes from the cache: no engine output is used for it.
    func testCachedNormalUsesNoDraw() {
        var g = TorchGenerator(seed: 1)
        _ = g.randn()
        var withoutCache = g
        _ = g.randn()  // the cached value
        XCTAssertEqual(g.random(), withoutCache.random())
    }

    func testRangesOverManyDraws() {
        var g = TorchGenerator(seed: 0)
        for _ in 0..<20_000 {
            let u = g.rand(), d = g.randDouble(), n = g.randn()
            XCTAssertTrue(u >= 0 && u < 1)
            XCTAssertTrue(d >= 0 && d < 1)
            XCTAssertTrue(n.isFinite)
        }
    }

    // MARK: - timm's noise

    /// timm 1.0.31's `_calculate_noise` and `_add_noise` for one group, at t, with
    /// `TorchGenerator` in place of torch (conformance README, "Schedules beyond torch").
    private func timmNoise(t: Int, seed: Int, type: String, std: Double, pct: Double) -> Double {
        var g = TorchGenerator(seed: UInt64(bitPattern: Int64(seed + t)))
        if type == "normal" {
            while true {
                let noise = Double(g.randn()) * std
                if abs(noise) < pct { return noise }
            }
        }
        return 2 * (Double(g.rand()) - 0.5) * pct
    }

    private struct TimmCase {
        var name = ""
        var params: [String: Substring] = [:]
        var lrs: [Int: Double] = [:]
    }

    private func timmCases() throws -> [TimmCase] {
        var cases: [TimmCase] = []
        for fields in try dataLines() {
            switch fields.first {
            case "timm": cases.append(TimmCase(name: String(fields[1])))
            case "timm_param": cases[cases.count - 1].params[String(fields[1])] = fields[2]
            case "timm_lr":
                let bits = try XCTUnwrap(UInt64(fields[2], radix: 16))
                cases[cases.count - 1].lrs[try XCTUnwrap(Int(fields[1]))] = Double(bitPattern: bits)
            default: break
            }
        }
        return cases
    }

    /// Noise range [a, b) or [n, ∞).
    private func inRange(_ t: Int, _ text: Substring) -> Bool {
        let parts = text.split(whereSeparator: { "[], ".contains($0) }).compactMap { Int($0) }
        return parts.count == 2 ? parts[0] <= t && t < parts[1] : t >= parts[0]
    }

    /// The recorded timm lrs are `v + v * noise` of the un-noised lr v (here 0.1 * 0.5^k:
    /// StepLRScheduler's and the plateau scheduler's only values), with timm's noise from a
    /// generator seeded `noise_seed + t`, bit for bit.
    func testTimmNoiseFromRecordedLrs() throws {
        let cases = try timmCases()
        XCTAssertEqual(cases.map(\.name), ["timm/step-updates-noise/1g", "timm/plateau-noise/1g"])
        for c in cases {
            let range = try XCTUnwrap(c.params["noise_range_t"])
            let seed = c.params["noise_seed"].flatMap { Int($0) } ?? 42
            let std = c.params["noise_std"].flatMap { Double($0) } ?? 1.0
            let pct = c.params["noise_pct"].flatMap { Double($0) } ?? 0.67
            let type = c.params["noise_type"].map { $0.trimmingQuotes } ?? "normal"
            var noisy = 0
            for t in c.lrs.keys.sorted() where t > 0 {
                let lr = c.lrs[t]!
                // The un-noised lr: the power of two times 0.1 nearest to lr (|noise| < 0.2 in both cases).
                var v = 0.1
                while lr < v * 0.75 { v *= 0.5 }
                if inRange(t, range) {
                    let noise = timmNoise(t: t, seed: seed, type: type, std: std, pct: pct)
                    XCTAssertEqual((v + v * noise).bitPattern, lr.bitPattern, "\(c.name) t=\(t)")
                    noisy += 1
                } else {
                    XCTAssertEqual(v.bitPattern, lr.bitPattern, "\(c.name) t=\(t) (no noise)")
                }
            }
            XCTAssertGreaterThan(noisy, 20, c.name)
        }
    }
}

private func hex<T: FixedWidthInteger>(_ x: T, _ width: Int) -> String {
    let s = String(x, radix: 16)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}

private extension Substring {
    var trimmingQuotes: String { String(filter { $0 != "\"" }) }
}
