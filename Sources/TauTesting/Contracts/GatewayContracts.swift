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

/// What every ``BudgetLedger`` must do. The subject is a key repository and the ledger
/// over the same store (a ledger may keep spending on the key's row).
public enum BudgetLedgerContract {
    public typealias Subject = (keys: any APIKeyRepository, ledger: any BudgetLedger)
    static func usd(_ microunits: Int64) -> Money { Money(microunits: microunits, currency: .usd) }
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func key(_ keys: any APIKeyRepository, budget: Money) async throws -> String {
        let secret = APIKeySecret.generate()
        try await keys.insert(APIKey(id: secret.id, name: "budgeted", secretHash: secret.hash, createdAt: now, budget: budget))
        return secret.id
    }

    static func hold(_ key: String, _ microunits: Int64, expires: TimeInterval = 600) -> BudgetHold {
        BudgetHold(id: UUID().uuidString, apiKeyID: key, amount: usd(microunits), expiresAt: now.addingTimeInterval(expires))
    }

    static func record(_ key: String, cost: Int64) -> UsageRecord {
        UsageRecord(
            time: now, apiKeyID: key, sessionID: nil, requestedModel: "m", model: "m", route: "p:m", usage: Usage(inputTokens: 1),
            cost: usd(cost), status: "ok", latencyMilliseconds: 1)
    }

    public static let cases: [ContractCase<Subject>] = [
        ContractCase("holds fit the budget; a lone call may overshoot once") { subject in
            let budget = usd(2_000_000)
            let key = try await key(subject.keys, budget: budget)
            let big = hold(key, 3_000_000)
            try await require(try await subject.ledger.place(big, budget: budget, now: now), "alone: admitted")
            try await require(try await !subject.ledger.place(hold(key, 1_000_000), budget: budget, now: now), "nothing fits beside it")
            try await subject.ledger.record(record(key, cost: 0), releasing: big)
            let first = hold(key, 1_000_000)
            try await require(try await subject.ledger.place(first, budget: budget, now: now), "1 of 2")
            try await require(try await subject.ledger.place(hold(key, 1_000_000), budget: budget, now: now), "2 of 2")
            try await require(try await !subject.ledger.place(hold(key, 1), budget: budget, now: now), "not a micro-USD more")
            let other = try await Self.key(subject.keys, budget: budget)
            try await require(try await subject.ledger.place(hold(other, 5_000_000), budget: budget, now: now), "another key has its own")
        },
        ContractCase("recording releases the hold and adds the cost") { subject in
            let budget = usd(1_000_000)
            let key = try await key(subject.keys, budget: budget)
            let placed = hold(key, 600_000)
            try await require(try await subject.ledger.place(placed, budget: budget, now: now), "placed")
            try await subject.ledger.record(record(key, cost: 250_000), releasing: placed)
            try await require(try await subject.ledger.spent(apiKeyID: key) == usd(250_000), "the cost is spent")
            try await require(try await subject.ledger.place(hold(key, 750_000), budget: budget, now: now), "what is left can be held")
            try await require(try await !subject.ledger.place(hold(key, 1), budget: budget, now: now), "and no more")
        },
        ContractCase("a group of records releases each hold and adds each cost") { subject in
            let budget = usd(1_000_000)
            let first = try await key(subject.keys, budget: budget)
            let second = try await key(subject.keys, budget: budget)
            let holds = [hold(first, 300_000), hold(first, 300_000), hold(second, 300_000)]
            for placed in holds { try await require(try await subject.ledger.place(placed, budget: budget, now: now), "placed") }
            try await subject.ledger.recordAll([
                (record(first, cost: 100_000), holds[0]), (record(first, cost: 200_000), holds[1]), (record(second, cost: 50_000), holds[2]),
                (record(second, cost: 0), nil),
            ])
            try await require(try await subject.ledger.spent(apiKeyID: first) == usd(300_000), "both costs of the first key")
            try await require(try await subject.ledger.spent(apiKeyID: second) == usd(50_000), "the second key's")
            try await require(try await subject.ledger.place(hold(first, 700_000), budget: budget, now: now), "the holds are released")
            try await require(try await subject.ledger.totals(apiKeyID: second).requests == 2, "every record is kept")
        },
        ContractCase("a spent budget holds nothing, not even alone") { subject in
            let budget = usd(100)
            let key = try await key(subject.keys, budget: budget)
            try await subject.ledger.record(record(key, cost: 100), releasing: nil)
            try await require(try await !subject.ledger.place(hold(key, 1), budget: budget, now: now), "nothing is left")
        },
        ContractCase("holds of a process that died expire") { subject in
            let budget = usd(1_000)
            let key = try await key(subject.keys, budget: budget)
            try await require(try await subject.ledger.place(hold(key, 900, expires: 60), budget: budget, now: now), "placed, then abandoned")
            try await require(try await !subject.ledger.place(hold(key, 900), budget: budget, now: now), "still held")
            let later = now.addingTimeInterval(61)
            try await require(try await subject.ledger.place(hold(key, 900, expires: 600), budget: budget, now: later), "released after expiry")
        },
        ContractCase("of concurrent holds only what fits is placed") { subject in
            let budget = usd(1_000)
            let key = try await key(subject.keys, budget: budget)
            // A first hold makes the lone-call rule irrelevant for the rest.
            try await require(try await subject.ledger.place(hold(key, 100), budget: budget, now: now), "first")
            let placed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 { group.addTask { try await subject.ledger.place(hold(key, 100), budget: budget, now: now) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try await require(placed == 9, "\(placed) of 20 concurrent holds of 100 placed beside 100 in a budget of 1000")
        },
        ContractCase("calls recorded while others are placed never take a key past its budget") { subject in
            // Each call costs exactly what it holds, so a ledger that counts every call as either
            // spent or held at every moment never lets spending pass the budget.
            let budget = usd(1_000)
            let key = try await key(subject.keys, budget: budget)
            let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        var admitted = 0
                        for _ in 0..<15 {
                            let held = hold(key, 100)
                            guard try await subject.ledger.place(held, budget: budget, now: now) else { continue }
                            admitted += 1
                            try await subject.ledger.record(record(key, cost: 100), releasing: held)
                        }
                        return admitted
                    }
                }
                return try await group.reduce(0, +)
            }
            let spent = try await subject.ledger.spent(apiKeyID: key)
            try await require(spent <= budget, "\(admitted) calls of 100 admitted, \(spent.microunits) spent of a budget of 1000")
        },
    ]
}
