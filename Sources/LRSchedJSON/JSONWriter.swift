import LRSchedSupport

extension JSON {
    /// Serializes `value` the way Python's `json.dumps` does.
    ///
    /// - Compact (`pretty == false`): like `json.dumps(v, separators=(",", ":"))`.
    /// - Pretty: like `json.dumps(v, indent=2)`: each member on its own line indented by
    ///   two spaces per level, `,` at line ends, `"key": value`; empty containers are
    ///   `[]` / `{}`.
    /// - Strings are escaped like `ensure_ascii=False`: `"` and `\` get backslashes,
    ///   control characters become `\n \r \t \b \f` or `\u00XX` (lowercase hex); all other
    ///   characters (including non-ASCII and DEL) are written as they are.
    /// - `.int` is written in decimal; finite `.float` with `pyRepr` (so `2.0` stays `2.0`
    ///   and reads back as a float); non-finite floats are written as the JSON *strings*
    ///   `"Infinity"`, `"-Infinity"` and `"NaN"` so that the output is strict JSON.
    /// - Object members are written in insertion order.
    public static func serialize(_ value: JSONValue, pretty: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        writeValue(value, into: &out, indentLevel: pretty ? 0 : nil)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value`; `indentLevel` is `nil` for compact output, else the current depth.
    private static func writeValue(_ value: JSONValue, into out: inout [UInt8], indentLevel: Int?) {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i):
            out.append(contentsOf: String(i).utf8)
        case .float(let d):
            if d.isNaN {
                out.append(contentsOf: "\"NaN\"".utf8)
            } else if d.isInfinite {
                out.append(contentsOf: (d < 0 ? "\"-Infinity\"" : "\"Infinity\"").utf8)
            } else {
                out.append(contentsOf: pyRepr(d).utf8)
            }
        case .string(let s):
            writeString(s, into: &out)
        case .array(let items):
            guard !items.isEmpty else {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            let inner = indentLevel.map { $0 + 1 }
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                writeNewline(into: &out, indentLevel: inner)
                writeValue(item, into: &out, indentLevel: inner)
            }
            writeNewline(into: &out, indentLevel: indentLevel)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            guard object.count > 0 else {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            let inner = indentLevel.map { $0 + 1 }
            for (n, pair) in object.pairs.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                writeNewline(into: &out, indentLevel: inner)
                writeString(pair.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if indentLevel != nil { out.append(UInt8(ascii: " ")) }
                writeValue(pair.value, into: &out, indentLevel: inner)
            }
            writeNewline(into: &out, indentLevel: indentLevel)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// In pretty mode, appends a newline and two spaces per level; no-op when compact.
    private static func writeNewline(into out: inout [UInt8], indentLevel: Int?) {
        guard let level = indentLevel else { return }
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<(2 * level) { out.append(UInt8(ascii: " ")) }
    }

    /// Appends `s` as a quoted JSON string, escaped like Python with `ensure_ascii=False`.
    private static func writeString(_ s: String, into out: inout [UInt8]) {
        let hexDigits: StaticString = "0123456789abcdef"
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0x00..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits.utf8Start[Int(b >> 4)])
                out.append(hexDigits.utf8Start[Int(b & 0x0F)])
            default:
                out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
