import XCTest
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining

/// Asserts that `body` throws an `LRSchedError` of `kind`.
func assertThrowsKind<T>(
    _ kind: LRSchedError.Kind, _ body: @autoclosure () throws -> T,
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        _ = try body()
        XCTFail("expected \(kind.rawValue), nothing was thrown", file: file, line: line)
    } catch let e as LRSchedError {
        XCTAssertEqual(e.kind, kind, "message: \(e.message)", file: file, line: line)
    } catch {
        XCTFail("expected LRSchedError, got \(error)", file: file, line: line)
    }
}

/// Element-wise closeness with absolute + relative tolerance.
func assertClose(
    _ a: [Float], _ b: [Float], tol: Float = 1e-5,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(a.count, b.count, "counts differ", file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() {
        let scale = max(1, abs(x), abs(y))
        if !(abs(x - y) <= tol * scale) {
            XCTFail("element \(i): \(x) vs \(y) (tol \(tol))", file: file, line: line)
            return
        }
    }
}

func assertClose(
    _ a: [Float], _ b: [Double], tol: Double = 1e-6,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(a.count, b.count, "counts differ", file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() {
        if !(abs(Double(x) - y) <= tol * max(1, abs(y))) {
            XCTFail("element \(i): \(x) vs \(y) (tol \(tol))", file: file, line: line)
            return
        }
    }
}

/// The address of a tensor's storage, to check that a buffer was reused.
func storageAddress(_ t: Tensor) -> UnsafeRawPointer? {
    t.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
}

func randomTensor(_ shape: [Int], _ g: inout SeededGenerator) -> Tensor {
    Tensor.uniform(shape: shape, low: -1, high: 1, using: &g)
}
