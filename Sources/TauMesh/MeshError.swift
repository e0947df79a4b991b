import TauCore

/// The domain of the mesh (refused inbound messages, failed outbound calls; codes in `Specs/mesh.md`).
public enum MeshErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors raised by the mesh (refused inbound messages, failed outbound calls; codes in `Specs/mesh.md`).
public typealias MeshError = CodedError<MeshErrors>

extension CodedError where Domain == MeshErrors {
    /// A peer that could not be reached: `outbound_address_refused` when the node's outbound
    /// policy forbids its address, else `peer_unreachable`; the outbound error is the cause.
    static func unreachable(_ endpoint: String, _ error: OutboundError) -> Self {
        if error.isAddressRefused {
            return Self(error.code, error.message, category: .unavailable, cause: error)
        }
        return Self("peer_unreachable", "\(endpoint): \(error.message) (\(error.code))", category: .unavailable, cause: error)
    }
}
