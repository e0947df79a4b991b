import TauCore

/// The domain of the mesh (refused inbound messages, failed outbound calls; codes in `Specs/mesh.md`).
public enum MeshErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors raised by the mesh (refused inbound messages, failed outbound calls; codes in `Specs/mesh.md`).
public typealias MeshError = CodedError<MeshErrors>
