#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LRSched

/// Writes `text` to `path` (replacing it).
public func writeFile(_ path: String, _ text: String) throws(LRSchedError) {
    guard let f = fopen(path, "wb") else {
        throw LRSchedError(.valueError, "cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    let bytes = Array(text.utf8)
    let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    if n != bytes.count { throw LRSchedError(.valueError, "cannot write '\(path)'") }
}
