import Foundation
import TauCore

/// Moves the data of a node.sqlite written by tau-node 0.1 (GRDB migrations `v1-did-logs`
/// … `v4-gateway`, times as REAL seconds, amounts as REAL dollars) into the current
/// tables, then drops the old ones. A database without them is left alone.
enum LegacyImport {
    static let migration = Migration(domain: "legacy", version: 1, name: "import-0.1-sqlite") { tx in
        guard tx.dialect == .sqlite,
            try await !tx.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'did_log'").isEmpty
        else { return }
        for row in try await tx.query("SELECT * FROM did_log") {
            // 0.1 kept one RFC 3339 text for "last checked"; it serves as both times now.
            let stamp = row.optionalString("updated_at").flatMap { try? Timestamp.parse($0) } ?? Date(timeIntervalSince1970: 0)
            try await tx.execute(
                """
                INSERT INTO identity_did_logs (did, origin, head_version, head_version_id, deactivated, log_jsonl, updated_at_ms, checked_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                try row.string("did"), try row.string("origin"), try row.int64("head_version"), try row.string("head_version_id"),
                try row.bool("deactivated"), try row.string("log_jsonl"), stamp.epochMilliseconds, stamp.epochMilliseconds)
        }
        let copies: [(table: String, statement: String)] = [
            ("replay_cache", """
            INSERT INTO envelope_replay (sender, message_id, retain_until_ms)
            SELECT sender, message_id, CAST(ROUND(retain_until * 1000) AS INTEGER) FROM replay_cache
            """),
            ("peer", """
            INSERT INTO mesh_peers (did, endpoint, first_seen_ms, last_seen_ms, log_head, state, failures, next_attempt_ms, capabilities, node_version)
            SELECT did, endpoint, CAST(ROUND(first_seen * 1000) AS INTEGER), CAST(ROUND(last_seen * 1000) AS INTEGER), log_head, state,
                failures, CAST(ROUND(next_attempt * 1000) AS INTEGER), capabilities, node_version FROM peer
            """),
            ("usage", """
            INSERT INTO gateway_usage (time_ms, api_key_id, session_id, requested_model, model, route, input_tokens, output_tokens,
                cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_micros, status, latency_ms)
            SELECT CAST(ROUND(time * 1000) AS INTEGER), api_key_id, session_id, requested_model, model, route, input_tokens, output_tokens,
                cached_input_tokens, cache_write_tokens, reasoning_tokens, CAST(ROUND(cost_usd * 1000000) AS INTEGER), status, latency_ms
            FROM usage ORDER BY id
            """),
            ("api_key", """
            INSERT INTO gateway_api_keys (id, name, secret_hash, created_at_ms, revoked_at_ms, budget_micros, spent_micros, held_micros, rpm, models)
            SELECT id, name, secret_hash, CAST(ROUND(created_at * 1000) AS INTEGER), CAST(ROUND(revoked_at * 1000) AS INTEGER),
                CAST(ROUND(budget_usd * 1000000) AS INTEGER),
                (SELECT COALESCE(SUM(cost_micros), 0) FROM gateway_usage WHERE gateway_usage.api_key_id = api_key.id), 0, rpm, models
            FROM api_key
            """),
        ]
        // Databases from before the gateway (or the mesh) lack some of the tables.
        for (table, statement) in copies {
            guard try await !tx.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", table).isEmpty else { continue }
            try await tx.execute(statement, [])
            try await tx.execute("DROP TABLE \(table)", [])
        }
        try await tx.execute("DROP TABLE did_log", [])
        try await tx.execute("DROP TABLE IF EXISTS grdb_migrations", [])
    }
}
