import XCTest
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining

final class DataTests: XCTestCase {
    private func tinyDataset(_ n: Int) throws -> Dataset {
        let x = try Tensor(shape: [n, 2], values: (0..<n).flatMap { [Float($0), Float($0) + 0.5] })
        let y = try Tensor(shape: [n, 1], values: (0..<n).map { Float(-$0) })
        return try Dataset(x: x, y: y)
    }

    func testDatasetValidation() throws {
        assertThrowsKind(.valueError, try Dataset(x: Tensor.zeros([3, 2]), y: Tensor.zeros([4, 1])))
        assertThrowsKind(.valueError, try Dataset(x: Tensor.zeros([3]), y: Tensor.zeros([3, 1])))
        let d = try tinyDataset(5)
        XCTAssertEqual(d.count, 5)
        XCTAssertEqual(d.featureCount, 2)
        XCTAssertEqual(d.outputCount, 1)
    }

    func testSequentialBatchesKeepRowsTogether() throws {
        var loader = try DataLoader(dataset: try tinyDataset(7), batchSize: 3)
        XCTAssertEqual(loader.batchesPerEpoch, 3)
        var x = Tensor(), y = Tensor()
        var sizes: [Int] = []
        var rows: [Float] = []
        while loader.nextBatch(x: &x, y: &y) {
            sizes.append(x.shape[0])
            XCTAssertEqual(y.shape, [x.shape[0], 1])
            for r in 0..<x.shape[0] {
                XCTAssertEqual(x.storage[2 * r + 1], x.storage[2 * r] + 0.5)
                XCTAssertEqual(y.storage[r], -x.storage[2 * r])
                rows.append(x.storage[2 * r])
            }
        }
        XCTAssertEqual(sizes, [3, 3, 1])
        XCTAssertEqual(rows, (0..<7).map(Float.init))
        // The next call starts a new epoch.
        XCTAssertTrue(loader.nextBatch(x: &x, y: &y))
        XCTAssertEqual(x.storage[0], 0)
    }

    func testDropLast() throws {
        var loader = try DataLoader(dataset: try tinyDataset(7), batchSize: 3, dropLast: true)
        XCTAssertEqual(loader.batchesPerEpoch, 2)
        XCTAssertEqual(loader.epoch().map { $0.x.shape[0] }, [3, 3])
        var exact = try DataLoader(dataset: try tinyDataset(6), batchSize: 3, dropLast: true)
        XCTAssertEqual(exact.epoch().count, 2)
        var empty = try DataLoader(dataset: try tinyDataset(0), batchSize: 3)
        var x = Tensor(), y = Tensor()
        XCTAssertFalse(empty.nextBatch(x: &x, y: &y))
        XCTAssertFalse(empty.nextBatch(x: &x, y: &y))
    }

    func testShuffleIsAPermutationDeterministicAndChangesPerEpoch() throws {
        let data = try tinyDataset(50)
        var a = try DataLoader(dataset: data, batchSize: 8, shuffle: true, seed: 3)
        var b = try DataLoader(dataset: data, batchSize: 8, shuffle: true, seed: 3)
        let rowsOf = { (epoch: [(x: Tensor, y: Tensor)]) -> [Int] in
            epoch.flatMap { batch in (0..<batch.x.shape[0]).map { Int(batch.x.storage[2 * $0]) } }
        }
        let e1 = rowsOf(a.epoch()), e2 = rowsOf(a.epoch())
        XCTAssertEqual(e1.sorted(), Array(0..<50))
        XCTAssertEqual(e2.sorted(), Array(0..<50))
        XCTAssertNotEqual(e1, Array(0..<50))
        XCTAssertNotEqual(e1, e2)
        XCTAssertEqual(rowsOf(b.epoch()), e1)
        XCTAssertEqual(rowsOf(b.epoch()), e2)
        XCTAssertEqual(a.order.sorted(), Array(0..<50))
    }

    func testBatchSizeMustBePositive() throws {
        assertThrowsKind(.valueError, try DataLoader(dataset: try tinyDataset(3), batchSize: 0))
    }

    func testNextBatchReusesBuffers() throws {
        var loader = try DataLoader(dataset: try tinyDataset(25), batchSize: 10, shuffle: true)
        var x = Tensor(), y = Tensor()
        _ = loader.nextBatch(x: &x, y: &y)
        let ax = storageAddress(x), ay = storageAddress(y)
        for _ in 0..<10 {
            while loader.nextBatch(x: &x, y: &y) {
                XCTAssertEqual(storageAddress(x), ax)  // also across the short last batch
                XCTAssertEqual(storageAddress(y), ay)
            }
        }
    }

    func testArticleSynthetic() {
        let d = Dataset.articleSynthetic(seed: 0)
        XCTAssertEqual(d.x.shape, [1000, 2])
        XCTAssertEqual(d.y.shape, [1000, 1])
        XCTAssertEqual(Dataset.articleSynthetic(n: 1000, seed: 0).x, d.x)
        XCTAssertNotEqual(Dataset.articleSynthetic(n: 1000, seed: 1).x, d.x)
        XCTAssertEqual(Double(d.x.mean()), 0, accuracy: 0.1)
        // Residuals against the true line are the N(0, 0.01) noise.
        var sq = 0.0
        for i in 0..<1000 {
            let r = Double(d.y.storage[i]) - (2 * Double(d.x.storage[2 * i]) - 3.4 * Double(d.x.storage[2 * i + 1]) + 4.2)
            sq += r * r
        }
        XCTAssertEqual((sq / 1000).squareRoot(), 0.01, accuracy: 0.002)
        XCTAssertEqual(Dataset.articleSynthetic(n: 3, seed: 5).count, 3)
    }
}
