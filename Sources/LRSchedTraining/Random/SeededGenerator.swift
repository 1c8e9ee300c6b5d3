import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// A deterministic, seedable random number generator: xoshiro256** seeded through
/// SplitMix64.
///
/// The same seed yields the same `next()` sequence on every platform and Swift
/// version (pure 64-bit integer arithmetic). The derived uniform values are exact
/// bit manipulations and so equally portable; normal values go through libm's
/// `log`, `cos` and `sin`, which agree across mainstream C libraries but are not
/// guaranteed bit-identical everywhere.
///
/// Not cryptographically secure. A value type: copying a generator forks the stream.
public struct SeededGenerator: RandomNumberGenerator, Equatable, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose 256-bit state is four consecutive SplitMix64 outputs from
    /// `seed` (never all zero, since SplitMix64's output function is a bijection).
    public init(seed: UInt64) {
        var sm = seed
        s0 = SeededGenerator.splitMix64(&sm)
        s1 = SeededGenerator.splitMix64(&sm)
        s2 = SeededGenerator.splitMix64(&sm)
        s3 = SeededGenerator.splitMix64(&sm)
    }

    /// The next 64 random bits (xoshiro256**).
    /// - Complexity: O(1).
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// A uniform Double in [0, 1): the top 53 bits of `next()` times 2⁻⁵³.
    public mutating func nextDouble() -> Double {
        RandomSampling.uniformDouble(&self)
    }

    /// A uniform Float in [0, 1): the top 24 bits of `next()` times 2⁻²⁴.
    public mutating func nextFloat() -> Float {
        RandomSampling.uniformFloat(&self)
    }

    /// A normal deviate `mean + std·z`, `z` from one Box–Muller transform (its second
    /// value is discarded; ``Tensor/fillNormal(mean:std:using:)`` uses both).
    /// Consumes two `next()` values.
    public mutating func nextNormal(mean: Double = 0, std: Double = 1) -> Double {
        mean + std * RandomSampling.standardNormalPair(&self).0
    }

    /// A uniform integer in `0..<upperBound`, unbiased (Lemire's multiply-and-reject).
    /// - Precondition: `upperBound > 0`.
    public mutating func nextInt(upperBound: Int) -> Int {
        precondition(upperBound > 0, "nextInt(upperBound:) needs a positive bound")
        return Int(RandomSampling.uniformUInt64(&self, below: UInt64(upperBound)))
    }

    private static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ k: UInt64) -> UInt64 {
        (self << k) | (self >> (64 &- k))
    }
}
