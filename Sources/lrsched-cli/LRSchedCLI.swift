import ArgumentParser
import LRSchedCore

@main
struct LRSchedCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrsched-cli",
        abstract: "PyTorch's learning-rate schedules, bit for bit, without PyTorch.",
        discussion: """
            Examples:
              lrsched-cli demo
              lrsched-cli verify Tests/Vectors/pytorch-2.15/schedules.json
            """,
        version: LRSchedVersion.string,
        subcommands: [Demo.self, Verify.self]
    )
}
