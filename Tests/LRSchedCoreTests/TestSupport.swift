#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining

/// Directory containing this test source file (no Foundation needed).
func testSourceDirectory(_ filePath: StaticString = #filePath) -> String {
    let path = "\(filePath)"
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
}

/// Reads a whole file as UTF-8 via libc; `nil` if it cannot be opened.
func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Parses raw bytes, capturing the typed error.
func parseBytes(_ bytes: [UInt8]) -> Result<JSONValue, LRSchedError> {
    bytes.withUnsafeBytes { buffer in
        Result { () throws(LRSchedError) -> JSONValue in try JSON.parse(bytes: buffer) }
    }
}

/// Parses a string, capturing the typed error.
func parseString(_ text: String) -> Result<JSONValue, LRSchedError> {
    Result { () throws(LRSchedError) -> JSONValue in try JSON.parse(text) }
}

/// Deterministic SplitMix64 generator for reproducible randomized tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
