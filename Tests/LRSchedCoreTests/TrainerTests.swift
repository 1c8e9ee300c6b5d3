import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining
import LRSchedReports
import XCTest

final class TrainerTests: XCTestCase {
    func testTrainingVectors() throws {
        let outcomes = ConformanceRunner.run(file: vectorsDirectory + "/training.json")
        XCTAssertEqual(outcomes.count, 6)
        for o in outcomes { XCTAssertNil(o.failure, "\(o.name): \(o.failure ?? "")") }
    }

    /// The demo's 30 lr lines equal `f"epoch {k}  lr {lrs[k][0]:.4f}"` of the seed vectors.
    func testDemoLinesMatchSeedVectors() throws {
        let cases = try vectorCases("schedules.json")
        var expected: [String] = []
        for name in ["seed/ExponentialLR", "seed/StepLR", "seed/LinearLR"] {
            let c = try XCTUnwrap(cases.first { $0["name"]?.stringValue == name })
            let lrs = try XCTUnwrap(c["lrs"]?.arrayValue)
            for k in 1...10 { expected.append("epoch \(k)  lr \(formatFixed(row(lrs[k])[0], digits: 4))") }
        }
        let runs = try ArticleDemo.run()
        XCTAssertEqual(runs.flatMap(\.lrLines), expected)
        XCTAssertEqual(expected[0], "epoch 1  lr 0.0900")
        XCTAssertEqual(expected[13], "epoch 4  lr 0.0900")
        XCTAssertEqual(expected[20], "epoch 1  lr 0.0625")
        // The demo learns the article's line.
        for r in runs {
            XCTAssertEqual(Double(r.weight[0]), 2, accuracy: 0.01)
            XCTAssertEqual(Double(r.weight[1]), -3.4, accuracy: 0.01)
            XCTAssertEqual(Double(r.bias[0]), 4.2, accuracy: 0.01)
            XCTAssertLessThan(r.loss, 2e-4)
        }
        let text = ArticleDemo.render(runs)
        XCTAssertTrue(text.hasPrefix("ExponentialLR(gamma=0.9)\nepoch 1  lr 0.0900\n"), text)
    }

    /// Python's `f"{x:.4f}"` (ground truth from CPython 3.11), including halfway cases.
    func testFormatFixedMatchesPython() {
        XCTAssertEqual(formatFixed(0.0729, digits: 4), "0.0729")
        XCTAssertEqual(formatFixed(0.06561000000000002, digits: 4), "0.0656")
        XCTAssertEqual(formatFixed(0.125, digits: 2), "0.12")   // half to even on the exact value
        XCTAssertEqual(formatFixed(0.375, digits: 2), "0.38")
        XCTAssertEqual(formatFixed(2.675, digits: 2), "2.67")      // 2.67499999...
        XCTAssertEqual(formatFixed(-0.0, digits: 1), "-0.0")
        XCTAssertEqual(formatFixed(1e20, digits: 1), "100000000000000000000.0")
        XCTAssertEqual(formatFixed(.infinity, digits: 4), "inf")
        XCTAssertEqual(formatFixed(.nan, digits: 4), "nan")
    }

    func testPerBatchSteppingAndCallback() throws {
        let data = Dataset.articleSynthetic(n: 100, seed: 3)
        let model = Sequential(Linear(in: 2, out: 1, seed: 1))
        let sgd = try SGD(parameters: model.parameters, lr: 0.05, momentum: 0.9)
        let sched = try OneCycleLR(sgd.state, maxLR: [0.1], length: .totalSteps(30))
        let trainer = try Trainer(model: model, optimizer: sgd, schedulers: [sched], batchSize: 10, stepScheduler: .batch)
        var seen: [Int] = []
        let history = try trainer.fit(data, epochs: 3) { seen.append($0.epoch) }
        XCTAssertEqual(seen, [1, 2, 3])
        XCTAssertEqual(sched.lastEpoch, 30)
        XCTAssertEqual(history[1].lrStart, history[0].lrAfter)
        // One more epoch steps OneCycleLR past its end: the scheduler's error propagates.
        XCTAssertThrowsError(try trainer.fit(data, epochs: 1))
    }

