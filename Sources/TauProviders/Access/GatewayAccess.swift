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
/// Token buckets are kept in this process (one bucket per key, `rpm` capacity refilled
/// over a minute); spending comes from the usage repository, so budgets hold across
/// restarts.
public actor GatewayAccess {
    public nonisolated let mode: GatewayAuthMode
    let keys: any APIKeyRepository
    let usage: any UsageRepository
    let now: @Sendable () -> Date
    private var buckets: [String: TokenBucket] = [:]

    public init(
        mode: GatewayAuthMode, keys: any APIKeyRepository, usage: any UsageRepository,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.mode = mode
        self.keys = keys
        self.usage = usage
        self.now = now
    }

    /// Checks the `Authorization` header value.
    /// - Throws: `missing_api_key` / `invalid_api_key` / `api_key_revoked` (401),
    ///   `rate_limited` (429).
    public func authenticate(authorization: String?) async throws -> GatewayCaller {
        if mode == .localhostDev { return .localDeveloper }
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            throw ProviderError(
                "missing_api_key", "send an API key as `Authorization: Bearer tau_...` (create one with `tau-node keys create`)",
                category: .unauthorized)
        }
        let presented = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard let secret = APIKeySecret(presented: presented), let key = try await keys.key(id: secret.id), secret.matches(key)
        else {
            throw ProviderError("invalid_api_key", "the API key is not valid", category: .unauthorized)
        }
        guard !key.isRevoked else { throw ProviderError("api_key_revoked", "the API key \(key.id) was revoked", category: .unauthorized) }
        if let rpm = key.requestsPerMinute {
            let time = now()
            var bucket = buckets[key.id] ?? TokenBucket(capacity: Double(rpm), refillPerSecond: Double(rpm) / 60, now: time)
            let admitted = bucket.take(at: time)
            let wait = bucket.waitTime(at: time)
            buckets[key.id] = bucket
            guard admitted else {
                throw RateLimited(retryAfterSeconds: max(1, Int(wait.rounded(.up))), limit: rpm)
            }
        }
        return .key(key)
    }

    /// Refuses a model the key may not use.
    public nonisolated func authorize(_ caller: GatewayCaller, model: String) throws(ProviderError) {
        if case .key(let key) = caller, !key.allows(model: model) {
            throw ProviderError("model_not_allowed", "this API key may not use model \(model)", category: .unauthorized)
        }
    }

    /// What the caller may still spend, in USD (below zero once a call overshot it); nil
    /// when unlimited.
    public func remainingBudget(_ caller: GatewayCaller) async throws -> Money? {
        guard case .key(let key) = caller, let budget = key.budget else { return nil }
        let spent = try await usage.totals(apiKeyID: key.id).cost
        return try budget.subtracting(spent)
    }
}

/// A key's requests-per-minute limit was reached.
public struct RateLimited: TauError {
    public var retryAfterSeconds: Int
    public var limit: Int
    public var code: String { "rate_limited" }
    public var message: String { "rate limit of \(limit) requests per minute reached; retry in \(retryAfterSeconds) s" }
    public var category: ErrorCategory { .rateLimited }
}
