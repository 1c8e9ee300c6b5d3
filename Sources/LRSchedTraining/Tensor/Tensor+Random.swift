import LRSchedSupport
import LRSchedJSON
import LRSchedCore

// Random initialisation from a (seeded) generator.

extension Tensor {
    /// Fills `self` with normal deviates `mean + std·z`, computed in Double and rounded
    /// to Float. Box–Muller pairs fill consecutive elements (`(z0, z1)` → `[i], [i+1]`;
    /// an odd last element uses `z0` and discards `z1`).
    /// - Complexity: O(count); consumes `2·⌈count/2⌉` values of `g`.
    public mutating func fillNormal<G: RandomNumberGenerator>(
        mean: Double = 0, std: Double = 1, using g: inout G
    ) {
        let n = count
        storage.withUnsafeMutableBufferPointer { d in
            var i = 0
            while i < n {
                let (z0, z1) = RandomSampling.standardNormalPair(&g)
                d[i] = Float(mean + std * z0)
                if i + 1 < n { d[i + 1] = Float(mean + std * z1) }
                i += 2
            }
        }
    }

    /// Fills `self` with `low + (high - low)·u`, `u` uniform in [0, 1) with 53 bits,
    /// computed in Double and rounded to Float (so a value may round up to `high`).
    /// - Complexity: O(count); consumes `count` values of `g`.
    public mutating func fillUniform<G: RandomNumberGenerator>(
        low: Double, high: Double, using g: inout G
    ) {
        let width = high - low
        storage.withUnsafeMutableBufferPointer { d in
            for i in d.indices {
                d[i] = Float(low + width * RandomSampling.uniformDouble(&g))
            }
        }
    }

    /// A new tensor of normal deviates (see ``fillNormal(mean:std:using:)``).
    /// Same precondition on `shape` as ``init(shape:repeating:)``.
    public static func normal<G: RandomNumberGenerator>(
        shape: [Int], mean: Double = 0, std: Double = 1, using g: inout G
    ) -> Tensor {
        var t = Tensor(shape: shape)
        t.fillNormal(mean: mean, std: std, using: &g)
        return t
    }

    /// A new tensor of uniform values in [low, high) (see ``fillUniform(low:high:using:)``).
    /// Same precondition on `shape` as ``init(shape:repeating:)``.
    public static func uniform<G: RandomNumberGenerator>(
        shape: [Int], low: Double, high: Double, using g: inout G
    ) -> Tensor {
        var t = Tensor(shape: shape)
        t.fillUniform(low: low, high: high, using: &g)
        return t
    }
}
