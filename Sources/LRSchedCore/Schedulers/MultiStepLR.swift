import LRSchedSupport
import LRSchedJSON

/// torch's `MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1)`: multiplies
/// the lr by `gamma` at each milestone.
///
/// Milestones are a multiset (torch's `Counter`): order does not matter and a milestone
/// listed `c` times multiplies by `gamma ** c` (libm `pow`). A milestone 0 applies at
/// construction. Closed form `base_lr * gamma ** bisect_right(sorted(milestones), e)`.
///
/// | epoch | 0 | 1 | 2 | … | 5 | … | 9 |
/// |---|---|---|---|---|---|---|---|
/// | lr (0.1, milestones [2, 5, 9], γ 0.1) | 0.1 | 0.1 | 0.01 | … | 0.001 | … | 0.0001 |
public final class MultiStepLR: LRScheduler {
    /// The milestones, sorted (duplicates kept).
    @exclusivity(unchecked) public package(set) var milestones: [Int] = []
    @exclusivity(unchecked) public package(set) var gamma: Double = 0
    override public class var descriptor: SchedulerDescriptor { multiStepLR }

    public convenience init(_ optimizer: OptimizerState, milestones: [Int], gamma: Double = 0.1, lastEpoch: Int = -1) throws(LRSchedError) {
        try requireFinite("gamma", gamma)
        try self.init(optimizer: optimizer, lastEpoch: lastEpoch)
        (self.milestones, self.gamma) = (milestones.sorted(), gamma)
        try constructionStep()
    }

    /// How many times `e` appears in the milestones (torch's `milestones[e]`).
    package func count(of e: Int) -> Int {
        var c = 0
        for m in milestones where m == e { c += 1 }
        return c
    }

    package override func computeLRs() throws(LRSchedError) {
        let c = count(of: lastEpoch)
        setLRs(currentTimes: c == 0 ? 1 : try Py.floatPow(gamma, Double(c)))
    }

    package override func computeClosedFormLRs() throws(LRSchedError) -> Bool {
        var k = 0
        for m in milestones where m <= lastEpoch { k += 1 }  // bisect_right on the sorted list
        setLRs(baseTimes: try Py.floatPow(gamma, Double(k)))
        return true
    }
}

private let multiStepLR = SchedulerDescriptor(
    "MultiStepLR", summary: "multiplies the lr by gamma at each milestone",
    parameters: [
        .init("milestones", .list(.int), doc: "a multiset: order does not matter, a milestone listed `c` times multiplies by `gamma ** c`; `0` applies at construction; `[]` is allowed"),
        .init("gamma", .float, default: .float(0.1)),
        .lastEpoch,
    ],
    state: [.milestones, .finite("gamma", \MultiStepLR.gamma)] + StateField.base,
    build: { (a, c) throws(LRSchedError) in
        try MultiStepLR(c.optimizer, milestones: a.ints("milestones"), gamma: a.double("gamma"),
                        lastEpoch: a.int("last_epoch"))
    })

extension StateField {
    /// `milestones`, saved as the sorted list with repeats (torch saves its Counter).
    fileprivate static let milestones = StateField.stored(
        "milestones", \MultiStepLR.milestones, type: "list[int]", encode: { .ints($0) },
        decode: { (v, o) throws(LRSchedError) in try StateValue.ints(v, "milestones", o).sorted() })
}
