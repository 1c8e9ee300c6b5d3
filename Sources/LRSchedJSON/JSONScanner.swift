import LRSchedSupport

/// The byte-level JSON parser behind `JSON.parse`.
///
/// Design constraints (the parser is meant to be fuzzed):
/// - Works directly on UTF-8 bytes; every read goes through `peek`/`byte(at:)`, which
///   bounds-check, so no input can cause an out-of-bounds access.
/// - Iterative, with explicit container stacks: nesting depth is limited to
///   `maxDepth` containers and can never overflow the call stack.
/// - Integer accumulation uses overflow-reporting arithmetic; nothing traps.
/// - Every failure is `LRSchedError(.valueError, "JSON: <what> at line L column C")`,
///   with 1-based line (counting `\n`) and column (counting Unicode scalars, like Python).
internal struct JSONScanner {
    /// Maximum number of nested arrays/objects; one more is an error.
    package static let maxDepth = 512

    private enum ContainerKind {
        case array
        case object
    }

    private let bytes: UnsafeRawBufferPointer
    private var pos: Int = 0

    package init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: - Document

    /// Parses exactly one JSON value surrounded by optional whitespace.
    package mutating func parseDocument() throws(LRSchedError) -> JSONValue {
        var kinds: [ContainerKind] = []
        var arrays: [[JSONValue]] = []
        var objects: [JSONObject] = []
        var pendingKeys: [String] = []

        parseValue: while true {
            skipWhitespace()
            guard let b = peek() else { throw unexpectedEnd() }
            var value: JSONValue
            switch b {
            case UInt8(ascii: "["):
                guard kinds.count < Self.maxDepth else {
                    throw error("nesting depth exceeds \(Self.maxDepth)", at: pos)
                }
                pos += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "]") {
                    pos += 1
                    value = .array([])
                } else {
                    kinds.append(.array)
                    arrays.append([])
                    continue parseValue
                }
            case UInt8(ascii: "{"):
                guard kinds.count < Self.maxDepth else {
                    throw error("nesting depth exceeds \(Self.maxDepth)", at: pos)
                }
                pos += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    pos += 1
                    value = .object(JSONObject())
                } else {
                    pendingKeys.append(try parseKey())
                    kinds.append(.object)
                    objects.append(JSONObject())
                    continue parseValue
                }
            default:
                value = try parseScalar(b)
            }

