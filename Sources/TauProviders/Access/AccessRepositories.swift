import Foundation
import TauCore

/// Where API keys live (SQLite in the node home, or PostgreSQL).
public protocol APIKeyRepository: Sendable {
    func insert(_ key: APIKey) async throws
    func key(id: String) async throws -> APIKey?
    func all() async throws -> [APIKey]
    /// Marks the key revoked; returns false when there is no such key.
    func revoke(id: String, at time: Date) async throws -> Bool
}

/// One model call, as recorded for usage and cost accounting.
public struct UsageRecord: Sendable, Hashable, Codable {
    public var time: Date
    /// The API key that paid for the call; nil for localhost-dev calls and the node's own agent.
    public var apiKeyID: String?
    /// The agent session or the caller's `user`, when known.
    public var sessionID: String?
    /// The model name the caller asked for (alias or catalog id).
    public var requestedModel: String
    /// The catalog id of the model that answered.
    public var model: String
    /// The route that answered, e.g. `openai:gpt-4.1`.
    public var route: String
    public var usage: Usage
    /// Cost in USD from the catalog prices (exact, rounded up to a micro-USD per call); nil
    /// when the model has no price.
    public var cost: Money?
    /// `ok`, or the failure code (`stream_interrupted`, ...).
    public var status: String
    public var latencyMilliseconds: Int

    public init(
        time: Date, apiKeyID: String?, sessionID: String?, requestedModel: String, model: String, route: String, usage: Usage,
        cost: Money?, status: String, latencyMilliseconds: Int
    ) {
        self.time = time
        self.apiKeyID = apiKeyID
        self.sessionID = sessionID
        self.requestedModel = requestedModel
        self.model = model
        self.route = route
        self.usage = usage
        self.cost = cost
        self.status = status
        self.latencyMilliseconds = latencyMilliseconds
    }
}

/// Totals over usage records.
public struct UsageTotals: Sendable, Hashable, Codable {
    public var requests: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var cachedInputTokens: Int
    /// The sum of the records' costs, in USD.
    public var cost: Money

    public init(
        requests: Int = 0, inputTokens: Int = 0, outputTokens: Int = 0, cachedInputTokens: Int = 0, cost: Money = .zero(.usd)
    ) {
        self.requests = requests
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.cost = cost
    }
}

/// Where usage records live.
public protocol UsageRepository: Sendable {
    func record(_ record: UsageRecord) async throws
    /// Totals for one API key (its spending so far is `cost`).
    func totals(apiKeyID: String) async throws -> UsageTotals
    /// Totals for one session.
    func totals(sessionID: String) async throws -> UsageTotals
    /// The most recent records, newest first.
    func recent(limit: Int) async throws -> [UsageRecord]
}

/// A hold on an API key's budget for one call in flight: the most the call may cost.
public struct BudgetHold: Sendable, Hashable {
    public var id: String
    public var apiKeyID: String
    public var amount: Money
    /// A hold left behind by a process that died is released after this time.
    public var expiresAt: Date

    public init(id: String, apiKeyID: String, amount: Money, expiresAt: Date) {
        self.id = id
        self.apiKeyID = apiKeyID
        self.amount = amount
        self.expiresAt = expiresAt
    }
}

/// Usage records plus the spending of budgeted keys, shared by every process on one store
/// (the CLI, the daemon and its replicas), so that parallel calls spread over replicas
/// cannot spend one budget twice.
public protocol BudgetLedger: UsageRepository {
    /// What the key has spent so far; zero for a key with no records.
    func spent(apiKeyID: String) async throws -> Money
    /// Places `hold` when `budget` covers the key's spending, the holds in place and this
    /// one — or when nothing else is held (a lone call may overshoot by its own answer; its
    /// prompt was checked to be affordable) and something is left. Expired holds of the key
    /// are released first. Atomic: of concurrent placements that do not all fit, only those
    /// that fit succeed.
    func place(_ hold: BudgetHold, budget: Money, now: Date) async throws -> Bool
    /// Records a call (adding its cost to its key's spending) and releases its hold, in one step.
    func record(_ record: UsageRecord, releasing hold: BudgetHold?) async throws
    /// Records several calls, each as ``record(_:releasing:)`` does; a store writes them in
    /// one transaction (all or none).
    func recordAll(_ records: [(UsageRecord, BudgetHold?)]) async throws
}

extension BudgetLedger {
    public func recordAll(_ records: [(UsageRecord, BudgetHold?)]) async throws {
        for (record, hold) in records { try await self.record(record, releasing: hold) }
    }
}
