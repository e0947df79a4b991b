import Foundation
import TauProviders
import TauTesting
import Testing

@testable import TauStore

@Suite struct SQLiteGatewayRepositoryTests {
    @Test func keysAreStoredHashedAndRevokedOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keys = SQLiteAPIKeyRepository(database: try NodeDatabase(path: directory.appending("node.sqlite")))
        let secret = APIKeySecret.generate()
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        try await keys.insert(
            APIKey(id: secret.id, name: "ci", secretHash: secret.hash, createdAt: created, budgetUSD: 2.5, requestsPerMinute: 30, allowedModels: ["a"]))
        let stored = try #require(try await keys.key(id: secret.id))
        #expect(stored.secretHash == secret.hash)
        #expect(stored.secretHash != secret.secret)
        #expect(secret.matches(stored))
        #expect(stored.budgetUSD == 2.5)
        #expect(stored.allowedModels == ["a"])
        #expect(try await keys.revoke(id: secret.id, at: created.addingTimeInterval(10)))
        #expect(try await keys.revoke(id: secret.id, at: created.addingTimeInterval(99)))
        // The first revocation time is kept.
        #expect(try await keys.key(id: secret.id)?.revokedAt == created.addingTimeInterval(10))
        #expect(try await !keys.revoke(id: "000000000000", at: created))
    }

    @Test func usageTotalsPerKeyAndSession() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let usage = SQLiteUsageRepository(database: try NodeDatabase(path: directory.appending("node.sqlite")))
        func record(key: String?, session: String?, cost: Double?, tokens: Int) -> UsageRecord {
            UsageRecord(
                time: Date(), apiKeyID: key, sessionID: session, requestedModel: "fast", model: "gpt-4.1-mini", route: "openai:gpt-4.1-mini",
                usage: Usage(inputTokens: tokens, outputTokens: 2, cachedInputTokens: 1), costUSD: cost, status: "ok", latencyMilliseconds: 5)
        }
        try await usage.record(record(key: "k1", session: "s1", cost: 0.25, tokens: 10))
        try await usage.record(record(key: "k1", session: "s2", cost: 0.5, tokens: 20))
        try await usage.record(record(key: "k2", session: "s1", cost: nil, tokens: 40))
        let k1 = try await usage.totals(apiKeyID: "k1")
        #expect(k1 == UsageTotals(requests: 2, inputTokens: 30, outputTokens: 4, cachedInputTokens: 2, costUSD: 0.75))
        #expect(try await usage.totals(sessionID: "s1").inputTokens == 50)
        #expect(try await usage.totals(apiKeyID: "nobody") == UsageTotals())
        let recent = try await usage.recent(limit: 2)
        #expect(recent.map(\.usage.inputTokens) == [40, 20])
        #expect(recent.first?.costUSD == nil)
    }
}
