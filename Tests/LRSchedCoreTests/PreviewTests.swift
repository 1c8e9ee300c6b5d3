import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining
import XCTest

final class PreviewTests: XCTestCase {
    /// A preview from construction reproduces the vector's rows 1...steps, and leaves
    /// the real optimizer and schedulers untouched.
    func testPreviewMatchesVectorsAndTouchesNothing() throws {
        for c in try vectorCases("schedules.json") {
            let name = c["name"]?.stringValue ?? ""
            let run = try ScheduleRun(case: c)
            let steps = try XCTUnwrap(c["steps"]?.intValue)
            let lrs = try XCTUnwrap(c["lrs"]?.arrayValue)
            let before = run.optimizer.stateJSON()
            let states = run.schedulers.map { $0.stateJSON() }
            let p = try Preview(run.schedulers, steps: steps, metrics: run.metrics, momentum: true)
            XCTAssertEqual(p.groups, run.optimizer.count)
            for k in 0..<steps {
                let got = Array(p.lrs[(k * p.groups)..<((k + 1) * p.groups)])
                XCTAssertEqual(bits(got), bits(row(lrs[k + 1])), "\(name) step \(k + 1)")
                if let m = c["momentum"]?.arrayValue, let pm = p.momenta {
                    XCTAssertEqual(bits(Array(pm[(k * p.groups)..<((k + 1) * p.groups)])), bits(row(m[k + 1])), name)
                }
            }
            XCTAssertEqual(run.optimizer.stateJSON(), before, name)
            XCTAssertEqual(run.schedulers.map { $0.stateJSON() }, states, name)
        }
    }

    func testFailureMidwayReturnsNothing() throws {
        let opt = try OptimizerState(lr: 0.1, momentum: 0.9)
        let s = try OneCycleLR(opt, maxLR: [0.1], length: .totalSteps(10))
        assertThrows(.valueError, "Tried to step 11 times. The specified number of total steps is 10") {
            _ = try s.preview(steps: 11)
        }
        XCTAssertEqual(try s.preview(steps: 10).lrs.count, 10)
        XCTAssertEqual(s.lastEpoch, 0)
    }

    /// One preview holds at most 2^26 values (the C header's LRSCHED_MAX_PREVIEW_VALUES),
    /// refused with MemoryError before allocating or stepping anything.
    func testPreviewSizeIsCapped() throws {
        XCTAssertEqual(Preview.maxValues, 1 << 26)
        let opt = try OptimizerState(defaults: ParamGroup(lr: 0.1), groups: [ParamGroup(lr: 0.1), ParamGroup(lr: 0.2)])
        let s = try StepLR(opt, stepSize: 3)
        let message = "a preview of 33554433 steps x 2 groups is more than lrsched's limit of 67108864 values (2^26)"
        assertThrows(.memoryError, message) { _ = try s.preview(steps: (1 << 25) + 1) }
        assertThrows(.memoryError) { _ = try s.preview(steps: Int.max) }
        assertThrows(.memoryError) { _ = try s.preview(steps: 1_000_000_000) }
        XCTAssertEqual(try Preview.size(steps: 1 << 25, groups: 2), 1 << 26)
        assertThrows(.valueError, "preview steps must be >= 0, got -1") { _ = try Preview.size(steps: -1, groups: 2) }
        XCTAssertEqual(s.lastEpoch, 0)
    }

    /// An optimizer is created with at most 2^20 groups (LRSCHED_MAX_CREATED_GROUPS), from
    /// any path; more are added one at a time.
    func testCreatedGroupsAreCapped() throws {
        XCTAssertEqual(OptimizerState.maxGroups, 1 << 20)
        let message = "an optimizer of 1048577 param groups is more than lrsched's limit of 1048576 groups at creation (2^20)"
        assertThrows(.memoryError, message) {
            _ = try OptimizerState(defaults: ParamGroup(), groups: Array(repeating: ParamGroup(), count: (1 << 20) + 1))
        }
        let spec = JSONValue.object(JSONObject([("groups", .array(Array(repeating: .object(JSONObject()), count: (1 << 20) + 1)))]))
        assertThrows(.memoryError, message) { _ = try OptimizerState(spec: spec) }
        XCTAssertNoThrow(try OptimizerState.checkGroupCount(1 << 20))
    }

    func testPlateauPreviewNeedsMetrics() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try ReduceLROnPlateau(opt, patience: 0)
        assertThrows(.valueError) { _ = try s.preview(steps: 3) }
        assertThrows(.valueError) { _ = try s.preview(steps: 3, metrics: [1, 2]) }
        XCTAssertEqual(try s.preview(steps: 3, metrics: [1, 2, 3]).lrs, [0.1, 0.010000000000000002, 0.0010000000000000002])
    }

    func testPreviewIntoBuffers() throws {
        let opt = try OptimizerState(lr: 0.1)
        let s = try StepLR(opt, stepSize: 2)
        var buf = [Double](repeating: -1, count: 4)
        try buf.withUnsafeMutableBufferPointer { try Preview.write([s], steps: 4, lrs: $0, momenta: nil) }
        XCTAssertEqual(buf, [0.1, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002])
        var small = [Double](repeating: 0, count: 3)
        assertThrows(.valueError) {
            try small.withUnsafeMutableBufferPointer { try Preview.write([s], steps: 4, lrs: $0, momenta: nil) }
        }
    }

    func testSchedulersOnDifferentOptimizersAreRejected() throws {
        let a = try StepLR(try OptimizerState(lr: 0.1), stepSize: 2)
        let b = try StepLR(try OptimizerState(lr: 0.1), stepSize: 2)
        assertThrows(.valueError) { _ = try Preview([a, b], steps: 2) }
    }
}
