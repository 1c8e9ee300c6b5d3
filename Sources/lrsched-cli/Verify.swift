import ArgumentParser
import LRSchedConformance

/// `lrsched-cli verify FILE...`: the conformance runner of the Swift core.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run conformance vector files (schedules, errors, training) through the Swift core.",
        discussion: """
            Each file's kind is detected from its content. Prints `FAIL <name>: <detail>` for \
            every failed case; the last line is `N passed, M failed` summed over all files. \
            Exits 0 if and only if nothing failed.

            Example:
              lrsched-cli verify Tests/Vectors/pytorch-2.15/schedules.json \\
                  Tests/Vectors/pytorch-2.15/errors.json
            """
    )

    @Argument(help: "Vector files (absolute, or relative to the current directory).")
    var files: [String]

    func run() throws {
        var passed = 0
        var failed = 0
        for file in files {
            let outcomes = ConformanceRunner.run(file: file)
            let r = ConformanceRunner.report(outcomes) { print($0) }
            passed += r.passed
            failed += r.failed
        }
        print("\(passed) passed, \(failed) failed")
        if failed != 0 { throw ExitCode(1) }
    }
}