    func testCallbackErrorStopsTraining() throws {
        struct Stop: Error {}
        let data = Dataset.articleSynthetic(n: 50, seed: 3)
        let model = Sequential(Linear(in: 2, out: 1, seed: 1))
        let sgd = try SGD(parameters: model.parameters, lr: 0.05)
        let trainer = try Trainer(model: model, optimizer: sgd)
        var calls = 0
        XCTAssertThrowsError(try trainer.fit(data, epochs: 5) { _ in calls += 1; if calls == 2 { throw Stop() } })
        XCTAssertEqual(calls, 2)
    }

    func testTrainerValidation() throws {
        let model = Sequential(Linear(in: 2, out: 1, seed: 1))
        let sgd = try SGD(parameters: model.parameters, lr: 0.05)
        let other = try OptimizerState(lr: 0.1)
        let foreign = try StepLR(other, stepSize: 2)
        assertThrows(.valueError) { _ = try Trainer(model: model, optimizer: sgd, schedulers: [foreign]) }
        assertThrows(.valueError) { _ = try Trainer(model: model, optimizer: sgd, batchSize: 0) }
        let wrong = Dataset.articleSynthetic(n: 10, seed: 1)
        let model3 = Sequential(Linear(in: 3, out: 1, seed: 1))
        let t = try Trainer(model: model3, optimizer: try SGD(parameters: model3.parameters, lr: 0.1))
        XCTAssertThrowsError(try t.fit(wrong, epochs: 1))
        assertThrows(.valueError) { _ = try Sequential(spec: try JSON.parse(#"[{"type": "Linear", "in": 0, "out": 1}]"#)) }
        assertThrows(.typeError) { _ = try Sequential(spec: try JSON.parse(#"[{"type": "Conv2d"}]"#)) }
        assertThrows(.valueError, "the model would hold more than 2^31 parameters") {
            _ = try Sequential(spec: try JSON.parse(#"[{"type": "Linear", "in": 1048576, "out": 1048576}]"#))
        }
    }

    /// Training on borrowed caller memory gives the same bits as on owned tensors.
    func testBorrowedDatasetTrainsIdentically() throws {
        let owned = Dataset.articleSynthetic(n: 300, seed: 9)
        let xs = owned.x.storage
        let ys = owned.y.storage
        func train(_ data: Dataset) throws -> ([EpochRecord], [Float]) {
            let model = Sequential(Linear(in: 2, out: 1, seed: 4))
            let sgd = try SGD(parameters: model.parameters, lr: 0.05, momentum: 0.9)
            let s = try CosineAnnealingLR(sgd.state, tMax: 4)
            let t = try Trainer(model: model, optimizer: sgd, schedulers: [s], batchSize: 16, shuffle: true, seed: 3)
            let h = try t.fit(data, epochs: 4)
            return (h, model.parameters.flatMap(\.values))
        }
        let a = try train(owned)
        let b = try xs.withUnsafeBufferPointer { x in
            try ys.withUnsafeBufferPointer { y in
                try train(try Dataset(borrowingX: x, y: y, rows: 300, features: 2, outputs: 1))
            }
        }
        XCTAssertEqual(a.0, b.0)
        XCTAssertEqual(a.1, b.1)
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                assertThrows(.valueError) { _ = try Dataset(borrowingX: x, y: y, rows: 301, features: 2, outputs: 1) }
            }
        }
    }

    /// Two shuffled fits continue the generator (as torch's global RNG does): the
    /// second is not a replay of the first.
    func testShuffleCarriesOnAcrossFits() throws {
        let data = Dataset.articleSynthetic(n: 40, seed: 2)
        func run(split: Bool) throws -> [Float] {
            let model = Sequential(Linear(in: 2, out: 1, seed: 1))
            let sgd = try SGD(parameters: model.parameters, lr: 0.05)
            let t = try Trainer(model: model, optimizer: sgd, batchSize: 8, shuffle: true, seed: 5)
            if split { try t.fit(data, epochs: 1); try t.fit(data, epochs: 1) } else { try t.fit(data, epochs: 2) }
            return model.parameters.flatMap(\.values)
        }
        XCTAssertEqual(try run(split: true), try run(split: false))
    }
}
