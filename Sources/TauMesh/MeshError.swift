import TauCore

/// Errors raised by the mesh: refused inbound messages and failed outbound calls.
/// Codes are listed in `Specs/mesh.md`.
public struct MeshError: TauError, Equatable {
    public let code: String
    public let message: String
    public let category: ErrorCategory

    public init(_ code: String, _ message: String, category: ErrorCategory = .invalidInput) {
        self.code = code
        self.message = message
        self.category = category
    }
}
