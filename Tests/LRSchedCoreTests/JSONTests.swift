import XCTest
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining

final class JSONTests: XCTestCase {
    // MARK: - Helpers

    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONValue? {
        switch parseString(text) {
        case .success(let v): return v
        case .failure(let e):
            XCTFail("unexpected error for \(text.debugDescription): \(e)", file: file, line: line)
            return nil
        }
    }

    private func assertValueError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        switch parseBytes(bytes) {
        case .success(let v):
            XCTFail("expected ValueError for \(bytes), got \(v)", file: file, line: line)
        case .failure(let e):
            XCTAssertEqual(e.kind, .valueError, file: file, line: line)
            XCTAssertTrue(e.message.hasPrefix("JSON: "), e.message, file: file, line: line)
            XCTAssertTrue(e.message.contains(" at line "), e.message, file: file, line: line)
            XCTAssertTrue(e.message.contains(" column "), e.message, file: file, line: line)
        }
    }

    private func errorMessage(_ text: String) -> String? {
        if case .failure(let e) = parseString(text) { return e.message }
        return nil
    }

    // MARK: - Scalars

    func testIntsVersusFloats() {
        XCTAssertEqual(parse("10"), .int(10))
        XCTAssertEqual(parse("10.0"), .float(10.0))
        XCTAssertEqual(parse("1e2"), .float(100))
        XCTAssertEqual(parse("1E+2"), .float(100))
        XCTAssertEqual(parse("25e-1"), .float(2.5))
        XCTAssertEqual(parse("-0"), .int(0))
        XCTAssertEqual(parse("-0.0"), .float(-0.0))
        XCTAssertNotEqual(parse("-0.0"), .float(0.0))
        XCTAssertNotEqual(parse("1"), .float(1.0))
        XCTAssertEqual(parse("0"), .int(0))
        XCTAssertEqual(parse("-12"), .int(-12))
        XCTAssertEqual(parse("9223372036854775807"), .int(Int.max))
        XCTAssertEqual(parse("-9223372036854775808"), .int(Int.min))
        XCTAssertEqual(parse("0.1"), .float(0.1))
        XCTAssertEqual(parse("0.30000000000000004"), .float(0.1 + 0.2))
        XCTAssertEqual(parse("5e-324"), .float(Double(bitPattern: 1)))
        XCTAssertEqual(parse("1.7976931348623157e308"), .float(.greatestFiniteMagnitude))
        XCTAssertEqual(parse("1e400"), .float(.infinity))
        XCTAssertEqual(parse("-1e400"), .float(-.infinity))
        XCTAssertEqual(parse("1e-400"), .float(0.0))
        XCTAssertEqual(parse("-1e-400"), .float(-0.0))
    }

    func testLiteralsAndPythonExtensions() {
        XCTAssertEqual(parse("true"), .bool(true))
        XCTAssertEqual(parse("false"), .bool(false))
        XCTAssertEqual(parse("null"), .null)
        XCTAssertEqual(parse("Infinity"), .float(.infinity))
        XCTAssertEqual(parse("-Infinity"), .float(-.infinity))
        let nan = parse("NaN")
        XCTAssertEqual(nan?.doubleValue?.isNaN, true)
        XCTAssertEqual(nan, .float(.nan))  // bitwise equality keeps == reflexive
        XCTAssertEqual(parse("[NaN, Infinity, -Infinity]"),
                       .array([.float(.nan), .float(.infinity), .float(-.infinity)]))
        XCTAssertEqual(parse(" \t\r\n 1 \t\r\n "), .int(1))
    }

    // MARK: - Strings

    func testStringEscapesAndUnicode() {
        XCTAssertEqual(parse(#""""#), .string(""))
        XCTAssertEqual(parse(#""abc""#), .string("abc"))
        XCTAssertEqual(parse(#""\"\\\/\b\f\n\r\t""#), .string("\"\\/\u{8}\u{C}\n\r\t"))
        XCTAssertEqual(parse(#""\u0041\u00e9\u00E9\u20AC""#), .string("Aéé€"))
        XCTAssertEqual(parse(#""\u0000""#), .string("\u{0}"))
        XCTAssertEqual(parse(#""\ud83d\ude00""#), .string("😀"))
        XCTAssertEqual(parse(#""\uD834\uDD1E x""#), .string("𝄞 x"))
        XCTAssertEqual(parse("\"é😀€\u{7F}\""), .string("é😀€\u{7F}"))
        XCTAssertEqual(parse(#""a\nb" "#), .string("a\nb"))
        // Exact-scalar semantics: precomposed and decomposed forms stay distinct.
        XCTAssertNotEqual(parse(#""\u00e9""#), .string("e\u{301}"))
    }

    // MARK: - Containers

    func testNestedStructures() {
        let v = parse(#"{"a": [1, 2.5, {"b": null}], "c": {"d": [true, false, []]}, "e": {}}"#)
        let expected = JSONValue.object(JSONObject([
            ("a", .array([.int(1), .float(2.5), .object(JSONObject([("b", .null)]))])),
            ("c", .object(JSONObject([("d", .array([.bool(true), .bool(false), .array([])]))]))),
            ("e", .object(JSONObject())),
        ]))
        XCTAssertEqual(v, expected)
        XCTAssertEqual(v?.objectValue?.keys, ["a", "c", "e"])
        XCTAssertEqual(v?["a"]?.arrayValue?.count, 3)
        XCTAssertEqual(v?["c"]?["d"]?.arrayValue?[2], .array([]))
        XCTAssertEqual(parse("[[[[]]]]"), .array([.array([.array([.array([])])])]))
        XCTAssertEqual(parse("[ ]"), .array([]))
        XCTAssertEqual(parse("{ }"), .object(JSONObject()))
    }

    func testDuplicateKeysLastWinsFirstPosition() {
        let v = parse(#"{"a": 1, "b": 2, "a": 3}"#)
        XCTAssertEqual(v?.objectValue?.keys, ["a", "b"])
        XCTAssertEqual(v?["a"], .int(3))
        XCTAssertEqual(v?["b"], .int(2))
    }

    func testKeysUseExactScalars() {
        let v = parse("{\"\\u00e9\": 1, \"e\u{301}\": 2}")
        XCTAssertEqual(v?.objectValue?.count, 2)
        XCTAssertEqual(v?["é"], .int(1))
        XCTAssertEqual(v?["e\u{301}"], .int(2))
    }

    func testNestingDepthLimit() {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNotNil(parse(ok))
        let okObj = String(repeating: "{\"k\":", count: 511) + "[]" + String(repeating: "}", count: 511)
        XCTAssertNotNil(parse(okObj))
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        XCTAssertEqual(errorMessage(tooDeep), "JSON: nesting depth exceeds 512 at line 1 column 513")
        // Very deep input must fail cleanly, not overflow the stack.
        assertValueError(Array(String(repeating: "[", count: 100_000).utf8))
        assertValueError(Array(String(repeating: "{\"a\":", count: 100_000).utf8))
    }

    // MARK: - Errors

    func testMalformedInputsThrowValueError() {
        let texts: [String] = [
            "", " ", "\n", "[", "[1", "[1,", "[1,]", "[,1]", "[1 2]", "]", "}",
            "{", "{\"a\"", "{\"a\":", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{1:2}",
            "{'a':1}", "{\"a\"}", "{,}", "01", "-01", "00", "1.", ".5", "+1", "--1", "-", "-a",
            "1e", "1e+", "1E-", "1.e5", "0x10", "1_000", "1.5.5", "Infinity1", "-Inf", "-NaN",
            "inf", "nan", "infinity", "Nan", "tru", "nul", "True", "None", "falsey", "[1]x",
            "[] []", "1 2", "\"abc", "\"\\", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"",
            "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"\\ud800\\\"",
            "\"\\udbff\\udbff\"", "\"a\tb\"", "\"\n\"", "\"\u{1F}\"", "'a'", "/* c */ 1", "// c\n1",
            "\u{FEFF}1", "\u{A0}1", "\u{0B}1", "\u{0C}1", "1\u{0}", "99999999999999999999",
            "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
        ]
        for text in texts {
            assertValueError(Array(text.utf8))
        }
        let rawBytes: [[UInt8]] = [
            [0x00],  // NUL
            [0x31, 0x00],  // 1 NUL
            [0x22, 0x00, 0x22],  // NUL inside string
            [0x22, 0xFF, 0x22],  // invalid byte
            [0x22, 0x80, 0x22],  // stray continuation
            [0x22, 0xC0, 0x80, 0x22],  // overlong NUL
            [0x22, 0xC1, 0xBF, 0x22],  // overlong
            [0x22, 0xE0, 0x80, 0x80, 0x22],  // overlong 3-byte
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8 encoded surrogate
            [0x22, 0xE2, 0x82, 0x22],  // truncated 3-byte
            [0x22, 0xF0, 0x80, 0x80, 0x80, 0x22],  // overlong 4-byte
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // > U+10FFFF
            [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],  // invalid lead
            [0x22, 0xE2, 0x82],  // truncated at end of input
            [0x22, 0xF0, 0x9F, 0x98],  // truncated 4-byte at end
            [0xC3, 0xA9],  // non-ASCII outside a string
            [0xEF, 0xBB, 0xBF, 0x31],  // UTF-8 BOM
            [0x5B, 0x31, 0x5D, 0xFF],  // trailing invalid byte
        ]
        for bytes in rawBytes {
            assertValueError(bytes)
        }
    }

    func testErrorMessagesAndLocations() {
        let cases: [(String, String)] = [
            ("", "JSON: unexpected end of input at line 1 column 1"),
            ("[1,\n  x]", "JSON: unexpected character 'x' at line 2 column 3"),
            ("99999999999999999999", "JSON: integer literal out of range at line 1 column 1"),
            ("[1, -99999999999999999999]", "JSON: integer literal out of range at line 1 column 5"),
            ("{\"é\" 1}", "JSON: expected ':' at line 1 column 6"),
            ("[1] x", "JSON: extra data after JSON value at line 1 column 5"),
            ("\"\\ud800\"", "JSON: lone surrogate in \\u escape at line 1 column 2"),
            ("\"a\u{1}\"", "JSON: invalid control character in string at line 1 column 3"),
            ("\u{1}", "JSON: unexpected byte 0x01 at line 1 column 1"),
            ("[1,]", "JSON: unexpected character ']' at line 1 column 4"),
            ("1.", "JSON: unexpected end of input at line 1 column 3"),
            ("1.x", "JSON: expected digit after '.' at line 1 column 3"),
        ]
        for (text, message) in cases {
            XCTAssertEqual(errorMessage(text), message, text)
        }
    }

    // MARK: - Serialization

    func testSerializeCompactAndPrettyMatchPython() {
        let v = JSONValue.object(JSONObject([
            ("a", .array([.int(1), .float(2.0),
                          .object(JSONObject([("b", .null), ("c", .array([]))])),
                          .object(JSONObject())])),
            ("d", .string("x\"\\/\n\u{1}\u{1F}\u{7F}é😀")),
            ("e", .bool(true)),
            ("f", .float(-0.0)),
            ("g", .float(1e-05)),
            ("h", .array([.array([])])),
        ]))
        // Expected strings produced by CPython 3.11 json.dumps(..., ensure_ascii=False).
        XCTAssertEqual(JSON.serialize(v),
                       "{\"a\":[1,2.0,{\"b\":null,\"c\":[]},{}],\"d\":\"x\\\"\\\\/\\n\\u0001\\u001f\u{7F}é😀\",\"e\":true,\"f\":-0.0,\"g\":1e-05,\"h\":[[]]}")
        XCTAssertEqual(JSON.serialize(v, pretty: true),
                       "{\n  \"a\": [\n    1,\n    2.0,\n    {\n      \"b\": null,\n      \"c\": []\n    },\n    {}\n  ],\n  \"d\": \"x\\\"\\\\/\\n\\u0001\\u001f\u{7F}é😀\",\n  \"e\": true,\n  \"f\": -0.0,\n  \"g\": 1e-05,\n  \"h\": [\n    []\n  ]\n}")
        XCTAssertEqual(JSON.serialize(.array([]), pretty: true), "[]")
        XCTAssertEqual(JSON.serialize(.object(JSONObject()), pretty: true), "{}")
        XCTAssertEqual(JSON.serialize(.array([.int(1)]), pretty: true), "[\n  1\n]")
        XCTAssertEqual(JSON.serialize(.int(-7)), "-7")
        XCTAssertEqual(JSON.serialize(.string("\u{8}\u{C}\r\t\u{0}")), "\"\\b\\f\\r\\t\\u0000\"")
    }

    func testSerializeNonFiniteAsStrings() {
        XCTAssertEqual(JSON.serialize(.float(.infinity)), "\"Infinity\"")
        XCTAssertEqual(JSON.serialize(.float(-.infinity)), "\"-Infinity\"")
        XCTAssertEqual(JSON.serialize(.float(.nan)), "\"NaN\"")
        XCTAssertEqual(JSON.serialize(.array([.float(.nan), .float(-.infinity)])),
                       "[\"NaN\",\"-Infinity\"]")
        XCTAssertEqual(parse(JSON.serialize(.float(.infinity))), .string("Infinity"))
    }

    func testRoundTrip() {
        let floats: [Double] = [0.0, -0.0, 0.1, 1.0 / 3.0, 2.0, 100.0, 1e16, 1e-5, 1e-4, -2.5e-7,
                                .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                2.2250738585072014e-308, 1234567890123456.0, 0.09000000000000001]
        var values: [JSONValue] = [
            .null, .bool(true), .bool(false), .int(0), .int(Int.max), .int(Int.min),
            .string(""), .string("tab\tquote\"back\\slash\u{0}\u{1F}é😀\u{7F}"),
            .string("e\u{301}"), .array([]), .object(JSONObject()),
        ]
        values += floats.map { .float($0) }
        values.append(.array(values))
        values.append(.object(JSONObject(values.enumerated().map { ("k\($0.offset)", $0.element) })))
        values.append(.object(JSONObject([("x", values[values.count - 1]), ("", .array(values))])))
        for v in values {
            for pretty in [false, true] {
                let text = JSON.serialize(v, pretty: pretty)
                XCTAssertEqual(parse(text), v, text)
            }
        }
    }

    /// Every double in the pyRepr ground-truth file survives serialize -> parse bit-exactly.
    func testFloatRoundTripThroughGroundTruth() throws {
        let path = testSourceDirectory() + "/Data/pyrepr.txt"
        let text = try XCTUnwrap(readTextFile(path))
        var checked = 0
        for line in text.split(separator: "\n") {
            guard let bits = line.split(separator: " ").first.flatMap({ UInt64($0, radix: 16) }) else {
                continue
            }
            let x = Double(bitPattern: bits)
            guard x.isFinite else { continue }
            let doc = JSON.serialize(.float(x))
            XCTAssertEqual(parse(doc), .float(x), doc)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 5000)
    }

    // MARK: - Model API

    func testJSONObjectAPI() {
        var o = JSONObject([("a", .int(1)), ("b", .int(2)), ("c", .int(3)), ("a", .int(4))])
        XCTAssertEqual(o.keys, ["a", "b", "c"])
        XCTAssertEqual(o.count, 3)
        XCTAssertEqual(o["a"], .int(4))
        o["b"] = nil
        XCTAssertEqual(o.keys, ["a", "c"])
        XCTAssertNil(o["b"])
        XCTAssertEqual(o["c"], .int(3))
        o["c"] = .string("x")
        o["d"] = .null
        o["zz"] = nil
        XCTAssertEqual(o.pairs.map(\.key), ["a", "c", "d"])
        XCTAssertEqual(o.pairs.map(\.value), [.int(4), .string("x"), .null])
        // Python dict equality ignores order.
        XCTAssertEqual(JSONObject([("a", .int(1)), ("b", .int(2))]),
                       JSONObject([("b", .int(2)), ("a", .int(1))]))
        XCTAssertNotEqual(JSONObject([("a", .int(1))]), JSONObject([("a", .float(1))]))
        XCTAssertNotEqual(JSONObject([("a", .int(1))]), JSONObject([("b", .int(1))]))
    }

    func testJSONValueAccessors() {
        XCTAssertTrue(JSONValue.null.isNull)
        XCTAssertFalse(JSONValue.int(0).isNull)
        XCTAssertEqual(JSONValue.bool(true).boolValue, true)
        XCTAssertNil(JSONValue.int(1).boolValue)
        XCTAssertEqual(JSONValue.int(3).intValue, 3)
        XCTAssertNil(JSONValue.float(3).intValue)
        XCTAssertEqual(JSONValue.int(3).doubleValue, 3.0)
        XCTAssertEqual(JSONValue.float(2.5).doubleValue, 2.5)
        XCTAssertNil(JSONValue.string("1").doubleValue)
        XCTAssertEqual(JSONValue.string("s").stringValue, "s")
        XCTAssertEqual(JSONValue.array([.null]).arrayValue, [.null])
        XCTAssertNotNil(JSONValue.object(JSONObject()).objectValue)
        XCTAssertNil(JSONValue.array([]).objectValue)
        XCTAssertNil(JSONValue.array([])["a"])
        XCTAssertEqual(JSONValue.object(JSONObject([("a", .int(1))]))["a"], .int(1))
        XCTAssertEqual(
            [JSONValue.null, .bool(true), .int(1), .float(1), .string(""), .array([]), .object(JSONObject())]
                .map(\.typeName),
            ["NoneType", "bool", "int", "float", "str", "list", "dict"])
        XCTAssertEqual(JSONValue.float(.nan), JSONValue.float(.nan))
        XCTAssertNotEqual(JSONValue.float(0.0), JSONValue.float(-0.0))
    }

    // MARK: - Robustness

    /// Randomly mutated documents must either parse or throw ValueError — never crash —
    /// and whatever parses must re-serialize to something that parses to the same value.
    func testRandomMutationsNeverCrash() {
        let seeds: [String] = [
            #"{"a": [1, 2.5e-3, -0, true, null, "x\u00e9\ud83d\ude00"], "b": {"c": NaN}}"#,
            #"[Infinity, -Infinity, 1e400, "\\\"\/\b\f\n\r\t", [[[]]], {}]"#,
            "{\"é😀\": [123456789012345678, -9.5, \"\u{7F}\"]}",
        ]
        var rng = SplitMix64(state: 0x5EED)
        let interesting: [UInt8] = Array("[]{}\",:\\u0123456789eE.+-tfnNI \n".utf8) + [0x00, 0x80, 0xBF, 0xC3, 0xED, 0xF0, 0xFF]
        var parsed = 0
        for iteration in 0..<20_000 {
            var bytes = Array(seeds[iteration % seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let op = Int.random(in: 0..<3, using: &rng)
                let i = Int.random(in: 0...bytes.count, using: &rng)
                let b = Bool.random(using: &rng)
                    ? interesting[Int.random(in: 0..<interesting.count, using: &rng)]
                    : UInt8.random(in: 0...255, using: &rng)
                switch op {
                case 0 where i < bytes.count: bytes[i] = b
                case 1: bytes.insert(b, at: i)
                default: if i < bytes.count { bytes.remove(at: i) }
                }
            }
            switch parseBytes(bytes) {
            case .failure(let e):
                XCTAssertEqual(e.kind, .valueError)
            case .success(let v):
                parsed += 1
                if !containsNonFinite(v) {
                    XCTAssertEqual(parseString(JSON.serialize(v)), .success(v))
                }
            }
        }
        XCTAssertGreaterThan(parsed, 0)
    }

    private func containsNonFinite(_ v: JSONValue) -> Bool {
        switch v {
        case .float(let d): return !d.isFinite
        case .array(let a): return a.contains(where: containsNonFinite)
        case .object(let o): return o.pairs.contains { containsNonFinite($0.value) }
        default: return false
        }
    }
}
