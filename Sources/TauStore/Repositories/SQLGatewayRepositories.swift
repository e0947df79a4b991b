import Foundation
import TauCore
import TauProviders

/// ``APIKeyRepository`` in the store.
public struct SQLAPIKeyRepository: APIKeyRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func insert(_ key: APIKey) async throws {
        let models = key.allowedModels.map { JSONValue.array($0.map(JSONValue.string)).canonicalString() }
        try await executor.execute(
            """
            INSERT INTO gateway_api_keys (id, name, secret_hash, created_at_ms, revoked_at_ms, budget_micros, spent_micros, held_micros, rpm, models)
            VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)
            """,
            [
                .text(key.id), .text(key.name), .text(key.secretHash), key.createdAt.sqlValue, key.revokedAt.sqlValue,
                key.budget?.microunits.sqlValue ?? .null, key.requestsPerMinute.sqlValue, models.sqlValue,
            ])
    }

    public func key(id: String) async throws -> APIKey? {
        try await executor.queryOne("SELECT * FROM gateway_api_keys WHERE id = ?", id).map(Self.key(from:))
    }

    public func all() async throws -> [APIKey] {
        try await executor.query("SELECT * FROM gateway_api_keys ORDER BY created_at_ms, id").map(Self.key(from:))
    }

    public func revoke(id: String, at time: Date) async throws -> Bool {
        try await !executor.query(
            "UPDATE gateway_api_keys SET revoked_at_ms = COALESCE(revoked_at_ms, ?) WHERE id = ? RETURNING id", time.epochMilliseconds, id
        ).isEmpty
    }

    static func key(from row: SQLRow) throws -> APIKey {
        let models = row.optionalString("models").flatMap { try? JSONValue(parsing: $0) }?.arrayValue?.compactMap(\.stringValue)
        return APIKey(
            id: try row.string("id"), name: try row.string("name"), secretHash: try row.string("secret_hash"),
            createdAt: try row.date("created_at_ms"), revokedAt: row.optionalDate("revoked_at_ms"),
            budget: row.optionalInt64("budget_micros").map { Money(microunits: $0, currency: .usd) }, requestsPerMinute: row.optionalInt("rpm"),
            allowedModels: models)
    }
}

