import Foundation
import TauCore

/// Who is calling the gateway, once authenticated.
public enum GatewayCaller: Sendable, Hashable {
    /// A caller with an API key.
    case key(APIKey)
    /// No key needed: the node runs in `localhost-dev` mode bound to loopback.
    case localDeveloper

    public var apiKeyID: String? {
        if case .key(let key) = self { return key.id }
        return nil
    }

    /// The key's budget; nil when unlimited.
    public var budget: Money? {
        if case .key(let key) = self { return key.budget }
        return nil
    }
}

/// How the gateway admits callers.
public enum GatewayAuthMode: String, Sendable, Hashable, Codable {
    /// Every request needs an API key from `tau-node keys create`.
    case keys
    /// No keys; refused unless the server listens on loopback only.
    case localhostDev = "localhost-dev"
}

/// Authentication, rate limits, model allow-lists and budgets of gateway callers.
///
/// Token buckets (one per key, `rpm` capacity refilled over a minute) live in the
/// `rateLimiter` and spending in the ledger; with the node's store behind both, every
/// replica of the node enforces one rpm and one budget per key, across restarts.
public struct GatewayAccess: Sendable {
    public let mode: GatewayAuthMode
    let keys: any APIKeyRepository
    let usage: any BudgetLedger
    let rateLimiter: any RateLimiter
    let now: @Sendable () -> Date

    public init(
        mode: GatewayAuthMode, keys: any APIKeyRepository, usage: any BudgetLedger,
        rateLimiter: any RateLimiter = InMemoryRateLimiter(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.mode = mode
        self.keys = keys
        self.usage = usage
        self.rateLimiter = rateLimiter
        self.now = now
    }

    /// Checks the `Authorization` header value.
    /// - Throws: `missing_api_key` / `invalid_api_key` / `api_key_revoked` (401),
    ///   `rate_limited` (429).
    public func authenticate(authorization: String?) async throws -> GatewayCaller {
        if mode == .localhostDev { return .localDeveloper }
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            throw AuthenticationFailed(
                .missingKey, "send an API key as `Authorization: Bearer tau_...` (create one with `tau-node keys create`)")
        }
        let presented = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard let secret = APIKeySecret(presented: presented), let key = try await keys.key(id: secret.id), secret.matches(key)
        else {
            throw AuthenticationFailed(.invalidKey, "the API key is not valid")
        }
        guard !key.isRevoked else { throw AuthenticationFailed(.revokedKey, "the API key \(key.id) was revoked") }
        if let rpm = key.requestsPerMinute,
            case .refused(let wait) = try await rateLimiter.take("gateway/key/" + key.id, limit: .perMinute(rpm), at: now())
        {
            throw RateLimited(retryAfterSeconds: max(1, Int(min(wait, 86_400).rounded(.up))), limit: rpm)
        }
        return .key(key)
    }

    /// Refuses what the caller's key may not ask for: a model off its list, and a Gemini
    /// cache named by the caller. The node creates no Gemini caches, so any cache a caller
    /// names was made with the operator's Google account by someone else, and may hold
    /// another party's content; only the operator (`localhost-dev`) may name one.
    /// - Throws: ``AccessDenied`` `model_not_allowed` or `cached_content_not_allowed`.
    public func authorize(_ caller: GatewayCaller, request: ChatRequest) throws(AccessDenied) {
        guard case .key(let key) = caller else { return }
        if !key.allows(model: request.model) { throw AccessDenied(.modelNotAllowed, "this API key may not use model \(request.model)") }
        if request.options.geminiCachedContent != nil {
            throw AccessDenied(
                .cachedContentNotAllowed,
                "`cached_content` names a Gemini cache this node did not create for this API key; send the content instead")
        }
    }

    /// What the caller may still spend, in USD (below zero once a call overshot it); nil
    /// when unlimited.
    public func remainingBudget(_ caller: GatewayCaller) async throws -> Money? {
        guard case .key(let key) = caller, let budget = key.budget else { return nil }
        return try budget.subtracting(try await usage.spent(apiKeyID: key.id))
    }
}

/// Why the gateway refused a caller; the raw value is the reason code.
public protocol RefusalReason: RawRepresentable, Sendable where RawValue == String {
    /// How the edges report it.
    var category: ErrorCategory { get }
}

/// A refusal of the gateway, typed by its reason, so that the edges choose a status by type
/// and case, never by comparing code strings.
public struct Refusal<Reason: RefusalReason>: TauError {
    public var reason: Reason
    public var message: String
    public var code: String { reason.rawValue }
    public var category: ErrorCategory { reason.category }

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}

/// What a caller's key does not allow (HTTP 403 `permission_error`).
public enum AccessDeniedReason: String, RefusalReason {
    /// The model is not on the key's `--models` list.
    case modelNotAllowed = "model_not_allowed"
    /// A Gemini `cached_content` the node did not create for the key.
    case cachedContentNotAllowed = "cached_content_not_allowed"

    public var category: ErrorCategory { .unauthorized }
}

/// A caller's key does not allow what it asked for.
public typealias AccessDenied = Refusal<AccessDeniedReason>

/// Why the caller did not prove who it is (HTTP 401 `authentication_error`).
public enum AuthenticationFailedReason: String, RefusalReason {
    case missingKey = "missing_api_key"
    case invalidKey = "invalid_api_key"
    case revokedKey = "api_key_revoked"

    public var category: ErrorCategory { .unauthorized }
}

/// The caller did not prove who it is.
public typealias AuthenticationFailed = Refusal<AuthenticationFailedReason>

/// Why a key with a budget may not make a call.
public enum BudgetRefusedReason: String, RefusalReason {
    /// Spent, or held by calls in flight, or this call's most possible cost is more than is left.
    case exceeded = "budget_exceeded"
    /// No route of the model has a known price, so its cost cannot be bounded.
    case unpricedModel = "budget_unpriced_model"

    public var category: ErrorCategory { self == .exceeded ? .rateLimited : .unauthorized }
}

/// A key with a budget may not make this call.
public typealias BudgetRefused = Refusal<BudgetRefusedReason>

/// A key's requests-per-minute limit was reached.
public struct RateLimited: TauError {
    public var retryAfterSeconds: Int
    public var limit: Int
    public var code: String { "rate_limited" }
    public var message: String { "rate limit of \(limit) requests per minute reached; retry in \(retryAfterSeconds) s" }
    public var category: ErrorCategory { .rateLimited }
}
