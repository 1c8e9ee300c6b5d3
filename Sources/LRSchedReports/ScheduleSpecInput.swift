import LRSchedConformance
import LRSched

/// What `lrsched-cli show` and `plot` take as a SPEC, resolved to a conformance case
/// without results: `{"optimizer": {...}, "schedulers": [...], "steps": N, "metrics"?}`.
///
/// Accepted forms:
/// - a case object (inline JSON, or `@file.json`);
/// - a bare scheduler spec `{"type": "StepLR", ...}` (or a list of them, stepped in
///   order), completed with the `lr`, `momentum` and `steps` defaults (a one-group
///   optimizer);
/// - the short form `StepLR step_size=4 gamma=0.9` (one string, or words): a type name
///   and `key=value` pairs whose values are JSON literals (`4` is an int, `4.0` a float,
///   `[2,5]` or, quoted, `'[2, 5]'` a list, `true`); a value that is not JSON is a string
///   (`mode=triangular2`).
public struct ScheduleSpecInput: Sendable {
    /// The case object.
    public var caseObject: JSONObject
    /// A short label for legends: the scheduler types, e.g. `SequentialLR(LinearLR, CosineAnnealingLR)`.
    public var label: String

    public struct Defaults: Sendable {
        public var lr: Double? = nil
        public var momentum: Double? = nil
        public var steps: Int? = nil
        public var metrics: [Double]? = nil
        public init() {}
    }

