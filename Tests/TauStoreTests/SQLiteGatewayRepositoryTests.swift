import Foundation
import TauCore
import TauProviders
import TauTesting
import Testing

@testable import TauStore

@Suite struct SQLiteGatewayRepositoryTests {
    static func usd(_ microunits: Int64) -> Money { Money(microunits: microunits, currency: .usd) }

    @Test func keysAreStoredHashedAndRevokedOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keys = SQLiteAPIKeyRepository(database: try NodeDatabase(path: directory.appending("node.sqlite")))
        let secret = APIKeySecret.generate()
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        try await keys.insert(
            APIKey(id: secret.id, name: "ci", secretHash: secret.hash, createdAt: created, budget: Self.usd(2_500_000), requestsPerMinute: 30, allowedModels: ["a"]))
        let stored = try #require(try await keys.key(id: secret.id))
        #expect(stored.secretHash == secret.hash)
        #expect(stored.secretHash != secret.secret)
        #expect(secret.matches(stored))
        #expect(stored.budget == Self.usd(2_500_000))
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
        func record(key: String?, session: String?, cost: Money?, tokens: Int) -> UsageRecord {
            UsageRecord(
                time: Date(), apiKeyID: key, sessionID: session, requestedModel: "fast", model: "gpt-4.1-mini", route: "openai:gpt-4.1-mini",
                usage: Usage(inputTokens: tokens, outputTokens: 2, cachedInputTokens: 1), cost: cost, status: "ok", latencyMilliseconds: 5)
        }
        // $0.1 + $0.2 is 0.30000000000000004 in doubles; the totals are exact micro-USD.
        try await usage.record(record(key: "k1", session: "s1", cost: Self.usd(100_000), tokens: 10))
        try await usage.record(record(key: "k1", session: "s2", cost: Self.usd(200_001), tokens: 20))
        try await usage.record(record(key: "k2", session: "s1", cost: nil, tokens: 40))
        let k1 = try await usage.totals(apiKeyID: "k1")
        #expect(k1 == UsageTotals(requests: 2, inputTokens: 30, outputTokens: 4, cachedInputTokens: 2, cost: Self.usd(300_001)))
        #expect(try await usage.totals(sessionID: "s1").inputTokens == 50)
        #expect(try await usage.totals(apiKeyID: "nobody") == UsageTotals())
        let recent = try await usage.recent(limit: 2)
        #expect(recent.map(\.usage.inputTokens) == [40, 20])
        #expect(recent.first?.cost == nil)
        #expect(recent.last?.cost == Self.usd(200_001))
    }

    /// The REAL columns hold dollars; every amount up to 2^53 micro-USD (about $9 billion) comes back exactly.
    @Test(arguments: [1, 7, 999_999, 1_000_001, 123_456_789_012_345, 9_007_199_254_740_992] as [Int64])
    func amountsSurviveTheRealColumns(microunits: Int64) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try NodeDatabase(path: directory.appending("node.sqlite"))
        let keys = SQLiteAPIKeyRepository(database: database)
        let secret = APIKeySecret.generate()
        try await keys.insert(APIKey(id: secret.id, name: "n", secretHash: secret.hash, createdAt: Date(), budget: Self.usd(microunits)))
        #expect(try await keys.key(id: secret.id)?.budget == Self.usd(microunits))
        let usage = SQLiteUsageRepository(database: database)
        for _ in 0..<3 {
            try await usage.record(
                UsageRecord(
                    time: Date(), apiKeyID: "k", sessionID: nil, requestedModel: "m", model: "m", route: "r", usage: Usage(),
                    cost: Self.usd(microunits), status: "ok", latencyMilliseconds: 1))
        }
        #expect(try await usage.recent(limit: 1).first?.cost == Self.usd(microunits))
        #expect(try await usage.totals(apiKeyID: "k").cost == Self.usd(microunits * 3))
    }
}
