import XCTest
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining

final class TrainingTests: XCTestCase {
    /// One 10-epoch run of the article's setup; returns the final full-dataset MSE.
    private func trainArticle(
        data: Dataset, model: Sequential, optimizer: SGD, loader: inout DataLoader
    ) throws -> Float {
        let mse = MSELoss()
        var xb = Tensor(), yb = Tensor(), grad = Tensor()
        for _ in 0..<10 {
            while loader.nextBatch(x: &xb, y: &yb) {
                let pred = try model.forward(xb)
                try mse.gradient(pred, yb, into: &grad)
                _ = try model.backward(grad, computeInputGradient: false)
                optimizer.step()
            }
        }
        return try mse(try model.forward(data.x), data.y)
    }

    func testArticleLinearRegressionConverges() throws {
        let data = Dataset.articleSynthetic(n: 1000, seed: 42)
        let model = Sequential(Linear(in: 2, out: 1, seed: 0))
        let opt = try SGD(parameters: model.parameters, lr: 0.1)
        var loader = try DataLoader(dataset: data, batchSize: 10, shuffle: true, seed: 7)
        let initial = try MSELoss()(try model.forward(data.x), data.y)
        let final = try trainArticle(data: data, model: model, optimizer: opt, loader: &loader)
        XCTAssertGreaterThan(initial, 1)
        XCTAssertLessThan(final, 1e-3, "final MSE \(final)")
        assertClose(model.parameter(named: "0.weight")!.values, [2, -3.4], tol: 0.01)
        assertClose(model.parameter(named: "0.bias")!.values, [4.2], tol: 0.01)
    }

    func testSteadyStateStepReusesEveryBuffer() throws {
        let data = Dataset.articleSynthetic(n: 100, seed: 1)
        let l1 = Linear(in: 2, out: 8), l3 = Linear(in: 8, out: 1)
        let model = Sequential(l1, ReLU(), l3)
        let opt = try SGD(parameters: model.parameters, lr: 0.01, momentum: 0.9)
        var loader = try DataLoader(dataset: data, batchSize: 10, shuffle: true)
        let mse = MSELoss()
        var xb = Tensor(), yb = Tensor(), grad = Tensor()
        var addresses: [UnsafeRawPointer?] = []
        for step in 0..<30 {
            if !loader.nextBatch(x: &xb, y: &yb) { _ = loader.nextBatch(x: &xb, y: &yb) }
            let pred = try model.forward(xb)
            try mse.gradient(pred, yb, into: &grad)
            let predAddress = storageAddress(pred)
            let gIn = try model.backward(grad)
            opt.step()
            var now = [predAddress, storageAddress(grad), storageAddress(gIn)]
            for p in model.parameters {
                now.append(storageAddress(p.data))
                now.append(storageAddress(p.grad!))
            }
            if step == 1 { addresses = now }
            if step > 1 { XCTAssertEqual(now, addresses, "step \(step)") }
        }
    }
}
