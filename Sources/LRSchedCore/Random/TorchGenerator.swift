#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// torch's CPU random generator (`torch.Generator()` on the CPU, an mt19937 engine), bit for bit.
///
/// `TorchGenerator(seed: s)` is `g = torch.Generator(); g.manual_seed(s)`, and each method
/// below is the draw that the named torch call makes from `g`, with the same result and the
/// same effect on the generator's state. Draws of different kinds share the one state, in
/// call order, as in torch.
///
/// - ``random()``, ``random64()``: the generator's raw 32- and 64-bit outputs.
/// - ``randn()``: `torch.randn(1, generator=g).item()` (float32).
/// - ``rand()``: `torch.rand(1, generator=g).item()` (float32).
/// - ``randnDouble()``, ``randDouble()``: the same with `dtype=torch.float64`.
///
/// The algorithm is torch's (`aten/src/ATen/core/MT19937RNGEngine.h`, `CPUGeneratorImpl.cpp`,
/// `DistributionsHelper.h`, `TransformationHelper.h`, `native/cpu/DistributionTemplates.h`):
///
/// - Seeding: the state's first word is the low 32 bits of the seed, each next word
///   `1812433253 * (w ^ (w >> 30)) + j` (mod 2³²), as MT19937's `init_genrand`; the full 64-bit
///   seed is kept as ``initialSeed``. Outputs are MT19937's (its tempering, twisting all 624
///   words at once when they run out).
/// - `random64()` is two 32-bit outputs, the first one the high half.
/// - The normal draw (`torch.randn` of fewer than 16 elements takes the scalar path, on
///   doubles, whatever the tensor's dtype): if a normal is cached, it is returned and the cache
///   emptied. Otherwise `u1`, `u2` are two doubles in [0, 1), each the low 53 bits of a
///   `random64()` times 2⁻⁵³; `r = sqrt(-2 * log1p(-u2))`, `theta = 2π * u1`;
///   `r * sin(theta)` is cached and `r * cos(theta)` returned. The double is then rounded to
///   float32 for a float32 tensor.
/// - The float32 uniform draw (`torch.rand`): the low 24 bits of one `random()` times 2⁻²⁴.
///   The float64 one: the low 53 bits of one `random64()` times 2⁻⁵³.
/// - Reseeding (a new `TorchGenerator`, as `manual_seed`) empties the cache; uniform and raw
///   draws leave it as it is.
///
/// A negative Python seed is its 64-bit two's complement: `manual_seed(-1)` is
/// `TorchGenerator(seed: UInt64(bitPattern: -1))`.
///
/// `sqrt`, `log1p`, `sin` and `cos` are the C library's, as in torch's build; recorded torch
/// outputs (`Tests/LRSchedCoreTests/Data/torch_generator.txt`) match bit for bit with glibc's.
/// No method traps; the struct is a value (a copy continues the same stream independently).
public struct TorchGenerator: Sendable, Equatable {
    private static let stateSize = 624
    private static let shift = 397
    private static let matrixA: UInt32 = 0x9908_b0df
    private static let upperMask: UInt32 = 0x8000_0000
    private static let lowerMask: UInt32 = 0x7fff_ffff

    /// The seed given to ``init(seed:)``: torch's `g.initial_seed()`.
    public let initialSeed: UInt64
    private var state: [UInt32]
    /// Outputs left before the next twist, plus one (torch's `left_`).
    private var left: Int
    /// Index of the next state word to temper (torch's `next_`).
    private var next: Int
    /// The second normal of the last Box–Muller pair, not yet returned
    /// (torch's `next_double_normal_sample_`).
    private var cachedNormal: Double?

    /// A generator seeded as `torch.Generator().manual_seed(seed)`: mt19937 seeded with the low
    /// 32 bits of `seed`, no cached normal.
    public init(seed: UInt64) {
        initialSeed = seed
        var s = [UInt32](repeating: 0, count: Self.stateSize)
        s[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.stateSize {
            let prev = s[j - 1]
            s[j] = 1_812_433_253 &* (prev ^ (prev >> 30)) &+ UInt32(j)
        }
        state = s
        left = 1
        next = 0
        cachedNormal = nil
    }

    /// The next 32-bit output of the mt19937 engine (torch's `CPUGeneratorImpl::random()`).
    public mutating func random() -> UInt32 {
        left -= 1
        if left == 0 { twist() }
        var y = state[next]
        next += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// Two 32-bit outputs, the first as the high half (torch's `CPUGeneratorImpl::random64()`).
    public mutating func random64() -> UInt64 {
        let hi = UInt64(random())
        let lo = UInt64(random())
        return (hi << 32) | lo
    }

    /// `torch.randn(1, generator=g).item()`: a standard normal, computed on doubles and rounded
    /// to float32 (widen it with `Double(_:)`, as `.item()` does). Returns the cached second
    /// value of the last pair if there is one, else draws a new pair (two `random64()`).
    public mutating func randn() -> Float {
        Float(randnDouble())
    }

    /// `torch.randn(1, dtype=torch.float64, generator=g).item()`: the double that ``randn()``
    /// rounds. Shares the cached second value with ``randn()``, as torch does.
    public mutating func randnDouble() -> Double {
        // transformation::normal(ret, mean 0, std 1) = ret * 1 + 0 (which turns -0.0 into 0.0).
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached * 1.0 + 0.0
        }
        let u1 = randDouble()
        let u2 = randDouble()
        let r = _libmSqrt(-2.0 * _libmLog1p(-u2))
        let theta = 2.0 * Double.pi * u1
        cachedNormal = r * _libmSin(theta)
        return r * _libmCos(theta) * 1.0 + 0.0
    }

    /// `torch.rand(1, generator=g).item()`: a float32 in [0, 1), the low 24 bits of one
    /// `random()` times 2⁻²⁴.
    public mutating func rand() -> Float {
        Float(random() & 0x00ff_ffff) * 0x1p-24
    }

    /// `torch.rand(1, dtype=torch.float64, generator=g).item()`: a double in [0, 1), the low
    /// 53 bits of one `random64()` times 2⁻⁵³.
    public mutating func randDouble() -> Double {
        Double(random64() & 0x001f_ffff_ffff_ffff) * 0x1p-53
    }

    /// Refills the 624 state words (torch's `next_state`).
    private mutating func twist() {
        let n = Self.stateSize, m = Self.shift
        state.withUnsafeMutableBufferPointer { s in
            @inline(__always) func mixed(_ u: UInt32, _ v: UInt32) -> UInt32 {
                let y = (u & Self.upperMask) | (v & Self.lowerMask)
                return (y >> 1) ^ ((v & 1) != 0 ? Self.matrixA : 0)
            }
            for j in 0..<(n - m) {
                s[j] = s[j + m] ^ mixed(s[j], s[j + 1])
            }
            for j in (n - m)..<(n - 1) {
                s[j] = s[j + m - n] ^ mixed(s[j], s[j + 1])
            }
            s[n - 1] = s[m - 1] ^ mixed(s[n - 1], s[0])
        }
        left = n
        next = 0
    }
}

// The C library's functions, named apart from any member of the same name.
@inline(__always) private func _libmSqrt(_ x: Double) -> Double { sqrt(x) }
@inline(__always) private func _libmLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func _libmSin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func _libmCos(_ x: Double) -> Double { cos(x) }
