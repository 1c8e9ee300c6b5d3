import LRSchedSupport
import LRSchedJSON

/// torch's `PolynomialLR(optimizer, total_iters=5, power=1.0, last_epoch=-1)`: decays
/// the lr polynomially to zero at `total_iters`, then holds it.
///
/// Chainable: for `0 < e <= total_iters`,
/// `lr * ((1.0 - e / total_iters) / (1.0 - (e - 1) / total_iters)) ** power` (libm
/// `pow`); otherwise unchanged. Closed form
/// `base_lr * (1.0 - min(total_iters, e) / total_iters) ** power`.
///
/// | epoch | 0 | 1 | 2 | 3 | 4 | 5 |
/// |---|---|---|---|---|---|---|
/// | lr (0.1, total_iters 5, power 1) | 0.1 | 0.08 | 0.06 | 0.04 | 0.02 | 0.0 |
public final class PolynomialLR: LRScheduler {
    @exclusivity(unchecked) public package(set) var totalIters: Int = 0
    @exclusivity(unchecked) public package(set) var power: Double = 0
    override public class var descriptor: SchedulerDescriptor { polynomialLR }

    public convenience init(_ optimizer: OptimizerState, totalIters: Int = 5, power: Double = 1.0, lastEpoch: Int = -1) throws(LRSchedError) {
        try requireFinite("power", power)
        try self.init(optimizer: optimizer, lastEpoch: lastEpoch)
        (self.totalIters, self.power) = (totalIters, power)
        try constructionStep()
    }

    package override func computeLRs() throws(LRSchedError) {
        let e = lastEpoch
        if isInitial || e > totalIters {
            setLRs(currentTimes: 1)
            return
        }
        let t = Double(totalIters)
        let a = try Py.div(Double(e), t)
        let b = try Py.div(Double(e - 1), t)
        let ratio = try Py.div(1.0 - a, 1.0 - b)
        let decay = try Py.floatPow(ratio, power)
        setLRs(currentTimes: decay)
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        let frac = try Py.div(Double(min(totalIters, lastEpoch)), Double(totalIters))
        let factor = try Py.floatPow(1.0 - frac, power)
        setLRs(baseTimes: factor)
        return true
    }
}

private let polynomialLR = SchedulerDescriptor(
    "PolynomialLR", summary: "decays the lr to 0 over total_iters epochs along (1 - t/T) ** power",
    parameters: [
        .init("total_iters", .int, default: .int(5), doc: "not validated (`0`: the lr never changes)"),
        .init("power", .float, default: .float(1.0)),
        .lastEpoch,
    ],
    state: [.int("total_iters", \PolynomialLR.totalIters), .finite("power", \PolynomialLR.power)] + StateField.base,
    build: { (a, c) throws(LRSchedError) in
        try PolynomialLR(c.optimizer, totalIters: a.int("total_iters"), power: a.double("power"),
                         lastEpoch: a.int("last_epoch"))
    })
