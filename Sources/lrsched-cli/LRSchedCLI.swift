import ArgumentParser
import LRSched

@main
struct LRSchedCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrsched-cli",
        abstract: "PyTorch's learning-rate schedules, bit for bit, without PyTorch.",
        discussion: """
            Examples:
              lrsched-cli demo
              lrsched-cli verify Tests/Vectors/pytorch-2.15/schedules.json
              lrsched-cli show --lr 0.1 --steps 10 StepLR step_size=4 gamma=0.9
              lrsched-cli describe --json
              lrsched-cli plot OneCycleLR max_lr=0.1 total_steps=100 -o onecycle.svg
            """,
        version: LRSchedVersion.string,
        subcommands: [Demo.self, Verify.self, Show.self, Plot.self, Describe.self]
    )
}
