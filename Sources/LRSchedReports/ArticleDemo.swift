import LRSched

/// The article's experiment, natively: `nn.Linear(2, 1)` (weight ~ N(0, 0.01), bias 0)
/// trained with `SGD(lr=0.1)` on 1000 synthetic rows (`X ~ N(0,1)`,
/// `y = X·[2, −3.4] + 4.2 + N(0, 0.01)`, seeded), batch 10, shuffled, 10 epochs, once
/// per schedule: ExponentialLR(gamma=0.9), StepLR(step_size=4, gamma=0.9) and
/// LinearLR(start_factor=0.5, total_iters=4). The lr lines are the article's
/// `f"epoch {k}  lr {lr:.4f}"`.
public enum ArticleDemo {
    /// One schedule's run.
    public struct Run: Sendable {
        public var title: String
        public var history: [EpochRecord]
        public var weight: [Float]
        public var bias: [Float]
        /// Full-dataset MSE after the last epoch.
        public var loss: Double

        /// The article's ten lines.
        public var lrLines: [String] {
            history.map { "epoch \($0.epoch)  lr \(formatFixed($0.lrAfter, digits: 4))" }
        }
    }

    /// The three schedules, as (title, spec).
    public static let schedules: [(title: String, spec: String)] = [
        ("ExponentialLR(gamma=0.9)", #"{"type": "ExponentialLR", "gamma": 0.9}"#),
        ("StepLR(step_size=4, gamma=0.9)", #"{"type": "StepLR", "step_size": 4, "gamma": 0.9}"#),
        ("LinearLR(start_factor=0.5, total_iters=4)", #"{"type": "LinearLR", "start_factor": 0.5, "total_iters": 4}"#),
    ]

    /// Runs the three trainings on the seeded data.
    public static func run(seed: UInt64 = 2026, epochs: Int = 10) throws -> [Run] {
        let data = Dataset.articleSynthetic(n: 1000, seed: seed)
        var runs: [Run] = []
        for (i, (title, spec)) in schedules.enumerated() {
            var g = SeededGenerator(seed: seed &+ 1 &+ UInt64(i))
            let linear = Linear(in: 2, out: 1, generator: &g)
            linear.weight.data.fillNormal(mean: 0, std: 0.01, using: &g)
            linear.bias.data.fill(0)
            let model = Sequential(linear)
            let sgd = try SGD(parameters: model.parameters, lr: 0.1)
            let sched = try SchedulerSpec.build(try JSON.parse(spec), optimizer: sgd.state)
            let trainer = try Trainer(model: model, optimizer: sgd, schedulers: [sched], batchSize: 10,
                                      shuffle: true, seed: seed &+ 100 &+ UInt64(i))
            let history = try trainer.fit(data, epochs: epochs)
            runs.append(Run(title: title, history: history, weight: linear.weight.values,
                            bias: linear.bias.values, loss: history.last?.loss ?? .nan))
        }
        return runs
    }

    /// The demo's text: per schedule a header, the ten lr lines, then the learned
    /// weight, bias and loss.
    public static func render(_ runs: [Run]) -> String {
        var out = ""
        for (i, r) in runs.enumerated() {
            if i > 0 { out += "\n" }
            out += "\(r.title)\n"
            for line in r.lrLines { out += line + "\n" }
            let w = r.weight.map { formatFixed(Double($0), digits: 4) }.joined(separator: ", ")
            let b = r.bias.map { formatFixed(Double($0), digits: 4) }.joined(separator: ", ")
            out += "learned weight [\(w)]  bias [\(b)]  loss \(formatFixed(r.loss, digits: 6))\n"
        }
        return out
    }
}