            // `value` is complete: attach it to the enclosing containers, closing as many
            // as the input closes here.
            while true {
                guard let kind = kinds.last else {
                    skipWhitespace()
                    if pos < bytes.count {
                        throw error("extra data after JSON value", at: pos)
                    }
                    return value
                }
                skipWhitespace()
                switch kind {
                case .array:
                    arrays[arrays.count - 1].append(value)
                    switch peek() {
                    case UInt8(ascii: ","):
                        pos += 1
                        continue parseValue
                    case UInt8(ascii: "]"):
                        pos += 1
                        kinds.removeLast()
                        value = .array(arrays.removeLast())
                    case nil:
                        throw unexpectedEnd()
                    default:
                        throw error("expected ',' or ']'", at: pos)
                    }
                case .object:
                    objects[objects.count - 1][pendingKeys.removeLast()] = value
                    switch peek() {
                    case UInt8(ascii: ","):
                        pos += 1
                        skipWhitespace()
                        pendingKeys.append(try parseKey())
                        continue parseValue
                    case UInt8(ascii: "}"):
                        pos += 1
                        kinds.removeLast()
                        value = .object(objects.removeLast())
                    case nil:
                        throw unexpectedEnd()
                    default:
                        throw error("expected ',' or '}'", at: pos)
                    }
                }
            }
        }
    }

    /// Parses `"key"` followed by optional whitespace and `:`; `pos` must be at the key.
    private mutating func parseKey() throws(LRSchedError) -> String {
        guard let b = peek() else { throw unexpectedEnd() }
        guard b == UInt8(ascii: "\"") else {
            throw error("expected string key", at: pos)
        }
        let key = try parseString()
        skipWhitespace()
        guard let colon = peek() else { throw unexpectedEnd() }
        guard colon == UInt8(ascii: ":") else {
            throw error("expected ':'", at: pos)
        }
        pos += 1
        return key
    }

    /// Parses a non-container value starting with byte `b` (at `pos`).
    private mutating func parseScalar(_ b: UInt8) throws(LRSchedError) -> JSONValue {
        switch b {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "N"):
            try expectLiteral("NaN")
            return .float(.nan)
        case UInt8(ascii: "I"):
            try expectLiteral("Infinity")
            return .float(.infinity)
        default:
            throw unexpectedByte(at: pos)
        }
    }

    /// Consumes `literal` (ASCII) at `pos` or throws at `pos`.
    private mutating func expectLiteral(_ literal: StaticString) throws(LRSchedError) {
        let start = pos
        let count = literal.utf8CodeUnitCount
        let base = literal.utf8Start
        for i in 0..<count {
            guard let b = byte(at: start + i) else { throw unexpectedEnd() }
            guard b == base[i] else {
                throw error("invalid literal (expected '\(literal)')", at: start)
            }
        }
        pos = start + count
    }

    // MARK: - Numbers

    /// Parses an RFC 8259 number (or `-Infinity`) at `pos`.
    private mutating func parseNumber() throws(LRSchedError) -> JSONValue {
        let start = pos
        let negative = peek() == UInt8(ascii: "-")
        if negative {
            pos += 1
            if peek() == UInt8(ascii: "I") {
                try expectLiteral("Infinity")
                return .float(-.infinity)
            }
        }
        guard let first = peek() else { throw unexpectedEnd() }
        if first == UInt8(ascii: "0") {
            pos += 1
        } else if Self.isDigit(first) {
            skipDigits()
        } else {
            throw error("invalid number", at: pos)
        }
        let integerEnd = pos
        var isFloat = false
        if peek() == UInt8(ascii: ".") {
            isFloat = true
            pos += 1
            try requireDigit(after: "'.'")
            skipDigits()
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            isFloat = true
            pos += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                pos += 1
            }
            try requireDigit(after: "exponent")
            skipDigits()
        }

        if isFloat {
            // The literal matches the JSON grammar, which Double(_:) accepts; it rounds
            // correctly, gives ±inf on overflow and ±0 on underflow (like Python's float()).
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]),
                              as: UTF8.self)
            guard let d = Double(text) else { throw error("invalid number", at: start) }
            return .float(d)
        }

        // Accumulate negatively for negative literals so Int.min is representable.
        var value = 0
        var i = negative ? start + 1 : start
        while i < integerEnd, let b = byte(at: i) {
            let digit = Int(b &- UInt8(ascii: "0"))
            let (scaled, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative
                ? scaled.subtractingReportingOverflow(digit)
                : scaled.addingReportingOverflow(digit)
            if o1 || o2 { throw error("integer literal out of range", at: start) }
            value = next
            i += 1
        }
        return .int(value)
    }

    private mutating func skipDigits() {
        while let b = peek(), Self.isDigit(b) { pos += 1 }
    }

    private func requireDigit(after what: String) throws(LRSchedError) {
        guard let b = peek() else { throw unexpectedEnd() }
        guard Self.isDigit(b) else { throw error("expected digit after \(what)", at: pos) }
    }

    private static func isDigit(_ b: UInt8) -> Bool {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

    // MARK: - Strings

    /// Parses a string literal; `pos` must be at the opening quote.
    private mutating func parseString() throws(LRSchedError) -> String {
        pos += 1  // opening quote
        var segmentStart = pos
        var sawEscape = false
        var buffer: [UInt8] = []  // decoded bytes; only used once an escape is seen

        while true {
            guard let b = peek() else { throw unexpectedEnd() }
            switch b {
            case UInt8(ascii: "\""):
                let segment = UnsafeRawBufferPointer(rebasing: bytes[segmentStart..<pos])
                pos += 1
                guard sawEscape else { return String(decoding: segment, as: UTF8.self) }
                buffer.append(contentsOf: segment)
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                sawEscape = true
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[segmentStart..<pos]))
                try parseEscape(into: &buffer)
                segmentStart = pos
            case 0x00..<0x20:
                throw error("invalid control character in string", at: pos)
            case 0x20..<0x80:
                pos += 1
            default:
                guard let length = utf8SequenceLength(at: pos) else {
                    throw error("invalid UTF-8", at: pos)
                }
                pos += length
            }
        }
    }

    /// Decodes the escape sequence at `pos` (at the backslash) and appends its UTF-8.
    private mutating func parseEscape(into out: inout [UInt8]) throws(LRSchedError) {
        let escapeStart = pos
        pos += 1
        guard let e = peek() else { throw unexpectedEnd() }
        pos += 1
        switch e {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var code = try readHex4(escapeStart: escapeStart)
            switch code {
            case 0xD800...0xDBFF:
                guard byte(at: pos) == UInt8(ascii: "\\"), byte(at: pos + 1) == UInt8(ascii: "u") else {
                    throw error("lone surrogate in \\u escape", at: escapeStart)
                }
                let lowStart = pos
                pos += 2
                let low = try readHex4(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("lone surrogate in \\u escape", at: escapeStart)
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw error("lone surrogate in \\u escape", at: escapeStart)
            default:
                break
            }
            guard let scalar = Unicode.Scalar(code) else {
                throw error("invalid \\u escape", at: escapeStart)
            }
            UTF8.encode(scalar) { out.append($0) }
        default:
            throw error("invalid escape", at: escapeStart)
        }
    }

    /// Reads four hex digits at `pos`; errors are reported at `escapeStart`.
    private mutating func readHex4(escapeStart: Int) throws(LRSchedError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let b = peek() else { throw unexpectedEnd() }
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b &- UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b &- UInt8(ascii: "a")) &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b &- UInt8(ascii: "A")) &+ 10
            default: throw error("invalid \\u escape", at: escapeStart)
            }
            code = (code << 4) | digit
            pos += 1
        }
        return code
    }

    /// Length (2...4) of the well-formed multi-byte UTF-8 sequence at `i`, or `nil` if it
    /// is ill-formed (overlong, surrogate, > U+10FFFF, truncated, stray continuation).
    private func utf8SequenceLength(at i: Int) -> Int? {
        guard let b0 = byte(at: i) else { return nil }
        func inRange(_ offset: Int, _ range: ClosedRange<UInt8>) -> Bool {
            guard let b = byte(at: i + offset) else { return false }
            return range.contains(b)
        }
        let cont: ClosedRange<UInt8> = 0x80...0xBF
        switch b0 {
        case 0xC2...0xDF:
            return inRange(1, cont) ? 2 : nil
        case 0xE0:
            return inRange(1, 0xA0...0xBF) && inRange(2, cont) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return inRange(1, cont) && inRange(2, cont) ? 3 : nil
        case 0xED:
            return inRange(1, 0x80...0x9F) && inRange(2, cont) ? 3 : nil
        case 0xF0:
            return inRange(1, 0x90...0xBF) && inRange(2, cont) && inRange(3, cont) ? 4 : nil
        case 0xF1...0xF3:
            return inRange(1, cont) && inRange(2, cont) && inRange(3, cont) ? 4 : nil
        case 0xF4:
            return inRange(1, 0x80...0x8F) && inRange(2, cont) && inRange(3, cont) ? 4 : nil
        default:
            return nil
        }
    }

    // MARK: - Low-level access

    /// The byte at `pos`, or `nil` at end of input.
    @inline(__always)
    private func peek() -> UInt8? {
        byte(at: pos)
    }

    /// The byte at `i`, or `nil` if `i` is outside the input.
    @inline(__always)
    private func byte(at i: Int) -> UInt8? {
        guard i >= 0, i < bytes.count else { return nil }
        return bytes[i]
    }

    private mutating func skipWhitespace() {
        while let b = peek(),
              b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
            pos += 1
        }
    }

    // MARK: - Errors

    private func unexpectedEnd() -> LRSchedError {
        error("unexpected end of input", at: bytes.count)
    }

    private func unexpectedByte(at i: Int) -> LRSchedError {
        guard let b = byte(at: i) else { return unexpectedEnd() }
        if b > 0x20 && b < 0x7F {
            return error("unexpected character '\(Character(Unicode.Scalar(b)))'", at: i)
        }
        let hex = String(b, radix: 16, uppercase: true)
        return error("unexpected byte 0x\(b < 0x10 ? "0" : "")\(hex)", at: i)
    }

    /// Builds the error for `what` at byte offset `offset` (clamped to the input).
    private func error(_ what: String, at offset: Int) -> LRSchedError {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var column = 1
        var i = 0
        while i < end {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return LRSchedError(.valueError, "JSON: \(what) at line \(line) column \(column)")
    }
}
