import Foundation
import Synchronization
import TauCore
import TauProviders

/// API keys in memory, for tests.
public final class InMemoryAPIKeyRepository: APIKeyRepository {
    private let keys = Mutex<[String: APIKey]>([:])

    public init() {}

    public func insert(_ key: APIKey) async throws { keys.withLock { $0[key.id] = key } }
    public func key(id: String) async throws -> APIKey? { keys.withLock { $0[id] } }
    public func all() async throws -> [APIKey] { keys.withLock { Array($0.values) }.sorted { $0.createdAt < $1.createdAt } }
    public func revoke(id: String, at time: Date) async throws -> Bool {
        keys.withLock { keys in
            guard keys[id] != nil else { return false }
            if keys[id]?.revokedAt == nil { keys[id]?.revokedAt = time }
            return true
        }
    }
}

/// Usage records in memory, for tests.
public final class InMemoryUsageRepository: BudgetLedger {
    private let records = Mutex<[UsageRecord]>([])
    private let holds = Mutex<[String: BudgetHold]>([:])

    public init() {}

    public var all: [UsageRecord] { records.withLock { $0 } }

    public func record(_ record: UsageRecord) async throws { records.withLock { $0.append(record) } }

    public func record(_ record: UsageRecord, releasing hold: BudgetHold?) async throws {
        // One lock order (holds, then records) so the release and the record are one step.
        holds.withLock { holds in
            if let hold { holds[hold.id] = nil }
            records.withLock { $0.append(record) }
        }
    }

    public func spent(apiKeyID: String) async throws -> Money { try await totals(apiKeyID: apiKeyID).cost }

    public func place(_ hold: BudgetHold, budget: Money, now: Date) async throws -> Bool {
        // Spending is read under the holds lock (holds, then records, as in `record`), so that a
        // call recorded meanwhile is counted either as spent or as held, never as neither.
        try holds.withLock { holds throws(CoreError) -> Bool in
            let spent = try totals { $0.apiKeyID == hold.apiKeyID }.cost
            holds = holds.filter { $0.value.expiresAt >= now || $0.value.apiKeyID != hold.apiKeyID }
            let held = try Money.sum(holds.values.filter { $0.apiKeyID == hold.apiKeyID }.map(\.amount), currency: .usd)
            let total = try spent.adding(held).adding(hold.amount)
            guard spent < budget, held.isZero || total <= budget else { return false }
            holds[hold.id] = hold
            return true
        }
    }
    public func totals(apiKeyID: String) async throws -> UsageTotals { try totals { $0.apiKeyID == apiKeyID } }
    public func totals(sessionID: String) async throws -> UsageTotals { try totals { $0.sessionID == sessionID } }
    public func recent(limit: Int) async throws -> [UsageRecord] { Array(records.withLock { $0 }.reversed().prefix(limit)) }

    private func totals(_ matching: (UsageRecord) -> Bool) throws(CoreError) -> UsageTotals {
        var totals = UsageTotals()
        for record in records.withLock({ $0 }) where matching(record) {
            totals.requests += 1
            totals.inputTokens += record.usage.inputTokens
            totals.outputTokens += record.usage.outputTokens
            totals.cachedInputTokens += record.usage.cachedInputTokens
            if let cost = record.cost { totals.cost = try totals.cost.adding(cost) }
        }
        return totals
    }
}
