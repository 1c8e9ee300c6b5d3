/// The error every fallible lrsched operation throws.
///
/// `kind` names the Python exception torch raises in the same situation, so every
/// front end maps it the same way (Swift: this type; C: a status code; Python: the
/// builtin exception of that name). `message` is torch's message where torch has one.
public struct LRSchedError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The kind of failure, one per Python exception class torch uses.
    public enum Kind: String, Sendable, CaseIterable {
        case valueError = "ValueError"
        case typeError = "TypeError"
        case keyError = "KeyError"
        case runtimeError = "RuntimeError"
        case zeroDivisionError = "ZeroDivisionError"
        case notImplementedError = "NotImplementedError"
        /// A user-supplied lr function (a C callback) reported failure.
        case callbackFailed = "CallbackFailed"
        /// A call would allocate beyond one of lrsched's documented caps (a preview of
        /// more than `Preview.maxValues` values, more than `OptimizerState.maxGroups`
        /// groups): refused before allocating.
        case memoryError = "MemoryError"
        /// A Python float operation torch runs overflowed (`gamma ** epoch`: CPython's
        /// "(34, 'Numerical result out of range')").
        case overflowError = "OverflowError"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    package static func value(_ m: String) -> LRSchedError { .init(.valueError, m) }
    package static func type(_ m: String) -> LRSchedError { .init(.typeError, m) }
    package static func memory(_ m: String) -> LRSchedError { .init(.memoryError, m) }
    package static func key(_ m: String) -> LRSchedError { .init(.keyError, m) }
    package static func runtime(_ m: String) -> LRSchedError { .init(.runtimeError, m) }
    package static func zeroDivision(_ m: String) -> LRSchedError { .init(.zeroDivisionError, m) }
    package static func notImplemented(_ m: String) -> LRSchedError { .init(.notImplementedError, m) }
    package static func overflow(_ m: String) -> LRSchedError { .init(.overflowError, m) }
}
