import ArgumentParser
import LRSchedConformance
import LRSched
import LRSchedReports

/// The options `show` and `plot` share to complete a SPEC.
struct SpecOptions: ParsableArguments {
    // `.unconditional`: `--lr -1` is the value -1 (for the library to refuse with its
    // message), not a missing value followed by an option.
    @Option(parsing: .unconditional, help: "Initial lr of the optimizer (default 0.1) when the SPEC has no optimizer.")
    var lr: Double?

    @Option(parsing: .unconditional, help: """
        SGD momentum of the optimizer the SPEC gets (written by --json). No lr depends on it; \
        CyclicLR/OneCycleLR replace it by their cycle (set their base_momentum, max_momentum).
        """)
    var momentum: Double?

    @Option(parsing: .unconditional, help: "Number of steps (default: the SPEC's, else 100).")
    var steps: Int?

    @Option(help: "ReduceLROnPlateau metrics: a file of numbers (JSON list or whitespace-separated); '-' reads stdin.")
    var metrics: String?

    func defaults() throws -> ScheduleSpecInput.Defaults {
        var d = ScheduleSpecInput.Defaults()
        d.lr = lr
        d.momentum = momentum
        d.steps = steps
        if let metrics {
            let bytes = metrics == "-" ? readStdin() : try readFileBytes(metrics)
            d.metrics = try parseNumbers(try utf8Text(bytes, metrics == "-" ? "stdin" : metrics))
        }
        return d
    }
}

func readStdin() -> [UInt8] {
    var out: [UInt8] = []
    while let line = readLine(strippingNewline: false) { out += Array(line.utf8) }
    return out
}

/// Numbers as a JSON list, or separated by whitespace or commas.
func parseNumbers(_ text: String) throws -> [Double] {
    let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
    if trimmed.hasPrefix("[") {
        guard let items = try JSON.parse(text).arrayValue else { throw LRSchedError(.valueError, "metrics must be a list") }
        return try items.map { (v) throws(LRSchedError) -> Double in
            guard let d = v.doubleValue else { throw LRSchedError(.valueError, "metrics must be numbers, got \(v.typeName)") }
            return d
        }
    }
    return try text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," || $0 == "\r" }).map {
        (w) throws(LRSchedError) -> Double in
        // Python's float() words: decimal numbers, inf and nan; not Swift's hex floats.
        guard !w.contains(where: { $0 == "x" || $0 == "X" }), let d = Double(w) else {
            throw LRSchedError(.valueError, "not a number in metrics: '\(w)'")
        }
        return d
    }
}

/// `bytes` as text, or ValueError naming `source` when they are not UTF-8.
func utf8Text(_ bytes: [UInt8], _ source: String) throws(LRSchedError) -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else {
        throw LRSchedError(.valueError, "\(source) is not UTF-8 text")
    }
    return text
}

/// A library error as the CLI reports it: `Error: Kind: message`, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
}

/// Reports an LRSchedError as `Error: Kind: message` and exit status 1.
func reporting<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as LRSchedError {
        throw CLIError(description: "\(e.kind.rawValue): \(e.message)")
    }
}