/// ``UsageRepository`` in the store. Recording a call also adds its cost to its key's
/// spending, in the same transaction.
public struct SQLUsageRepository: UsageRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func record(_ record: UsageRecord) async throws {
        try await self.record(record, releasing: nil)
    }

    public func record(_ record: UsageRecord, releasing hold: BudgetHold?) async throws {
        try await recordAll([(record, hold)])
    }

    /// Writes the records, releases their holds and adds their costs to their keys, in one
    /// transaction (the group commit of ``GroupCommitLedger``) of a few statements whatever the
    /// number of records: each statement is a hop to the database, and under load a hop waits
    /// behind the whole server's work.
    public func recordAll(_ records: [(UsageRecord, BudgetHold?)]) async throws {
        guard !records.isEmpty else { return }
        try await executor.atomically { tx in
            var start = 0
            for size in Self.statementSizes(records.count) {
                try await Self.write(records[start..<start + size], in: tx)
                start += size
            }
        }
    }

    /// Records per statement at most: 14 parameters each, well under SQLite's 32,766 and
    /// PostgreSQL's 65,535.
    static let recordsPerStatement = 256

    /// Splits `count` rows into statements of power-of-two sizes, largest first (200 is 128,
    /// 64 and 8): each size is one statement text, prepared once and kept by the connection,
    /// so at most nine texts exist whatever the group sizes (one per size would keep up to
    /// 256 large prepared statements per connection).
    static func statementSizes(_ count: Int) -> [Int] {
        var sizes: [Int] = []
        var remaining = count
        while remaining > 0 {
            var size = recordsPerStatement
            while size > remaining { size /= 2 }
            sizes.append(size)
            remaining -= size
        }
        return sizes
    }

    private static let usageColumns = """
        INSERT INTO gateway_usage (time_ms, api_key_id, session_id, requested_model, model, route, input_tokens, output_tokens,
            cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_micros, status, latency_ms)
        VALUES
        """

    private static func write(_ records: ArraySlice<(UsageRecord, BudgetHold?)>, in tx: any SQLExecutor) async throws {
        var values: [SQLValue] = []
        values.reserveCapacity(records.count * 14)
        for (record, _) in records {
            values += [
                record.time.sqlValue, record.apiKeyID.sqlValue, record.sessionID.sqlValue, .text(record.requestedModel),
                .text(record.model), .text(record.route), record.usage.inputTokens.sqlValue, record.usage.outputTokens.sqlValue,
                record.usage.cachedInputTokens.sqlValue, record.usage.cacheWriteTokens.sqlValue, record.usage.reasoningTokens.sqlValue,
                record.cost?.microunits.sqlValue ?? .null, .text(record.status), record.latencyMilliseconds.sqlValue,
            ]
        }
        let row = "(" + Array(repeating: "?", count: 14).joined(separator: ", ") + ")"
        try await tx.execute(usageColumns + " " + Array(repeating: row, count: records.count).joined(separator: ", "), values)
        // A hold already released (expired and swept) releases nothing.
        let holdIDs = Array(Set(records.compactMap { $0.1?.id }))
        var released: [String: Int64] = [:]
        var start = 0
        for size in statementSizes(holdIDs.count) {
            let placeholders = Array(repeating: "?", count: size).joined(separator: ", ")
            let rows = try await tx.query(
                "DELETE FROM gateway_budget_holds WHERE id IN (\(placeholders)) RETURNING id, amount_micros",
                holdIDs[start..<start + size].map(SQLValue.text))
            for row in rows { released[try row.string("id")] = try row.int64("amount_micros") }
            start += size
        }
        // One update per key, in key order.
        var perKey: [String: (spent: Int64, released: Int64)] = [:]
        for (record, hold) in records {
            guard let key = record.apiKeyID else { continue }
            var totals = perKey[key] ?? (0, 0)
            totals.spent += record.cost?.microunits ?? 0
            if let id = hold?.id, let amount = released.removeValue(forKey: id) { totals.released += amount }
            perKey[key] = totals
        }
        for (key, totals) in perKey.sorted(by: { $0.key < $1.key }) where totals.spent != 0 || totals.released != 0 {
            try await tx.execute(
                "UPDATE gateway_api_keys SET spent_micros = spent_micros + ?, held_micros = held_micros - ? WHERE id = ?",
                totals.spent, totals.released, key)
        }
    }

    public func totals(apiKeyID: String) async throws -> UsageTotals {
        try await totals(where: "api_key_id = ?", apiKeyID)
    }

    public func totals(sessionID: String) async throws -> UsageTotals {
        try await totals(where: "session_id = ?", sessionID)
    }

    private func totals(where condition: String, _ value: String) async throws -> UsageTotals {
        guard
            let row = try await executor.queryOne(
                """
                SELECT COUNT(*) AS requests, CAST(COALESCE(SUM(input_tokens), 0) AS BIGINT) AS input,
                    CAST(COALESCE(SUM(output_tokens), 0) AS BIGINT) AS output,
                    CAST(COALESCE(SUM(cached_input_tokens), 0) AS BIGINT) AS cached,
                    CAST(COALESCE(SUM(cost_micros), 0) AS BIGINT) AS cost
                FROM gateway_usage WHERE \(condition)
                """, value)
        else { return UsageTotals() }
        return UsageTotals(
            requests: try row.int("requests"), inputTokens: try row.int("input"), outputTokens: try row.int("output"),
            cachedInputTokens: try row.int("cached"), cost: Money(microunits: try row.int64("cost"), currency: .usd))
    }

    public func recent(limit: Int) async throws -> [UsageRecord] {
        try await executor.query("SELECT * FROM gateway_usage ORDER BY id DESC LIMIT ?", max(0, limit)).map { row in
            UsageRecord(
                time: try row.date("time_ms"), apiKeyID: row.optionalString("api_key_id"), sessionID: row.optionalString("session_id"),
                requestedModel: try row.string("requested_model"), model: try row.string("model"), route: try row.string("route"),
                usage: Usage(
                    inputTokens: try row.int("input_tokens"), outputTokens: try row.int("output_tokens"),
                    cachedInputTokens: try row.int("cached_input_tokens"), cacheWriteTokens: try row.int("cache_write_tokens"),
                    reasoningTokens: try row.int("reasoning_tokens")),
                cost: row.optionalInt64("cost_micros").map { Money(microunits: $0, currency: .usd) }, status: try row.string("status"),
                latencyMilliseconds: try row.int("latency_ms"))
        }
    }
}

extension SQLUsageRepository: BudgetLedger {
    public func spent(apiKeyID: String) async throws -> Money {
        let micros = try await executor.queryOne("SELECT spent_micros FROM gateway_api_keys WHERE id = ?", apiKeyID)?.int64("spent_micros")
        return Money(microunits: micros ?? 0, currency: .usd)
    }

    public func place(_ hold: BudgetHold, budget: Money, now: Date) async throws -> Bool {
        try await executor.atomically { tx in
            // Holds of processes that died are given back before anything is decided.
            let expired = try await tx.query(
                "DELETE FROM gateway_budget_holds WHERE api_key_id = ? AND expires_at_ms < ? RETURNING amount_micros",
                hold.apiKeyID, now.epochMilliseconds
            ).reduce(Int64(0)) { $0 + (try $1.int64("amount_micros")) }
            if expired != 0 {
                try await tx.execute("UPDATE gateway_api_keys SET held_micros = held_micros - ? WHERE id = ?", expired, hold.apiKeyID)
            }
            // One statement decides and takes: the row lock (or SQLite's write lock) makes it atomic.
            let placed = try await tx.query(
                """
                UPDATE gateway_api_keys SET held_micros = held_micros + ?1
                WHERE id = ?2 AND spent_micros < ?3
                    AND (held_micros = 0 OR spent_micros + held_micros + ?1 <= ?3)
                RETURNING held_micros
                """, hold.amount.microunits, hold.apiKeyID, budget.microunits)
            guard !placed.isEmpty else { return false }
            try await tx.execute(
                "INSERT INTO gateway_budget_holds (id, api_key_id, amount_micros, expires_at_ms) VALUES (?, ?, ?, ?)",
                hold.id, hold.apiKeyID, hold.amount.microunits, hold.expiresAt.epochMilliseconds)
            return true
        }
    }
}
