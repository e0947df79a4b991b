import TauCore

/// The domain of TauProviders' errors (catalog, keys, routing, budgets).
public enum ProviderErrors: ErrorDomain {
    public static let defaultCategory = ErrorCategory.invalidInput
}

/// Errors raised by TauProviders that are not an upstream's answer: a missing key, an
/// unknown model, a request that cannot fit, an open circuit.
public typealias ProviderError = CodedError<ProviderErrors>

/// Why an upstream call failed, in the terms the router decides on.
public enum UpstreamFailureKind: String, Sendable, Codable {
    /// 429 from the upstream.
    case rateLimited = "upstream_rate_limited"
    /// 5xx (and 408/409, which providers use for transient overload).
    case serverError = "upstream_server_error"
    /// No response in time.
    case timeout = "upstream_timeout"
    /// The connection could not be made or broke before a response.
    case unreachable = "upstream_unreachable"
    /// Any other 4xx: the request itself is wrong; retrying cannot help.
    case rejected = "upstream_rejected"
    /// The upstream said the prompt is longer than the model's context window.
    case contextLengthExceeded = "context_length_exceeded"
    /// 401/403: the key is wrong or lacks access.
    case authentication = "upstream_auth_failed"
    /// 402/404: this route cannot serve the model (no credit left, model not offered here);
    /// another route may.
    case routeUnavailable = "upstream_route_unavailable"
    /// The body was not the wire format promised.
    case badResponse = "upstream_bad_response"
    /// A stream broke after content had been sent to the caller.
    case streamInterrupted = "stream_interrupted"

    /// Whether trying the same route again may succeed.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .serverError, .timeout, .unreachable: true
        default: false
        }
    }

    /// Whether the next route in a chain may succeed where this one failed.
    public var allowsFallback: Bool {
        switch self {
        case .rejected, .streamInterrupted: false
        default: true
        }
    }
}

/// A failed upstream call: what kind, the HTTP status if there was one, the
/// provider's own message, and how long the provider asked us to wait.
public struct UpstreamFailure: TauError, Hashable {
    public var kind: UpstreamFailureKind
    public var status: Int?
    /// The provider's error message (from its error JSON), or a description of the failure.
    public var message: String
    /// From `Retry-After` (seconds or HTTP date) or a provider's retry hint.
    public var retryAfter: Duration?
    /// The route that failed, filled in by the router.
    public var route: String?
    /// Whether ``message`` is the node's own wording about a request it refused before
    /// sending, rather than anything a provider said.
    public var isLocal: Bool

    public init(
        _ kind: UpstreamFailureKind, status: Int? = nil, message: String, retryAfter: Duration? = nil, route: String? = nil,
        isLocal: Bool = false
    ) {
        self.kind = kind
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
        self.route = route
        self.isLocal = isLocal
    }

    public var code: String { kind.rawValue }

    /// What a gateway caller is told: what went wrong and the provider's status, never the
    /// provider's own text, which may name the node's upstream account, organisation or
    /// key. That text goes to the node's log (``truncated(_:)``). The node's own wording
    /// (``isLocal``) is shown as it is.
    public var summary: String {
        if isLocal { return message }
        let status = status.map { " (HTTP \($0))" } ?? ""
        let what =
            switch kind {
            case .rateLimited: "the provider is limiting this node's calls"
            case .serverError: "the provider failed"
            case .timeout: "the provider did not answer in time"
            case .unreachable: "the provider could not be reached"
            case .rejected: "the provider refused the request as invalid"
            case .contextLengthExceeded: "the provider found the prompt longer than the model's context window"
            case .authentication: "the provider refused this node's credentials"
            case .routeUnavailable: "the provider cannot serve this model now"
            case .badResponse: "the provider's answer was not in its wire format"
            case .streamInterrupted: "the provider's stream broke off"
            }
        return what + status + "; the node's log has the provider's message"
    }

    /// A provider's text as the node logs it: at most `limit` characters.
    public static func truncated(_ text: String, limit: Int = 500) -> String {
        text.count > limit ? String(text.prefix(limit)) + "… (\(text.count) characters)" : text
    }

    public var category: ErrorCategory {
        switch kind {
        case .rateLimited: .rateLimited
        case .rejected, .contextLengthExceeded: .invalidInput
        case .authentication, .routeUnavailable, .serverError, .timeout, .unreachable, .badResponse, .streamInterrupted: .unavailable
        }
    }

    /// Classifies an HTTP error status.
    public static func kind(forStatus status: Int) -> UpstreamFailureKind {
        switch status {
        case 429: .rateLimited
        case 401, 403: .authentication
        case 402, 404: .routeUnavailable
        case 408, 409, 500...599: .serverError
        default: .rejected
        }
    }
}
