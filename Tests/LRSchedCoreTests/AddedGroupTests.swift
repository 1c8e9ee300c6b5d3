import LRSchedConformance
import LRSched
import XCTest

/// A param group added after the scheduler was built (torch's `add_param_group`, the
/// unfreeze-layers pattern): stepped as torch steps it, scheduler by scheduler
/// (added-groups.json), and a checkpoint taken after the group was added resumes.
final class AddedGroupTests: XCTestCase {
    func testAddedGroupsVectors() throws {
        assertVectorFilePasses("added-groups.json", in: vectorsDirectory, cases: 30)
    }

    /// The stepping cases, checkpointed after every step past the added group (the saved
    /// `base_lrs` is shorter than the groups, as torch's is), load into a fresh run that
    /// re-added the group and continue as the vectors.
    func testCheckpointAfterAddedGroupResumes() throws {
        var resumed = 0
        for c in try vectorCases("added-groups.json") where c["lrs"] != nil {
            let name = c["name"]?.stringValue ?? "?"
            let steps = try XCTUnwrap(c["steps"]?.intValue)
            let lrs = try XCTUnwrap(c["lrs"]?.arrayValue)
            let before = try XCTUnwrap(c["add_group"]?["before_step"]?.intValue)
            for k in before...steps {
                let a = try ScheduleRun(case: c)
                for i in 1...k { try a.step(i) }
                let b = try ScheduleRun(case: c)
                try b.addGroupIfDue(k)
                try b.optimizer.loadStateDict(a.optimizer.stateDict())
                for (s, t) in zip(b.schedulers, a.schedulers) { try s.loadStateDict(t.stateDict()) }
                for i in stride(from: k + 1, through: steps, by: 1) {
                    try b.step(i)
                    XCTAssertEqual(bits(b.lrs), bits(row(lrs[i])), "\(name) resumed at \(k), step \(i)")
                }
                resumed += 1
            }
        }
        XCTAssertGreaterThan(resumed, 100)
    }

    /// A chainable form steps the new group; a closed form (`step(epoch:)`) zips with
    /// `base_lrs` and fails as torch's `zip(strict=True)` does, changing nothing.
    func testClosedFormAfterAddedGroupFails() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try StepLR(opt, stepSize: 1, gamma: 0.5)
        try opt.addParamGroup(ParamGroup(lr: 0.2))
        try s.step()
        XCTAssertEqual(opt.groups.map(\.lr), [0.05, 0.1])
        XCTAssertThrowsError(try s.step(epoch: 3)) { e in
            XCTAssertEqual((e as? LRSchedError)?.kind, .valueError)
        }
        XCTAssertEqual(opt.groups.map(\.lr), [0.05, 0.1])
        XCTAssertEqual(s.lastEpoch, 1)
    }
}
