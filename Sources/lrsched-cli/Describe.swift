import ArgumentParser
import LRSched

/// `lrsched-cli describe`: every scheduler the library has, from the core's descriptors
/// (what `lrsched_describe()` returns; `make regen` generates files from it).
struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the schedulers with their parameters (--json: the descriptors as JSON).",
        discussion: """
            Without --json, one line per scheduler: its name, library and signature.
            With --json, lrsched_describe()'s JSON: names, parameters (kind, default),
            flags, state keys and attributes.
            """
    )

    @Flag(name: .long, help: "Print the descriptors as JSON (lrsched_describe()).")
    var json = false

    func run() throws {
        if json {
            print(JSON.serialize(SchedulerRegistry.describe()))
            return
        }
        for d in SchedulerRegistry.all {
            let params = d.parameters.map { p in
                p.defaultValue.map { "\(p.name)=\(JSON.serialize($0))" } ?? p.name
            }
            print("\(d.name) (\(d.library)): \(d.name)(\(params.joined(separator: ", "))) — \(d.summary)")
        }
    }
}
