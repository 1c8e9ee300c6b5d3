import LRSchedCore

// The C ABI of liblrsched.so; declared in include/lrsched.h.

/// The library's version string; static storage, never freed.
@_cdecl("lrsched_version")
public func lrsched_version() -> UnsafePointer<CChar> {
    LRSchedVersion.cString
}

/// The ABI version: bumped only when a shipped signature changes.
@_cdecl("lrsched_abi_version")
public func lrsched_abi_version() -> Int32 {
    Int32(LRSchedVersion.abi)
}
