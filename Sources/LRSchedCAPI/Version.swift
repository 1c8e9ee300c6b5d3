import LRSched
import LRSchedCShims

// The C ABI of liblrsched.so; declared in include/lrsched.h.

// MARK: - Versions

/// The library's version string; static storage, never freed.
@_cdecl("lrsched_version")
public func lrsched_version() -> UnsafePointer<CChar> {
    LRSchedVersion.cString
}

/// MAJOR * 10000 + MINOR * 100 + PATCH.
@_cdecl("lrsched_version_number")
public func lrsched_version_number() -> Int32 {
    Int32(truncatingIfNeeded: LRSchedVersion.major * 10000 + LRSchedVersion.minor * 100 + LRSchedVersion.patch)
}

/// The ABI version: bumped only when a shipped signature changes.
@_cdecl("lrsched_abi_version")
public func lrsched_abi_version() -> Int32 {
    Int32(truncatingIfNeeded: LRSchedVersion.abi)
}

// MARK: - Status codes and errors

nonisolated(unsafe) private let statusCStrings: [UnsafePointer<CChar>] = Status.names.map(permanentCString)
nonisolated(unsafe) private let unknownStatusCString = permanentCString("unknown status")

@_cdecl("lrsched_status_string")
public func lrsched_status_string(_ status: Int32) -> UnsafePointer<CChar> {
    guard let i = Int(exactly: status), statusCStrings.indices.contains(i) else { return unknownStatusCString }
    return statusCStrings[i]
}

@_cdecl("lrsched_last_error")
public func lrsched_last_error() -> UnsafePointer<CChar> {
    lrschedshim_last_error()
}
