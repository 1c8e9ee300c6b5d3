/// The library's version.
public enum LRSchedVersion {
    public static let major = 0
    public static let minor = 1
    public static let patch = 0
    /// The C ABI version (`lrsched_abi_version()`, the SONAME's number).
    public static let abi = 0
    public static let string = "\(major).\(minor).\(patch)"

    /// `string` as a NUL-terminated C string with static lifetime.
    nonisolated(unsafe) public static let cString: UnsafePointer<CChar> = {
        let bytes = Array(string.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        return UnsafePointer(p)
    }()
}
