// lrsched-bench: speed of the Swift core, printed as a table (`make bench`).
// Figures are the best of several repetitions on the machine it runs on.
import LRSched
#if canImport(Glibc)
import Glibc
#endif

let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// Best time of `reps` runs of `body`.
func best(_ reps: Int, _ body: () throws -> Void) rethrows -> Double {
    var b = Double.infinity
    for _ in 0..<reps {
        let t = try clock.measure { try body() }
        b = min(b, seconds(t))
    }
    return b
}

func row(_ name: String, _ value: String) {
    let pad = String(repeating: " ", count: max(1, 46 - name.count))
    print("| \(name)\(pad)| \(value) |")
}

func fmt(_ x: Double, _ unit: String, digits: Int = 3) -> String { formatFixed(x, digits: digits) + " " + unit }

// `lrsched-bench profile KIND [REPS]`: only KIND's 1M-step preview, repeated (for perf, callgrind).
let arguments = CommandLine.arguments
// `lrsched-bench profile MLP784 [EPOCHS [ROWS]]`: only the 784-256-1 MLP's training (for perf,
// and for counting allocations under valgrind: the count grows per epoch, not per batch).
if arguments.count >= 3 && arguments[1] == "profile" && arguments[2] == "MLP784" {
    var g2 = SeededGenerator(seed: 7)
    let rows = arguments.count > 4 ? Int(arguments[4]) ?? 60_000 : 60_000
    let data = try Dataset(x: Tensor.normal(shape: [rows, 784], mean: 0, std: 1, using: &g2),
                           y: Tensor.normal(shape: [rows, 1], mean: 0, std: 1, using: &g2))
    let model = Sequential(Linear(in: 784, out: 256, seed: 2), ReLU(), Linear(in: 256, out: 1, seed: 3))
    let sgd = try SGD(parameters: model.parameters, lr: 0.01, momentum: 0.9)
    let t = try Trainer(model: model, optimizer: sgd, batchSize: 64, shuffle: true, seed: 1)
    let elapsed = try clock.measure { try t.fit(data, epochs: arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1) }
    print(seconds(elapsed))
    exit(0)
}
// `lrsched-bench crossover`: a·bᵀ and aᵀ·b through the Swift loops and through the BLAS, by
// size (m·k·n), single-threaded: where Tensor.blasMinimumWork comes from.
if arguments.count >= 2 && arguments[1] == "crossover" {
    try setNumThreads(1)
    var g = SeededGenerator(seed: 3)
    print("| m x k x n | m·k·n | a·bᵀ loops | a·bᵀ BLAS | aᵀ·b loops | aᵀ·b BLAS |")
    print("|---|---|---|---|---|---|")
    for (m, k, n) in [(10, 2, 1), (16, 4, 16), (16, 16, 16), (32, 16, 32), (32, 32, 32), (32, 32, 64),
                      (32, 64, 64), (32, 64, 128), (64, 128, 64), (64, 256, 128)] {
        let a = Tensor.normal(shape: [m, k], mean: 0, std: 1, using: &g)
        let b = Tensor.normal(shape: [n, k], mean: 0, std: 1, using: &g)
        let at = Tensor.normal(shape: [k, m], mean: 0, std: 1, using: &g)
        let bk = Tensor.normal(shape: [k, n], mean: 0, std: 1, using: &g)
        var out = Tensor()
        let reps = max(10, 20_000_000 / (m * k * n))
        var cells: [String] = []
        for threshold in [Int.max, 1] {
            Tensor.blasThreshold = threshold
            let t = try best(3) { for _ in 0..<reps { try Tensor.matmul(a, b, transposeB: true, into: &out) } }
            cells.append(fmt(t / Double(reps) * 1e6, "µs"))
        }
        for threshold in [Int.max, 1] {
            Tensor.blasThreshold = threshold
            let t = try best(3) { for _ in 0..<reps { try Tensor.matmul(at, bk, transposeA: true, into: &out) } }
            cells.append(fmt(t / Double(reps) * 1e6, "µs"))
        }
        print("| \(m) x \(k) x \(n) | \(m * k * n) | " + cells.joined(separator: " | ") + " |")
    }
    exit(0)
}
if arguments.count >= 3 && arguments[1] == "profile" {
    let opt = try OptimizerState(lr: 0.1, momentum: 0.9)
    let s: LRScheduler
    switch arguments[2] {
    case "StepLR": s = try StepLR(opt, stepSize: 30, gamma: 0.1)
    case "CosineAnnealingLR": s = try CosineAnnealingLR(opt, tMax: 1000)
    case "OneCycleLR": s = try OneCycleLR(opt, maxLR: [0.1], length: .totalSteps(1_000_010))
    default: s = try CyclicLR(opt, baseLR: [0.01], maxLR: [0.1], stepSizeUp: 500)
    }
    let reps = arguments.count > 3 ? Int(arguments[3]) ?? 20 : 20
    for _ in 0..<reps { _ = try s.preview(steps: 1_000_000) }
    exit(0)
}

