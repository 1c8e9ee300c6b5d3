import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining
import XCTest

/// The project's copy of the conformance vectors.
let vectorsDirectory = testSourceDirectory() + "/../Vectors/pytorch-2.15"

func loadVectors(_ name: String) throws -> JSONValue {
    try readJSONFile(vectorsDirectory + "/" + name)
}

func vectorCases(_ name: String) throws -> [JSONValue] {
    try vectorCases(name, in: vectorsDirectory)
}

/// The cases of the vector file `name` in `directory` (a copy under Tests/Vectors).
func vectorCases(_ name: String, in directory: String) throws -> [JSONValue] {
    try XCTUnwrap(try readJSONFile(directory + "/" + name)["cases"]?.arrayValue)
}

/// Every case of the vector file `name` in `directory` passes the conformance runner (as
/// `lrsched-cli verify`), and there are `expected` of them.
func assertVectorFilePasses(_ name: String, in directory: String, cases expected: Int,
                            file: StaticString = #filePath, line: UInt = #line) {
    let outcomes = ConformanceRunner.run(file: directory + "/" + name)
    XCTAssertEqual(outcomes.count, expected, "\(name): cases", file: file, line: line)
    XCTAssertGreaterThan(outcomes.count, 0, "\(name): no cases", file: file, line: line)
    for o in outcomes { XCTAssertNil(o.failure, "\(o.name): \(o.failure ?? "")", file: file, line: line) }
}

/// A vector row as doubles.
func row(_ v: JSONValue) -> [Double] {
    (v.arrayValue ?? []).map { $0.doubleValue ?? .nan }
}

func bits(_ xs: [Double]) -> [UInt64] { xs.map(\.bitPattern) }

/// A checkpoint round trip in torch's order: after `k` steps save the optimizer and the
/// schedulers (JSON text), build fresh objects from the same case, load the optimizer
/// state, then the schedulers', and continue. The states, lrs, momenta and
/// `get_last_lr()` must be the uninterrupted run's (the vectors'), bit for bit.
/// `lastLR: false` for schedulers whose state has no `_last_lr` (timm's).
func assertResumes(_ c: JSONValue, at k: Int, lastLR: Bool = true,
                   file: StaticString = #filePath, line: UInt = #line) throws {
    let name = c["name"]?.stringValue ?? "?"
    let steps = try XCTUnwrap(c["steps"]?.intValue)
    let lrs = try XCTUnwrap(c["lrs"]?.arrayValue)
    let moms = c["momentum"]?.arrayValue
    let first = try ScheduleRun(case: c)
    for i in stride(from: 1, through: k, by: 1) { try first.step(i) }
    let optJSON = first.optimizer.stateJSON()
    let schedJSON = first.schedulers.map { $0.stateJSON() }

    let second = try ScheduleRun(case: c)
    try second.optimizer.loadState(json: optJSON)
    for (s, j) in zip(second.schedulers, schedJSON) { try s.loadState(json: j) }
    XCTAssertEqual(second.schedulers.map { $0.stateJSON() }, schedJSON, "\(name) state at \(k)", file: file, line: line)
    XCTAssertEqual(bits(second.lrs), bits(row(lrs[k])), "\(name) resumed at \(k)", file: file, line: line)
    if lastLR {
        XCTAssertEqual(second.schedulers.last?.lastLRs.map(\.bitPattern), first.schedulers.last?.lastLRs.map(\.bitPattern),
                       "\(name) get_last_lr at \(k)", file: file, line: line)
    }
    for i in stride(from: k + 1, through: steps, by: 1) {
        try second.step(i)
        XCTAssertEqual(bits(second.lrs), bits(row(lrs[i])), "\(name) resumed at \(k), step \(i)", file: file, line: line)
        if let moms {
            XCTAssertEqual(bits(second.momenta), bits(row(moms[i])), "\(name) momentum resumed at \(k), step \(i)",
                           file: file, line: line)
        }
    }
}

/// `assertResumes` at 0, 1, 2, a third, half, all but one and all of the case's steps.
func assertResumesAtSeveralSteps(_ c: JSONValue, lastLR: Bool = true,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
    let steps = try XCTUnwrap(c["steps"]?.intValue)
    for k in Set([0, 1, 2, steps / 3, steps / 2, steps - 1, steps]).sorted() where k >= 0 && k <= steps {
        try assertResumes(c, at: k, lastLR: lastLR, file: file, line: line)
    }
}
