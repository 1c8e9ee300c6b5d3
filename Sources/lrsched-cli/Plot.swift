import ArgumentParser
import Glibc
import LRSched
import LRSchedReports

/// `lrsched-cli plot SPEC... -o curve.svg`: schedules as an SVG chart.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw one or more schedules as an SVG chart (lr, and momentum when cycled).",
        discussion: """
            Each SPEC is a case or scheduler spec as inline JSON or @file.json, or the short form \
            TYPE key=value ... as in `show` (quoted or not: a bare TYPE starts the next SPEC). Every \
            schedule and param group is one line; several SPECs compare on one chart. A second panel \
            shows momentum when a schedule cycles it (CyclicLR, OneCycleLR: between their \
            base_momentum and max_momentum).

            Examples:
              lrsched-cli plot --steps 100 StepLR step_size=30 \\
                  CosineAnnealingLR T_max=100 -o curves.svg
              lrsched-cli plot --log --steps 1000 OneCycleLR max_lr=0.1 \\
                  total_steps=1000 base_momentum=0.8 max_momentum=0.9 -o onecycle.svg
            """
    )

    @OptionGroup var spec: SpecOptions

    @Option(name: .shortAndLong, help: "Output file ('-' for stdout).")
    var output: String

    @Flag(help: "Logarithmic lr axis.")
    var log = false

    @Option(help: "Chart title.")
    var title: String = "Learning-rate schedules"

    @Option(name: .customLong("label"), help: "Legend label for each SPEC, in order (repeatable).")
    var labels: [String] = []

    @Argument(help: "SPECs (JSON, @file, or TYPE key=value ...).")
    var specs: [String]

    func run() throws {
        try reporting {
            let defaults = try spec.defaults()
            var tables: [ScheduleTable] = []
            for (i, words) in try ScheduleSpecInput.splitSpecs(specs).enumerated() {
                var t = try ScheduleSpecInput(words: words, defaults: defaults).run()
                if i < labels.count { t.label = labels[i] }
                tables.append(t)
            }
            if log { warnAboutHiddenLRs(tables) }
            let svg = try SVGChart(title: title, logScale: log).render(tables)
            if output == "-" {
                print(svg, terminator: "")
            } else {
                try writeFile(output, svg)
            }
        }
    }
}

/// A log axis cannot show lrs that are 0 (or negative): say how many are left out, on
/// stderr, instead of dropping them silently. (None positive at all is SVGChart's error.)
func warnAboutHiddenLRs(_ tables: [ScheduleTable]) {
    let values = tables.flatMap { $0.lrs.joined() }
    let hidden = values.filter { !($0 > 0) }.count
    guard hidden > 0, hidden < values.count else { return }
    var err = StandardError()
    print("warning: --log leaves out \(hidden) of \(values.count) lrs that are not positive (a log axis cannot show them)", to: &err)
}

/// `print(..., to:)` into stderr (the CLI writes its output to stdout).
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }  // fd 2: stderr
    }
}
