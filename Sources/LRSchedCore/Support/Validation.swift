import LRSchedSupport
import LRSchedJSON

/// lrsched rejects NaN and infinite hyperparameters everywhere (a documented deviation
/// from torch, which would carry them into the lrs).
@inline(__always)
package func requireFinite(_ name: String, _ v: Double) throws(LRSchedError) {
    if !v.isFinite { throw .value("\(name) must be finite, got \(pyRepr(v))") }
}

package func requireFinite(_ name: String, _ vs: [Double]) throws(LRSchedError) {
    for v in vs { try requireFinite(name, v) }
}
