import Foundation
import LRSchedConformance
import LRSched
import XCTest

/// States saved by lrsched 0.1.0 (`Data/states-0.1.0.json`: for every schedule case,
/// the optimizer's and the schedulers' state after half the steps, as 0.1.0 wrote them)
/// still load into fresh objects and continue exactly as the vectors.
///
/// The fixture was written by 0.1.0 itself: `LRSCHED_WRITE_LEGACY_STATES=1 swift test
/// --filter LegacyStateTests` on that version's sources; it is data now, never rewritten.
final class LegacyStateTests: XCTestCase {
    let fixture = testSourceDirectory() + "/Data/states-0.1.0.json"

    func testStatesSavedBy010StillLoad() throws {
        if ProcessInfo.processInfo.environment["LRSCHED_WRITE_LEGACY_STATES"] != nil {
            try writeFixture()
        }
        let text = try XCTUnwrap(readTextFile(fixture), "missing \(fixture)")
        let saved = try XCTUnwrap(try JSON.parse(text).arrayValue)
        let cases = try vectorCases("schedules.json")
        XCTAssertEqual(saved.count, cases.count)
        for (c, s) in zip(cases, saved) {
            let name = c["name"]?.stringValue ?? "?"
            XCTAssertEqual(s["name"]?.stringValue, name)
            let k = try XCTUnwrap(s["k"]?.intValue)
            let steps = try XCTUnwrap(c["steps"]?.intValue)
            let lrs = try XCTUnwrap(c["lrs"]?.arrayValue)
            let run = try ScheduleRun(case: c)
            try run.optimizer.loadStateDict(try XCTUnwrap(s["optimizer"]))
            for (sched, state) in zip(run.schedulers, try XCTUnwrap(s["schedulers"]?.arrayValue)) {
                try sched.loadStateDict(state)
            }
            XCTAssertEqual(bits(run.lrs), bits(row(lrs[k])), "\(name) loaded at \(k)")
            for i in stride(from: k + 1, through: steps, by: 1) {
                try run.step(i)
                XCTAssertEqual(bits(run.lrs), bits(row(lrs[i])), "\(name) continued at \(i)")
            }
        }
    }

    private func writeFixture() throws {
        var out: [JSONValue] = []
        for c in try vectorCases("schedules.json") {
            let steps = try XCTUnwrap(c["steps"]?.intValue)
            let k = steps / 2
            let run = try ScheduleRun(case: c)
            for i in stride(from: 1, through: k, by: 1) { try run.step(i) }
            out.append(.object(JSONObject([
                ("name", c["name"] ?? .null), ("k", .int(k)),
                ("optimizer", run.optimizer.stateDict()),
                ("schedulers", .array(run.schedulers.map { $0.stateDict() })),
            ])))
        }
        try (JSON.serialize(.array(out)) + "\n").write(toFile: fixture, atomically: true, encoding: .utf8)
    }
}
