import Foundation
import GRDB
import TauCore
import TauProviders

/// The `budget_usd` and `cost_usd` columns are REAL dollars; amounts cross them as integer
/// micro-USD converted by SQLite (a micro-USD count divided by 10^6 on the way in, multiplied
/// and rounded on the way out), so that no amount is ever a Swift `Double`.
enum MicroUSD {
    /// The REAL value of a bound micro-USD integer.
    static let toReal = "CAST(? AS REAL) / 1000000"

    /// The micro-USD integer of a REAL column (NULL stays NULL).
    static func from(_ column: String) -> String { "CAST(ROUND(\(column) * 1000000) AS INTEGER)" }

    static func money(_ microunits: Int64?) -> Money? {
        microunits.map { Money(microunits: $0, currency: .usd) }
    }
}

/// ``APIKeyRepository`` in the node database.
public struct SQLiteAPIKeyRepository: APIKeyRepository {
    let database: NodeDatabase

    public init(database: NodeDatabase) {
        self.database = database
    }

    public func insert(_ key: APIKey) async throws {
        let models = key.allowedModels.map { JSONValue.array($0.map(JSONValue.string)).canonicalString() }
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_key (id, name, secret_hash, created_at, revoked_at, budget_usd, rpm, models)
                    VALUES (?, ?, ?, ?, ?, \(MicroUSD.toReal), ?, ?)
                    """,
                arguments: [
                    key.id, key.name, key.secretHash, key.createdAt.timeIntervalSince1970, key.revokedAt?.timeIntervalSince1970,
                    key.budget?.microunits, key.requestsPerMinute, models,
                ])
        }
    }

    public func key(id: String) async throws -> APIKey? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM api_key WHERE id = ?", arguments: [id]).map(Self.key(from:))
        }
    }

    public func all() async throws -> [APIKey] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM api_key ORDER BY created_at, id").map(Self.key(from:))
        }
    }

    public func revoke(id: String, at time: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(
                sql: "UPDATE api_key SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
                arguments: [time.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    private static let columns = "*, \(MicroUSD.from("budget_usd")) AS budget_micro_usd"

    private static func key(from row: Row) -> APIKey {
        let models = (row["models"] as String?).flatMap { try? JSONValue(parsing: $0) }?.arrayValue?.compactMap(\.stringValue)
        return APIKey(
            id: row["id"], name: row["name"], secretHash: row["secret_hash"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            budget: MicroUSD.money(row["budget_micro_usd"]), requestsPerMinute: row["rpm"], allowedModels: models)
    }
}

/// ``UsageRepository`` in the node database.
public struct SQLiteUsageRepository: UsageRepository {
    let database: NodeDatabase

    public init(database: NodeDatabase) {
        self.database = database
    }

    public func record(_ record: UsageRecord) async throws {
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO usage (time, api_key_id, session_id, requested_model, model, route, input_tokens, output_tokens,
                        cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, status, latency_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(MicroUSD.toReal), ?, ?)
                    """,
                arguments: [
                    record.time.timeIntervalSince1970, record.apiKeyID, record.sessionID, record.requestedModel, record.model,
                    record.route, record.usage.inputTokens, record.usage.outputTokens, record.usage.cachedInputTokens,
                    record.usage.cacheWriteTokens, record.usage.reasoningTokens, record.cost?.microunits, record.status,
                    record.latencyMilliseconds,
                ])
        }
    }

    public func totals(apiKeyID: String) async throws -> UsageTotals {
        try await totals(where: "api_key_id = ?", apiKeyID)
    }

    public func totals(sessionID: String) async throws -> UsageTotals {
        try await totals(where: "session_id = ?", sessionID)
    }

    private func totals(where condition: String, _ value: String) async throws -> UsageTotals {
        try await database.pool.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS requests, COALESCE(SUM(input_tokens), 0) AS input, COALESCE(SUM(output_tokens), 0) AS output,
                        COALESCE(SUM(cached_input_tokens), 0) AS cached, COALESCE(SUM(\(MicroUSD.from("cost_usd"))), 0) AS cost
                    FROM usage WHERE \(condition)
                    """, arguments: [value])
            guard let row else { return UsageTotals() }
            return UsageTotals(
                requests: row["requests"], inputTokens: row["input"], outputTokens: row["output"], cachedInputTokens: row["cached"],
                cost: Money(microunits: row["cost"], currency: .usd))
        }
    }

    public func recent(limit: Int) async throws -> [UsageRecord] {
        try await database.pool.read { db in
            let sql = "SELECT *, \(MicroUSD.from("cost_usd")) AS cost_micro_usd FROM usage ORDER BY id DESC LIMIT ?"
            return try Row.fetchAll(db, sql: sql, arguments: [limit]).map { row in
                UsageRecord(
                    time: Date(timeIntervalSince1970: row["time"]), apiKeyID: row["api_key_id"], sessionID: row["session_id"],
                    requestedModel: row["requested_model"], model: row["model"], route: row["route"],
                    usage: Usage(
                        inputTokens: row["input_tokens"], outputTokens: row["output_tokens"],
                        cachedInputTokens: row["cached_input_tokens"], cacheWriteTokens: row["cache_write_tokens"],
                        reasoningTokens: row["reasoning_tokens"]),
                    cost: MicroUSD.money(row["cost_micro_usd"]), status: row["status"], latencyMilliseconds: row["latency_ms"])
            }
        }
    }
}