    /// Resolves `words` (one SPEC, possibly split into words by the shell).
    /// - Throws: ValueError naming what could not be read.
    public init(words: [String], defaults: Defaults, readFile: (String) throws(LRSchedError) -> [UInt8] = readFileBytes) throws(LRSchedError) {
        guard let first = words.first else { throw LRSchedError(.valueError, "no SPEC given") }
        let text: String
        var shortWords: [String]? = nil
        if first.hasPrefix("@") {
            guard words.count == 1 else { throw LRSchedError(.valueError, "a @file SPEC takes no further words") }
            let path = String(first.dropFirst())
            let bytes = try readFile(path)
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw LRSchedError(.valueError, "\(path) is not UTF-8 text")
            }
            guard decoded.contains(where: { !$0.isWhitespace }) else {
                throw LRSchedError(.valueError, "\(path) is empty: expected a SPEC (JSON or `Type key=value ...`)")
            }
            text = decoded
        } else {
            text = words.joined(separator: " ")
            if words.count > 1 { shortWords = words }
        }
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        let value: JSONValue
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            value = try JSON.parse(text)
        } else {
            value = try Self.shortForm(shortWords ?? Self.tokenize(text))
        }
        var c: JSONObject
        switch value {
        case .object(let o) where o["type"] == nil:
            c = o
        case .object(let o):
            c = JSONObject([("schedulers", .array([.object(o)]))])
        case .array(let items):
            c = JSONObject([("schedulers", .array(items))])
        default:
            throw LRSchedError(.valueError, "a SPEC must be a JSON object, a list of scheduler specs, or `Type key=value ...`")
        }
        let caseKeys: Set<String> = ["name", "optimizer", "schedulers", "steps", "metrics", "lrs", "momentum",
                                     "error", "error_step"]
        for k in c.keys where !caseKeys.contains(k) {
            throw LRSchedError(.valueError, "unknown key '\(k)' in the case (known: \(caseKeys.sorted().joined(separator: ", ")))")
        }
        if c["optimizer"] == nil {
            var opt = JSONObject()
            opt["lr"] = .float(defaults.lr ?? 0.1)
            if let m = defaults.momentum { opt["momentum"] = .float(m) }
            c["optimizer"] = .object(opt)
        } else if defaults.lr != nil || defaults.momentum != nil, var opt = c["optimizer"]?.objectValue {
            if let lr = defaults.lr { opt["lr"] = .float(lr) }
            if let m = defaults.momentum { opt["momentum"] = .float(m) }
            c["optimizer"] = .object(opt)
        }
        if let steps = defaults.steps { c["steps"] = .int(steps) }
        if c["steps"] == nil { c["steps"] = .int(100) }
        guard let steps = c["steps"]?.intValue, steps >= 0, steps <= 10_000_000 else {
            throw LRSchedError(.valueError, "'steps' must be an int between 0 and 10000000")
        }
        if let metrics = defaults.metrics { c["metrics"] = .floats(metrics) }
        let specs = c["schedulers"]?.arrayValue ?? []
        if specs.isEmpty { throw LRSchedError(.valueError, "the SPEC has no schedulers") }
        self.caseObject = c
        self.label = specs.map(Self.label).joined(separator: " + ")
    }

    /// Splits `plot`'s arguments into SPECs, each given to `init(words:)`: a `key=value`
    /// word belongs to the short form before it, a bare word (`StepLR`) starts a new short
    /// form, and a JSON, `@file` or quoted multi-word argument is a SPEC of its own. So
    /// `StepLR step_size=30 CosineAnnealingLR T_max=100` is two SPECs, as is
    /// `'StepLR step_size=30' 'CosineAnnealingLR T_max=100'`.
    /// - Throws: ValueError for a `key=value` with no short form before it.
    public static func splitSpecs(_ args: [String]) throws(LRSchedError) -> [[String]] {
        var specs: [[String]] = []
        var openShortForm = false
        for a in args {
            if isKeyValue(a) {
                guard openShortForm else {
                    throw LRSchedError(.valueError, "'\(a)' follows no scheduler type: write `TYPE key=value ...`")
                }
                specs[specs.count - 1].append(a)
            } else {
                specs.append([a])
                openShortForm = !(a.hasPrefix("{") || a.hasPrefix("[") || a.hasPrefix("@") || a.contains(where: \.isWhitespace))
            }
        }
        return specs
    }

    /// `name=...` with a Python identifier before the `=`.
    static func isKeyValue(_ word: String) -> Bool {
        guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { return false }
        let key = word[..<eq]
        return key.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) } && !(key.first?.isNumber ?? true)
    }

    static func label(_ spec: JSONValue) -> String {
        let type = spec["type"]?.stringValue ?? "?"
        if let children = spec["schedulers"]?.arrayValue {
            return "\(type)(\(children.map(label).joined(separator: ", ")))"
        }
        return type
    }

    /// Splits a one-string short form at spaces outside brackets and quotes, so
    /// `CyclicLR base_lr=[0.01, 0.02] max_lr=0.1` keeps its list together.
    static func tokenize(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var depth = 0
        var quoted = false
        for ch in text {
            if ch == "\"" { quoted.toggle() }
            if !quoted {
                if ch == "[" || ch == "{" { depth += 1 }
                if ch == "]" || ch == "}" { depth -= 1 }
                if depth <= 0 && (ch == " " || ch == "\n" || ch == "\t") {
                    if !current.isEmpty { words.append(current); current = "" }
                    continue
                }
            }
            current.append(ch)
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `Type key=value ...` → a scheduler spec object. The type is checked when the
    /// spec is built (an unknown one is a TypeError naming the known ones).
    static func shortForm(_ words: [String]) throws(LRSchedError) -> JSONValue {
        guard let type = words.first, !type.contains("=") else {
            throw LRSchedError(.valueError, "expected a scheduler type name first, e.g. `StepLR step_size=4`")
        }
        var o = JSONObject([("type", .string(type))])
        for w in words.dropFirst() {
            guard let eq = w.firstIndex(of: "="), eq != w.startIndex else {
                throw LRSchedError(.valueError, "expected key=value, got '\(w)'")
            }
            let key = String(w[..<eq])
            let raw = String(w[w.index(after: eq)...])
            let value: JSONValue
            if let v = try? JSON.parse(raw) { value = v } else { value = .string(raw) }
            o[key] = value
        }
        return .object(o)
    }

    /// Runs the case: lrs (steps + 1 rows, row 0 right after construction) and, when a
    /// scheduler cycles momentum, momenta.
    public func run() throws(LRSchedError) -> ScheduleTable {
        let run = try ScheduleRun(case: .object(caseObject))
        let steps = caseObject["steps"]?.intValue ?? 0
        var lrs = [run.lrs]
        var moms = [run.momenta]
        for k in stride(from: 1, through: steps, by: 1) {
            try run.step(k)
            lrs.append(run.lrs)
            moms.append(run.momenta)
        }
        let cycles = Self.cyclesMomentum(caseObject["schedulers"])
        return ScheduleTable(label: label, lrs: lrs, momenta: cycles ? moms : nil)
    }

    /// Whether any spec (children included) is a CyclicLR/OneCycleLR with
    /// `cycle_momentum` on (torch's default).
    static func cyclesMomentum(_ v: JSONValue?) -> Bool {
        for s in v?.arrayValue ?? [] {
            let t = s["type"]?.stringValue
            if t == "CyclicLR" || t == "OneCycleLR", s["cycle_momentum"]?.boolValue ?? true { return true }
            if cyclesMomentum(s["schedulers"]) { return true }
        }
        return false
    }
}

/// A computed schedule: `lrs[k][g]` after k steps.
public struct ScheduleTable: Sendable {
    public var label: String
    public var lrs: [[Double]]
    public var momenta: [[Double]]?
    public var groups: Int { lrs.first?.count ?? 0 }
}