print("| benchmark (Swift core, release build)          | best |")
print("|---|---|")

// The article's training: Linear(2, 1), SGD(lr=0.1), 1000x2 rows, batch 10, shuffled, 10 epochs.
let data = Dataset.articleSynthetic(n: 1000, seed: 1)
let article = try best(50) {
    let model = Sequential(Linear(in: 2, out: 1, seed: 1))
    let sgd = try SGD(parameters: model.parameters, lr: 0.1)
    let s = try ExponentialLR(sgd.state, gamma: 0.9)
    let t = try Trainer(model: model, optimizer: sgd, schedulers: [s], batchSize: 10, shuffle: true, seed: 1)
    try t.fit(data, epochs: 10)
}
row("article training, 10 epochs (1000x2, batch 10)", fmt(article * 1e3, "ms"))

// MLP 64 -> 128 ReLU -> 1, 20k rows, batch 32, 5 epochs.
var g = SeededGenerator(seed: 5)
let mx = Tensor.normal(shape: [20_000, 64], mean: 0, std: 1, using: &g)
let my = Tensor.normal(shape: [20_000, 1], mean: 0, std: 1, using: &g)
let mlpData = try Dataset(x: mx, y: my)
let mlp = try best(3) {
    let model = Sequential(Linear(in: 64, out: 128, seed: 2), ReLU(), Linear(in: 128, out: 1, seed: 3))
    let sgd = try SGD(parameters: model.parameters, lr: 0.01, momentum: 0.9)
    let t = try Trainer(model: model, optimizer: sgd, batchSize: 32, shuffle: true, seed: 1)
    try t.fit(mlpData, epochs: 5)
}
row("MLP 64-128-1, 20k rows, batch 32, 5 epochs", fmt(mlp * 1e3, "ms", digits: 1))

// The MLP: 784 -> 256 ReLU -> 1, SGD(lr=0.01, momentum=0.9), 60k rows, batch 64,
// shuffled, one epoch plus the full-data loss (as torch's loop in bench_train.py).
// FLOPs counted: the first layer's forward per batch, its weight gradient, and the loss's
// forward (2·rows·784·256 each); the second layer and elementwise work are left out.
do {
    var g2 = SeededGenerator(seed: 7)
    let rows = 60_000, features = 784, hidden = 256
    let bx = Tensor.normal(shape: [rows, features], mean: 0, std: 1, using: &g2)
    let by = Tensor.normal(shape: [rows, 1], mean: 0, std: 1, using: &g2)
    let bigData = try Dataset(x: bx, y: by)
    let epoch = try best(3) {
        let model = Sequential(Linear(in: features, out: hidden, seed: 2), ReLU(), Linear(in: hidden, out: 1, seed: 3))
        let sgd = try SGD(parameters: model.parameters, lr: 0.01, momentum: 0.9)
        let t = try Trainer(model: model, optimizer: sgd, batchSize: 64, shuffle: true, seed: 1)
        try t.fit(bigData, epochs: 1)
    }
    let flops = 3 * 2 * Double(rows * features * hidden)
    row("MLP 784-256-1, 60k rows, batch 64, 1 epoch (\(getNumThreads()) thr)",
        fmt(epoch * 1e3, "ms", digits: 1) + ", " + fmt(flops / epoch * 1e-9, "GFLOP/s", digits: 1))
}

// step() + get_last_lr() per call, and a 1M-step preview.
let n = 1_000_000
func makeScheduler(_ kind: String) throws -> LRScheduler {
    let opt = try OptimizerState(lr: 0.1, momentum: 0.9)
    switch kind {
    case "StepLR": return try StepLR(opt, stepSize: 30, gamma: 0.1)
    case "CosineAnnealingLR": return try CosineAnnealingLR(opt, tMax: 1000)
    case "OneCycleLR": return try OneCycleLR(opt, maxLR: [0.1], length: .totalSteps(4 * n + 10))
    case "CyclicLR": return try CyclicLR(opt, baseLR: [0.01], maxLR: [0.1], stepSizeUp: 500)
    default: return try ReduceLROnPlateau(opt, patience: 5)
    }
}
for kind in ["StepLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR", "ReduceLROnPlateau"] {
    let s = try makeScheduler(kind)
    var sink = 0.0
    let plateau = s is ReduceLROnPlateau
    let t = try best(3) {
        for i in 0..<n {
            if plateau { try s.step(metric: Double(i % 7)) } else { try s.step() }
            sink += s.lastLRs[0]
        }
    }
    if sink.isNaN { print("") }
    row("\(kind) step() + get_last_lr()", fmt(t / Double(n) * 1e9, "ns", digits: 1))
}
for kind in ["StepLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR"] {
    let s = try makeScheduler(kind)
    let t = try best(3) { _ = try s.preview(steps: n) }
    row("\(kind) preview, 1M steps", fmt(t * 1e3, "ms", digits: 1))
}
