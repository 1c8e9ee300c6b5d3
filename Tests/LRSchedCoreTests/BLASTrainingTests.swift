import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining
import XCTest

/// The BLAS path of the matrix products (Tensor.usesBLAS): the recorded torch runs with
/// every product sent to the BLAS, at one and two threads, and the thread setting.
final class BLASTrainingTests: XCTestCase {
    override func tearDown() {
        Tensor.blasThreshold = Tensor.blasMinimumWork
        try? setNumThreads(defaultNumThreads())
    }

    /// training.json (parameters within 1e-5, losses within 1e-4 relative of torch) with
    /// every product through the BLAS.
    func testTrainingVectorsThroughBLAS() throws {
        Tensor.blasThreshold = 1
        for threads in [1, 2] {
            try setNumThreads(threads)
            let outcomes = ConformanceRunner.run(file: vectorsDirectory + "/training.json")
            XCTAssertEqual(outcomes.count, 6)
            for o in outcomes { XCTAssertNil(o.failure, "\(threads) threads, \(o.name): \(o.failure ?? "")") }
        }
    }

    /// One run of an MLP big enough for the BLAS at the default threshold.
    private func trainMLP() throws -> [[Float]] {
        var g = SeededGenerator(seed: 11)
        let data = try Dataset(x: Tensor.normal(shape: [1000, 96], mean: 0, std: 1, using: &g),
                               y: Tensor.normal(shape: [1000, 1], mean: 0, std: 1, using: &g))
        let model = Sequential(Linear(in: 96, out: 160, seed: 2), ReLU(), Linear(in: 160, out: 1, seed: 3))
        let sgd = try SGD(parameters: model.parameters, lr: 0.01, momentum: 0.9)
        let t = try Trainer(model: model, optimizer: sgd, batchSize: 64, shuffle: true, seed: 1)
        try t.fit(data, epochs: 2)
        return model.parameters.map(\.values)
    }

    /// Results do not depend on the thread count (the products split rows and columns,
    /// never the summed dimension): equal within float32 rounding, 1e-6.
    func testThreadCountDoesNotChangeResults() throws {
        XCTAssertTrue(Tensor.usesBLAS(64, 96, 160) || lrskernBLASMissing)
        try setNumThreads(1)
        let one = try trainMLP()
        try setNumThreads(2)
        let two = try trainMLP()
        for (a, b) in zip(one, two) {
            XCTAssertEqual(a.count, b.count)
            for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-6) }
        }
    }

    func testThreadSetting() throws {
        XCTAssertGreaterThanOrEqual(defaultNumThreads(), 1)
        try setNumThreads(3)
        XCTAssertEqual(getNumThreads(), 3)
        XCTAssertThrowsError(try setNumThreads(0))
        XCTAssertThrowsError(try setNumThreads(-2))
        XCTAssertEqual(getNumThreads(), 3)
    }
}

/// Built with LRSCHED_BLAS=none: products never use a BLAS.
private let lrskernBLASMissing = !Tensor.usesBLAS(1 << 20, 1 << 20, 1)
