import ArgumentParser
import LRSched
import LRSchedReports

/// `lrsched-cli demo`: the article's training, natively — the main job.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the article's linear model under its three schedules and print the lr per epoch.",
        discussion: """
            Linear(2, 1) with SGD(lr=0.1) on 1000 seeded synthetic rows (y = X·[2, -3.4] + 4.2 + noise), \
            batch 10, shuffled, 10 epochs, under ExponentialLR(gamma=0.9), StepLR(step_size=4, gamma=0.9) \
            and LinearLR(start_factor=0.5, total_iters=4): for each, a header, ten lines \
            `epoch k  lr 0.0900` (the article's format), then the learned weight, bias and loss.

            Example:
              lrsched-cli demo
              lrsched-cli demo --seed 7
            """
    )

    @Option(help: "Seed for the data, the initial weights and the shuffles.")
    var seed: UInt64 = 2026

    func run() throws {
        print(ArticleDemo.render(try ArticleDemo.run(seed: seed)), terminator: "")
    }
}
