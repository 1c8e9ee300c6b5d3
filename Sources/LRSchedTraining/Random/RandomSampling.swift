import LRSchedSupport
import LRSchedJSON
import LRSchedCore

// Portable sampling on top of any RandomNumberGenerator (the standard library's
// `random(in:using:)` algorithms are not promised to stay the same across versions).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

package enum RandomSampling {
    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    package static func uniformDouble<G: RandomNumberGenerator>(_ g: inout G) -> Double {
        Double(g.next() >> 11) * 0x1p-53
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    package static func uniformFloat<G: RandomNumberGenerator>(_ g: inout G) -> Float {
        Float(UInt32(truncatingIfNeeded: g.next() >> 40)) * 0x1p-24
    }

    /// Two independent standard normal deviates from one Box–Muller transform:
    /// `r = sqrt(-2 ln u1)` with `u1` in (0, 1], `θ = 2π u2`; returns `(r cos θ, r sin θ)`.
    @inline(__always)
    package static func standardNormalPair<G: RandomNumberGenerator>(_ g: inout G) -> (Double, Double) {
        let u1 = 1.0 - uniformDouble(&g)  // (0, 1]: log never sees 0
        let u2 = uniformDouble(&g)
        let r = (-2.0 * log(u1)).squareRoot()
        let theta = 2.0 * Double.pi * u2
        return (r * cos(theta), r * sin(theta))
    }

    /// Uniform in `0..<n` without bias (Lemire 2019). Precondition: `n > 0`.
    @inline(__always)
    package static func uniformUInt64<G: RandomNumberGenerator>(_ g: inout G, below n: UInt64) -> UInt64 {
        var m = g.next().multipliedFullWidth(by: n)
        if m.low < n {
            let t = (0 &- n) % n
            while m.low < t { m = g.next().multipliedFullWidth(by: n) }
        }
        return m.high
    }
}
