import TauCore

/// Errors raised by TauIdentity. Codes are documented in `Specs/did-tau.md` and
/// `docs/identity.md`; resolution failures also carry a DID Core error code.
public struct IdentityError: TauError, Equatable {
    public let code: String
    public let message: String
    public let category: ErrorCategory

    public init(_ code: String, _ message: String, category: ErrorCategory = .invalidInput) {
        self.code = code
        self.message = message
        self.category = category
    }

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
            case .unavailable, .internal: return "internalError"
            default: return "invalidDidDocument"
            }
        }
    }
}
