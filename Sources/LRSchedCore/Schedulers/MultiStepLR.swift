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
    /// The milestones as given (duplicates kept; the order is that of torch's Counter,
    /// first appearance, and matters to nothing but the saved state).
    @exclusivity(unchecked) public package(set) var milestones: [Int] = []
    @exclusivity(unchecked) public package(set) var gamma: Double = 0
    override public class var descriptor: SchedulerDescriptor { multiStepLR }

    public convenience init(_ optimizer: OptimizerState, milestones: [Int], gamma: Double = 0.1, lastEpoch: Int = -1) throws(LRSchedError) {
        try requireFinite("gamma", gamma)
        try self.init(optimizer: optimizer, lastEpoch: lastEpoch)
        (self.milestones, self.gamma) = (milestones, gamma)
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
        for m in milestones where m <= lastEpoch { k += 1 }  // bisect_right on the sorted elements
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
    /// `milestones`, torch's `Counter`: saved as an object of counts by milestone,
    /// `{"2": 1, "6": 2}` (Python: a `collections.Counter`); 0.1.0's sorted list with
    /// repeats still loads.
    fileprivate static let milestones = StateField.stored(
        "milestones", \MultiStepLR.milestones, type: "Counter[int]", encode: MultiStepLR.encodeCounter,
        decode: { (v, o) throws(LRSchedError) in
            if case .object(let counts) = v { return try MultiStepLR.decodeCounter(counts, o) }
            return try StateValue.ints(v, "milestones", o)
        })
}

extension MultiStepLR {
    /// The most milestones (with repeats) a state may hold: a larger count is surely not
    /// a schedule, and would allocate without bound.
    static let maxMilestones = 1 << 20

    /// The milestones (with repeats) as `{"milestone": count}`, in order of first
    /// appearance (a Counter's).
    static func encodeCounter(_ milestones: [Int]) -> JSONValue {
        var o = JSONObject()
        for m in milestones { o[String(m)] = .int((o[String(m)]?.intValue ?? 0) + 1) }
        return .object(o)
    }

    /// `{"milestone": count}` (a Counter's items, keys as JSON strings) as the list with
    /// repeats, in the Counter's order. A count of 0 adds nothing, as in its `elements()`.
    static func decodeCounter(_ counts: JSONObject, _ owner: String) throws(LRSchedError) -> [Int] {
        var out: [Int] = []
        for key in counts.keys {
            guard let m = Int(key) else {
                throw .value("\(owner) state: 'milestones' keys must be ints, got '\(key)'")
            }
            guard case .int(let c)? = counts[key], c >= 0, c <= maxMilestones - out.count else {
                throw .value("\(owner) state: 'milestones' counts must be ints from 0 (at most \(maxMilestones) milestones in all), got \(counts[key]?.typeName ?? "nothing") for \(m)")
            }
            out.append(contentsOf: repeatElement(m, count: c))
        }
        return out
    }
}
