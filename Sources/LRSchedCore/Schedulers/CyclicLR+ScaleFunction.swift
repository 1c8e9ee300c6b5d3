import LRSchedSupport
import LRSchedJSON

/// CyclicLR's custom `scale_fn` in a spec: a function name resolved as lr functions are
/// (a C callback given with the spec, or a named lr function), called as torch calls it:
/// with the cycle number or the iteration, an int.
extension CyclicLR {
    /// The scale function a spec's `scale_fn` names (nil for None).
    /// - Throws: TypeError for a value that is not a name; the resolver's error for an
    ///   unknown name.
    static func scaleFunction(_ value: JSONValue?, _ c: SpecContext) throws(LRSchedError) -> ((Double) throws(LRSchedError) -> Double)? {
        guard let value else { return nil }
        if case .null = value { return nil }
        guard let name = value.stringValue else {
            throw .type("CyclicLR: 'scale_fn' must be a function name or None, got \(value)")
        }
        let f = try c.lrFunctions(name)
        return { (x: Double) throws(LRSchedError) -> Double in
            guard let n = Int(exactly: x) else {
                throw .value("CyclicLR: scale_fn argument \(pyRepr(x)) is not an int in lrsched's range")
            }
            return try callLambda(f, n)
        }
    }

    /// `scale_mode`: ignored without a custom scale function (the mode decides); with
    /// one, `"cycle"` or `"iterations"` (torch reads any other string as "iterations";
    /// lrsched refuses it: ValueError).
    static func scaleMode(_ name: String, custom: Bool) throws(LRSchedError) -> ScaleMode {
        guard custom else { return .cycle }
        guard let m = ScaleMode(rawValue: name) else {
            throw .value("CyclicLR: scale_mode must be 'cycle' or 'iterations' with a scale_fn, got '\(name)'")
        }
        return m
    }
}
