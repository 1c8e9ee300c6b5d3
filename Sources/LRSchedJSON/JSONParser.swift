import LRSchedSupport

/// Namespace for JSON parsing (`parse`) and serialization (`serialize`, in JSONWriter.swift).
///
/// Accepted syntax: strict RFC 8259 JSON in UTF-8, plus Python `json` module extensions:
/// the bare words `Infinity`, `-Infinity` and `NaN` (parsed as `.float`).
///
/// - Numbers: a literal with no `.`, `e` or `E` is `.int` (and must fit in `Int`, else
///   "integer literal out of range"); any other literal is `.float`, converted with
///   correct rounding (overflow gives ±inf, as Python's `float()` does). `-0` is
///   `.int(0)`, `-0.0` is `.float(-0.0)`.
/// - Strings: all RFC escapes including `\uXXXX` with surrogate pairs; lone surrogates,
///   raw control characters (< 0x20) and ill-formed UTF-8 are rejected.
/// - Whitespace: only space, tab, CR and LF. Nothing but whitespace may follow the value.
/// - Objects: duplicate keys keep the last value at the first key's position.
/// - Nesting: at most `512` nested arrays/objects.
///
/// Every failure throws `LRSchedError(.valueError, "JSON: <what> at line L column C")`
/// (1-based; columns count Unicode scalars). No input can trap or overflow the stack.
public enum JSON {
    /// Parses `text` as one JSON document. See `JSON` for the accepted syntax.
    public static func parse(_ text: String) throws(LRSchedError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(LRSchedError) -> JSONValue in
                try parse(bytes: UnsafeRawBufferPointer(buffer))
            }
        }
        return try result.get()
    }

    /// Parses UTF-8 `bytes` as one JSON document. See `JSON` for the accepted syntax.
    /// The buffer is only read during the call; any byte content is safe.
    public static func parse(bytes: UnsafeRawBufferPointer) throws(LRSchedError) -> JSONValue {
        var scanner = JSONScanner(bytes: bytes)
        return try scanner.parseDocument()
    }
}
