import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining
import XCTest

/// Every public vector through the Swift core, bit for bit (the same runner as
/// `lrsched-cli verify`).
final class ConformanceTests: XCTestCase {
    func run(_ file: String, expectCases: Int) throws {
        assertVectorFilePasses(file, in: vectorsDirectory, cases: expectCases)
    }

    func testSchedules() throws { try run("schedules.json", expectCases: 78) }
    func testErrors() throws { try run("errors.json", expectCases: 26) }

    func testReportContract() {
        var lines: [String] = []
        let r = ConformanceRunner.report([CaseOutcome(name: "a"), CaseOutcome(name: "b", failure: "step 1")]) { lines.append($0) }
        XCTAssertEqual(r.passed, 1)
        XCTAssertEqual(r.failed, 1)
        XCTAssertEqual(lines, ["FAIL b: step 1"])
    }

    func testKindDetection() throws {
        XCTAssertEqual(VectorKind.detect(try loadVectors("schedules.json")), .schedules)
        XCTAssertEqual(VectorKind.detect(try loadVectors("errors.json")), .errors)
        XCTAssertEqual(VectorKind.detect(try loadVectors("training.json")), .training)
        XCTAssertNil(VectorKind.detect(.object(JSONObject())))
    }

    /// A wrong expected value is reported as a failure naming the step and values.
    func testMismatchIsReported() throws {
        var c = try XCTUnwrap(try vectorCases("schedules.json").first?.objectValue)
        var lrs = try XCTUnwrap(c["lrs"]?.arrayValue)
        lrs[3] = .array([.float(0.0729)])
        c["lrs"] = .array(lrs)
        let failure = try XCTUnwrap(ConformanceRunner.runScheduleCase(.object(c)))
        XCTAssertEqual(failure, "step 3 group 0: lr 0.07290000000000002, expected 0.0729")
    }
}
