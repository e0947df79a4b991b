import Foundation
import TauCore
import TauProviders

/// What every ``APIKeyRepository`` must do.
public enum APIKeyRepositoryContract {
    static func usd(_ microunits: Int64) -> Money { Money(microunits: microunits, currency: .usd) }

    public static let cases: [ContractCase<any APIKeyRepository>] = [
        ContractCase("keys are stored hashed and revoked once") { keys in
            let secret = APIKeySecret.generate()
            let created = Date(timeIntervalSince1970: 1_700_000_000)
            try await keys.insert(
                APIKey(
                    id: secret.id, name: "ci", secretHash: secret.hash, createdAt: created, budget: usd(2_500_000), requestsPerMinute: 30,
                    allowedModels: ["a"]))
            let stored = try await keys.key(id: secret.id)
            try await require(stored?.secretHash == secret.hash && stored?.secretHash != secret.secret, "only the hash is kept")
            try await require(stored.map(secret.matches) == true, "the secret matches the stored key")
            try await require(stored?.budget == usd(2_500_000) && stored?.requestsPerMinute == 30, "budget and rpm")
            try await require(stored?.allowedModels == ["a"], "allowed models")
            try await require(try await keys.revoke(id: secret.id, at: created.addingTimeInterval(10)), "revoking a key says so")
            try await require(try await keys.revoke(id: secret.id, at: created.addingTimeInterval(99)), "revoking it again too")
            try await require(try await keys.key(id: secret.id)?.revokedAt == created.addingTimeInterval(10), "the first revocation time is kept")
            try await require(try await !keys.revoke(id: "000000000000", at: created), "an unknown key cannot be revoked")
        },
        ContractCase("every amount comes back exactly, in creation order") { keys in
            var ids: [String] = []
            for (index, microunits) in ([1, 7, 999_999, 1_000_001, 123_456_789_012_345, 9_007_199_254_740_993] as [Int64]).enumerated() {
                let secret = APIKeySecret.generate()
                ids.append(secret.id)
                try await keys.insert(
                    APIKey(
                        id: secret.id, name: "n", secretHash: secret.hash, createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)),
                        budget: usd(microunits)))
                try await require(try await keys.key(id: secret.id)?.budget == usd(microunits), "\(microunits) micro-USD")
            }
            try await require(try await keys.all().map(\.id) == ids, "listed in creation order")
        },
    ]
}

/// What every ``UsageRepository`` must do.
public enum UsageRepositoryContract {
    static func usd(_ microunits: Int64) -> Money { Money(microunits: microunits, currency: .usd) }

    static func record(key: String?, session: String?, cost: Money?, tokens: Int) -> UsageRecord {
        UsageRecord(
            time: Date(timeIntervalSince1970: 1_790_000_000), apiKeyID: key, sessionID: session, requestedModel: "fast",
            model: "gpt-4.1-mini", route: "openai:gpt-4.1-mini", usage: Usage(inputTokens: tokens, outputTokens: 2, cachedInputTokens: 1),
            cost: cost, status: "ok", latencyMilliseconds: 5)
    }

    public static let cases: [ContractCase<any UsageRepository>] = [
        ContractCase("totals per key and session are exact") { usage in
            // $0.1 + $0.2 is 0.30000000000000004 in doubles; the totals are exact micro-USD.
            try await usage.record(record(key: "k1", session: "s1", cost: usd(100_000), tokens: 10))
            try await usage.record(record(key: "k1", session: "s2", cost: usd(200_001), tokens: 20))
            try await usage.record(record(key: "k2", session: "s1", cost: nil, tokens: 40))
            let k1 = try await usage.totals(apiKeyID: "k1")
            try await require(
                k1 == UsageTotals(requests: 2, inputTokens: 30, outputTokens: 4, cachedInputTokens: 2, cost: usd(300_001)), "k1 totals: \(k1)")
            try await require(try await usage.totals(sessionID: "s1").inputTokens == 50, "s1 totals")
            try await require(try await usage.totals(apiKeyID: "nobody") == UsageTotals(), "no records, zero totals")
        },
        ContractCase("recent records come newest first with their fields") { usage in
            try await usage.record(record(key: "k1", session: nil, cost: usd(9_007_199_254_740_993), tokens: 20))
            try await usage.record(record(key: nil, session: "s", cost: nil, tokens: 40))
            let recent = try await usage.recent(limit: 2)
            try await require(recent.map(\.usage.inputTokens) == [40, 20], "newest first")
            try await require(recent.first?.cost == nil && recent.last?.cost == usd(9_007_199_254_740_993), "costs, exact beyond 2^53")
            try await require(recent.last?.time == Date(timeIntervalSince1970: 1_790_000_000), "the time")
            try await require(try await usage.recent(limit: 1).count == 1, "the limit")
        },
        ContractCase("concurrent records are all kept") { usage in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<25 { group.addTask { try await usage.record(record(key: "k", session: nil, cost: usd(3), tokens: 1)) } }
                try await group.waitForAll()
            }
            let totals = try await usage.totals(apiKeyID: "k")
            try await require(totals.requests == 25 && totals.cost == usd(75), "25 records worth 75 micro-USD, got \(totals)")
        },
    ]
}
