#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LRSched

/// Reads a whole file with the C library (the conformance runner stays Foundation-free).
public func readFileBytes(_ path: String) throws(LRSchedError) -> [UInt8] {
    guard let f = fopen(path, "rb") else {
        throw LRSchedError(.valueError, "cannot open '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n > 0 { out.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count {
            if ferror(f) != 0 { throw LRSchedError(.valueError, "cannot read '\(path)'") }
            break
        }
    }
    return out
}

/// Parses a JSON file.
public func readJSONFile(_ path: String) throws(LRSchedError) -> JSONValue {
    let bytes = try readFileBytes(path)
    let result = bytes.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
        Result { () throws(LRSchedError) -> JSONValue in try JSON.parse(bytes: buf) }
    }
    switch result {
    case .success(let v): return v
    case .failure(let error): throw LRSchedError(error.kind, "\(path): \(error.message)")
    }
}
