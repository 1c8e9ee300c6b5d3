// fuzz_json: JSON.parse(bytes:) on arbitrary bytes.
//
// Must never trap. Every failure must be LRSchedError(.valueError, "JSON: ...").
// For an input that parses:
// - JSON.parse(String) of the same text gives the same value (the input is then valid
//   UTF-8, so decoding it to a String is lossless);
// - serialize (compact and pretty) and parse again gives the same value, up to the
//   documented rewrite of non-finite floats as the strings "NaN", "Infinity",
//   "-Infinity" (values compare exactly: floats by bit pattern);
// - serializing the re-parsed value gives the same text (idempotence).

import LRSchedSupport
import LRSchedJSON
import LRSchedCore

/// `v` with every non-finite float replaced by the string `JSON.serialize` writes.
func normalizedForRoundTrip(_ v: JSONValue) -> JSONValue {
    switch v {
    case .float(let d) where d.isNaN: return .string("NaN")
    case .float(let d) where d.isInfinite: return .string(d < 0 ? "-Infinity" : "Infinity")
    case .array(let items): return .array(items.map(normalizedForRoundTrip))
    case .object(let o):
        var out = JSONObject()
        for (k, x) in o.pairs { out[k] = normalizedForRoundTrip(x) }
        return .object(out)
    default: return v
    }
}

/// Parses serializer output; failing to parse it is itself a finding.
func reparse(_ text: String, _ what: String) -> JSONValue {
    do throws(LRSchedError) {
        return try JSON.parse(text)
    } catch {
        fuzzFail("JSON.serialize(\(what)) output does not parse: \(error)\ntext: \(text)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let value: JSONValue
    do throws(LRSchedError) {
        value = try JSON.parse(bytes: bytes)
    } catch {
        oracle(error.kind == .valueError && error.message.hasPrefix("JSON: "),
               "JSON.parse failed with an unexpected error: \(error)")
        return 0
    }

    // The String entry point agrees.
    let text = String(decoding: bytes, as: UTF8.self)
    do throws(LRSchedError) {
        let again = try JSON.parse(text)
        oracle(again == value, "JSON.parse(String) differs from JSON.parse(bytes:)")
    } catch {
        fuzzFail("JSON.parse(String) failed where JSON.parse(bytes:) succeeded: \(error)")
    }

    // Round trips.
    let expected = normalizedForRoundTrip(value)
    let compact = JSON.serialize(value)
    let fromCompact = reparse(compact, "compact")
    oracle(fromCompact == expected, "compact round trip differs\ninput: \(text)\ncompact: \(compact)")
    let pretty = JSON.serialize(value, pretty: true)
    let fromPretty = reparse(pretty, "pretty")
    oracle(fromPretty == expected, "pretty round trip differs\ninput: \(text)\npretty: \(pretty)")
    oracle(JSON.serialize(fromCompact) == compact, "serialize is not idempotent\nfirst: \(compact)")
    oracle(JSON.serialize(fromPretty, pretty: true) == pretty, "pretty serialize is not idempotent\nfirst: \(pretty)")

    // Accessors must not trap.
    _ = value.typeName
    _ = value.doubleValue
    _ = value["type"]
    if let o = value.objectValue { _ = o.keys; _ = o.pairs }
    return 0
}
