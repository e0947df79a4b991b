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

extension CodedError where Domain == IdentityErrors {
    /// An outbound failure reported by resolution: same code and category, the outbound
    /// error kept as the cause.
    init(_ outbound: OutboundError) {
        self.init(outbound.code, outbound.message, category: outbound.category, cause: outbound)
    }

    /// Whether this error proves the controller signed two histories (`log_forked`).
    public var isForkProof: Bool { code == Self.logForkedCode }
    /// `log_forked`, raised where two histories are seen.
    static let logForkedCode = "log_forked"
}
