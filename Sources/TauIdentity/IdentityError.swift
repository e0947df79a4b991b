import TauCore

/// The domain of TauIdentity.
public enum IdentityErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors raised by TauIdentity.
public typealias IdentityError = CodedError<IdentityErrors>

extension CodedError where Domain == IdentityErrors {
    /// The DID Resolution error this failure is reported as (`invalidDid`,
    /// `notFound`, `methodNotSupported`, `invalidDidDocument`, `internalError`).
    public var resolutionError: String {
        switch code {
        case "malformed_did": return "invalidDid"
        case "did_not_found", "version_not_found": return "notFound"
        case "method_not_supported": return "methodNotSupported"
        default:
            switch category {
            case .notFound: return "notFound"
            case .unavailable, .temporarilyUnavailable, .internal: return "internalError"
            default: return "invalidDidDocument"
            }
        }
    }
}
