/// What kind of failure an error is, so that the edges (HTTP, CLI) can map every
/// module's errors to a status code and an exit code in one place.
public enum ErrorCategory: String, Sendable, Codable {
    /// The input was malformed or violated a rule (HTTP 400, exit 65).
    case invalidInput
    /// Something named by the input does not exist (HTTP 404, exit 66).
    case notFound
    /// A credential, passphrase or signature was rejected (HTTP 401/403, exit 77).
    case unauthorized
    /// The request conflicts with existing state (HTTP 409, exit 73).
    case conflict
    /// A remote party or resource could not be reached (HTTP 502, exit 69).
    case unavailable
    /// This node cannot serve for now because a service of its own (its database) is
    /// down; retrying later helps (HTTP 503, exit 69).
    case temporarilyUnavailable
    /// The caller sent too much too fast (HTTP 429, exit 75).
    case rateLimited
    /// A bug or an environment problem on this node (HTTP 500, exit 70).
    case `internal`
}

/// An error with a stable, documented `lower_snake` reason code.
///
/// Every tau-node module throws its own type conforming to this protocol; the
/// codes are part of the public interface and are listed in `Specs/` and `docs/`.
public protocol TauError: Error, CustomStringConvertible, Sendable {
    /// Stable machine-readable reason, e.g. `entry_hash_mismatch`.
    var code: String { get }
    /// Human-readable explanation for operators.
    var message: String { get }
    /// How the edges should report the failure.
    var category: ErrorCategory { get }
    /// The error this one was raised for (a driver's, a transport's), kept for logs and
    /// for callers that inspect it; never shown to remote callers.
    var cause: (any Error)? { get }
}

extension TauError {
    public var description: String { "\(code): \(message)" }
    public var cause: (any Error)? { nil }
}

/// The module an error belongs to, and the category its errors have unless a
/// throw site says otherwise. Each module declares one (e.g. `IdentityErrors`).
public protocol ErrorDomain: Sendable {
    /// The category of an error of this domain when none is given.
    static var defaultCategory: ErrorCategory { get }
}

/// The one error type of every tau-node module, told apart by its domain:
/// `IdentityError` is `CodedError<IdentityErrors>`, and so on. Catching
/// `IdentityError` therefore catches exactly TauIdentity's errors.
public struct CodedError<Domain: ErrorDomain>: TauError, Equatable {
    public let code: String
    public let message: String
    public let category: ErrorCategory
    public let cause: (any Error)?

    public init(_ code: String, _ message: String, category: ErrorCategory = Domain.defaultCategory, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.category = category
        self.cause = cause
    }

    /// Errors are equal when code, message and category are; the cause is not compared.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.category == rhs.category
    }
}

/// The domain of TauCore's parsers and encoders.
public enum CoreErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors raised by TauCore's parsers and encoders.
public typealias CoreError = CodedError<CoreErrors>
