import LRSched

/// Text renderings of a `ScheduleTable`: an aligned table, CSV, and a complete vector
/// file that `lrsched-cli verify` accepts.
public enum TableFormat {
    /// Shortest round-trip decimals (Python's repr), or `digits` fixed decimals.
    public static func number(_ x: Double, digits: Int?) -> String {
        if let digits { return formatFixed(x, digits: digits) }
        return pyRepr(x)
    }

    static func headers(_ t: ScheduleTable) -> [String] {
        var h = ["step"]
        let g = t.groups
        h += g == 1 ? ["lr"] : (0..<g).map { "lr[\($0)]" }
        if t.momenta != nil { h += g == 1 ? ["momentum"] : (0..<g).map { "momentum[\($0)]" } }
        return h
    }

    static func rows(_ t: ScheduleTable, digits: Int?) -> [[String]] {
        t.lrs.indices.map { k in
            var r = [String(k)]
            r += t.lrs[k].map { number($0, digits: digits) }
            if let m = t.momenta { r += m[k].map { number($0, digits: digits) } }
            return r
        }
    }

    /// Columns separated by two spaces; the step column right-aligned, numbers left-aligned.
    public static func aligned(_ t: ScheduleTable, digits: Int?) -> String {
        let h = headers(t)
        let rs = rows(t, digits: digits)
        var widths = h.map(\.count)
        for r in rs { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, c) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                if i == 0 { out += pad + c } else { out += "  " + c + (i == cells.count - 1 ? "" : pad) }
            }
            return out
        }
        var out = line(h) + "\n"
        for r in rs { out += line(r) + "\n" }
        return out
    }

    public static func csv(_ t: ScheduleTable, digits: Int?) -> String {
        var out = headers(t).joined(separator: ",") + "\n"
        for r in rows(t, digits: digits) { out += r.joined(separator: ",") + "\n" }
        return out
    }

    /// `{"meta": {...}, "cases": [{"name", "optimizer", "schedulers", "steps", "metrics"?, "lrs", "momentum"?}]}`.
    public static func vectorFile(_ inputs: [(ScheduleSpecInput, ScheduleTable)], names: [String]) -> JSONValue {
        var cases: [JSONValue] = []
        for (i, (input, table)) in inputs.enumerated() {
            var c = JSONObject()
            c["name"] = .string(i < names.count ? names[i] : input.label)
            c["optimizer"] = input.caseObject["optimizer"]
            c["schedulers"] = input.caseObject["schedulers"]
            c["steps"] = input.caseObject["steps"]
            if let m = input.caseObject["metrics"] { c["metrics"] = m }
            c["lrs"] = .array(table.lrs.map { .floats($0) })
            if let m = table.momenta { c["momentum"] = .array(m.map { .floats($0) }) }
            cases.append(.object(c))
        }
        let meta = JSONObject([
            ("generator", .string("lrsched-cli show")),
            ("lrsched_version", .string(LRSchedVersion.string)),
        ])
        return .object(JSONObject([("meta", .object(meta)), ("cases", .array(cases))]))
    }
}

extension JSONValue {
    static func floats(_ xs: [Double]) -> JSONValue { .array(xs.map { .float($0) }) }
}
