import ArgumentParser
import LRSched
import LRSchedReports

/// `lrsched-cli plot SPEC... -o curve.svg`: schedules as an SVG chart.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw one or more schedules as an SVG chart (lr, and momentum when cycled).",
        discussion: """
            Each SPEC is one argument: a case or scheduler spec as inline JSON or @file.json, or the short \
            form 'TYPE key=value ...' in quotes. Every schedule and param group is one line; several SPECs \
            compare on one chart. A second panel shows momentum when a schedule cycles it.

            Examples:
              lrsched-cli plot --lr 0.1 --steps 100 'StepLR step_size=30' 'CosineAnnealingLR T_max=100' -o curves.svg
              lrsched-cli plot --log --steps 1000 --momentum 0.9 'OneCycleLR max_lr=0.1 total_steps=1000' -o onecycle.svg
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

    @Argument(help: "SPECs (each one argument).")
    var specs: [String]

    func run() throws {
        try reporting {
            let defaults = try spec.defaults()
            var tables: [ScheduleTable] = []
            for (i, s) in specs.enumerated() {
                var t = try ScheduleSpecInput(words: [s], defaults: defaults).run()
                if i < labels.count { t.label = labels[i] }
                tables.append(t)
            }
            let svg = try SVGChart(title: title, logScale: log).render(tables)
            if output == "-" {
                print(svg, terminator: "")
            } else {
                try writeFile(output, svg)
            }
        }
    }
}
