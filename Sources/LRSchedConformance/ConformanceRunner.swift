import LRSched

/// Runs conformance vector files through the Swift core, under the runner contract of
/// the conformance README: one `FAIL <name>: <detail>` per failed case, and a summary
/// `N passed, M failed`.
public enum ConformanceRunner {
    /// Runs every case of one file (of any kind).
    public static func run(file path: String) -> [CaseOutcome] {
        let doc: JSONValue
        do {
            doc = try readJSONFile(path)
        } catch {
            return [CaseOutcome(name: path, failure: error.description)]
        }
        return run(document: doc, source: path)
    }

    /// Runs every case of a parsed vector document.
    public static func run(document doc: JSONValue, source: String = "<input>") -> [CaseOutcome] {
        guard let kind = VectorKind.detect(doc), let cases = doc["cases"]?.arrayValue else {
            return [CaseOutcome(name: source, failure: "not a vector file (no 'cases' list)")]
        }
        var out: [CaseOutcome] = []
        out.reserveCapacity(cases.count)
        for (i, c) in cases.enumerated() {
            let name = c["name"]?.stringValue ?? "\(source)#\(i)"
            let failure: String?
            switch kind {
            case .schedules, .errors:  // added-groups.json mixes both kinds of case
                failure = c["error"] != nil ? runErrorCase(c) : runScheduleCase(c)
            case .training: failure = TrainingCaseRunner.run(c, meta: doc["meta"])
            }
            out.append(CaseOutcome(name: name, failure: failure))
        }
        return out
    }

    /// nil when the case reproduces its `lrs` (and `momentum`) bit for bit.
    public static func runScheduleCase(_ c: JSONValue) -> String? {
        do {
            let run = try ScheduleRun(case: c)
            guard let steps = c["steps"]?.intValue, steps >= 0 else { return "case has no int 'steps'" }
            guard let lrs = c["lrs"]?.arrayValue else { return "case has no 'lrs'" }
            let moms = c["momentum"]?.arrayValue
            guard lrs.count == steps + 1 else { return "'lrs' has \(lrs.count) rows for \(steps) steps" }
            for k in 0...steps {
                if k > 0 { try run.step(k) }
                if let d = compare(run.lrs, lrs[k], what: "lr", step: k) { return d }
                if let moms, k < moms.count, let d = compare(run.momenta, moms[k], what: "momentum", step: k) {
                    return d
                }
            }
            return nil
        } catch {
            return "unexpected \(error)"
        }
    }

    /// nil when the case fails where and how the vector says, leaving the lrs and
    /// momenta unchanged by the failing step.
    public static func runErrorCase(_ c: JSONValue) -> String? {
        guard let expected = c["error"]?.stringValue else { return "case has no 'error'" }
        let errorStep = c["error_step"]?.intValue
        let run: ScheduleRun
        do {
            run = try ScheduleRun(case: c)
        } catch {
            if errorStep == nil {
                return matches(error, expected) ? nil : "construction raised \(error), expected \(expected)"
            }
            return "construction raised \(error), expected it to succeed"
        }
        guard let k = errorStep else { return "construction succeeded, expected \(expected)" }
        do {
            for i in stride(from: 1, to: k, by: 1) { try run.step(i) }
        } catch {
            return "step raised \(error) before error_step \(k)"
        }
        do {
            try run.addGroupIfDue(k)
        } catch {
            return "adding the case's group raised \(error)"
        }
        let lrsBefore = run.lrs
        let momBefore = run.momenta
        do {
            try run.step(k)
            return "step \(k) succeeded, expected \(expected)"
        } catch {
            if error.kind.rawValue != expected { return "step \(k) raised \(error), expected \(expected)" }
            if error.message.isEmpty { return "step \(k) raised \(error.kind.rawValue) without a message" }
        }
        if !bitsEqual(run.lrs, lrsBefore) { return "step \(k) failed but changed the lrs" }
        if !bitsEqual(run.momenta, momBefore) { return "step \(k) failed but changed the momenta" }
        return nil
    }

    /// Whether a construction error is the expected class: timm's argument `assert`s
    /// (AssertionError) are lrsched ValueErrors (the conformance README).
    static func matches(_ error: LRSchedError, _ expected: String) -> Bool {
        error.kind.rawValue == expected || (expected == "AssertionError" && error.kind == .valueError)
    }

    static func bitsEqual(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    static func compare(_ got: [Double], _ row: JSONValue, what: String, step: Int) -> String? {
        guard let items = row.arrayValue else { return "step \(step): \(what) row is not a list" }
        guard items.count == got.count else {
            return "step \(step): \(got.count) groups, expected \(items.count)"
        }
        for (g, item) in items.enumerated() {
            guard let want = item.numberOrNonFinite else { return "step \(step): \(what) value is not a number" }
            if got[g].bitPattern != want.bitPattern {
                return "step \(step) group \(g): \(what) \(pyRepr(got[g])), expected \(pyRepr(want))"
            }
        }
        return nil
    }

    /// Prints the FAIL lines and returns the summary line.
    public static func report(_ outcomes: [CaseOutcome], print emit: (String) -> Void) -> (passed: Int, failed: Int) {
        var passed = 0
        var failed = 0
        for o in outcomes {
            if let f = o.failure {
                failed += 1
                emit("FAIL \(o.name): \(f)")
            } else {
                passed += 1
            }
        }
        return (passed, failed)
    }
}
