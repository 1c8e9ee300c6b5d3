import ArgumentParser
import LRSched
import LRSchedReports

/// `lrsched-cli show SPEC`: the lr (and cycled momentum) after each step.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the lr per step of a schedule (table, CSV or a vector file).",
        discussion: """
            SPEC is a conformance case without results ({"optimizer": ..., "schedulers": [...], "steps": N}), \
            a bare scheduler spec ({"type": "StepLR", ...}), either inline or as @file.json, or the short \
            form `TYPE key=value ...` (values are JSON literals: 4 is an int, 4.0 a float). Row 0 is the lr \
            right after construction, row k after k steps. Numbers are shortest round-trip decimals unless \
            --digits is given.

            Examples:
              lrsched-cli show --lr 0.1 --steps 10 StepLR step_size=4 gamma=0.9
              lrsched-cli show --digits 4 --lr 0.1 --steps 10 ExponentialLR gamma=0.9
              lrsched-cli show --steps 20 --csv OneCycleLR max_lr=0.1 total_steps=20
              lrsched-cli show '{"type": "ReduceLROnPlateau", "patience": 1}' \\
                  --steps 5 --metrics losses.txt
              lrsched-cli show --json @case.json > vectors.json
              lrsched-cli verify vectors.json
            """
    )

    @OptionGroup var spec: SpecOptions

    @Option(parsing: .unconditional, help: "Print numbers with exactly N decimals.")
    var digits: Int?

    @Flag(help: "Print CSV.")
    var csv = false

    @Flag(help: "Print a complete vector file that `lrsched-cli verify` accepts.")
    var json = false

    @Option(help: "Case name for --json (default: the scheduler types).")
    var name: String?

    @Argument(help: "The SPEC (JSON, @file, or TYPE key=value ...).")
    var words: [String]

    func validate() throws {
        if csv && json { throw ValidationError("--csv and --json exclude each other") }
        if let digits, !(0...17).contains(digits) { throw ValidationError("--digits must be between 0 and 17") }
    }

    func run() throws {
        try reporting {
            let input = try ScheduleSpecInput(words: words, defaults: try spec.defaults())
            let table = try input.run()
            if json {
                print(JSON.serialize(TableFormat.vectorFile([(input, table)], names: [name ?? input.label]), pretty: true))
            } else if csv {
                print(TableFormat.csv(table, digits: digits), terminator: "")
            } else {
                print(TableFormat.aligned(table, digits: digits), terminator: "")
            }
        }
    }
}
