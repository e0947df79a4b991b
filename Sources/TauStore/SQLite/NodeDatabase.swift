import Foundation
import GRDB
import TauCore

/// The node's embedded SQLite database (`node.sqlite` in the node home), opened
/// in WAL mode so that the daemon and CLI commands can use it at the same time.
/// Schema changes are versioned GRDB migrations, applied on open.
public final class NodeDatabase: Sendable {
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and migrates it.
    /// - Throws: ``StoreError`` `database_open_failed` or `database_migration_failed`.
    public init(path: String) throws(StoreError) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.label = "tau-node"
        // WAL's default (NORMAL) may lose the last commits on power loss; identity and
        // ledger writes must be on disk before the keystore moves on.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError("database_open_failed", "cannot open \(path): \(error)")
        }
        do {
            try NodeDatabase.migrator.migrate(pool)
        } catch {
            throw StoreError("database_migration_failed", "cannot migrate \(path): \(error)")
        }
    }

    /// The schema versions this build knows, newest last.
    public var appliedMigrations: [String] {
        get throws {
            try pool.read { try NodeDatabase.migrator.appliedMigrations($0) }
        }
    }

    /// The journal mode SQLite reports (`wal` for a healthy node database).
    public var journalMode: String {
        get throws {
            try pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-did-logs") { db in
            try db.create(table: "did_log") { table in
                table.primaryKey("did", .text)
                table.column("origin", .text).notNull()
                table.column("head_version", .integer).notNull()
                table.column("head_version_id", .text).notNull()
                table.column("deactivated", .boolean).notNull()
                table.column("log_jsonl", .text).notNull()
                table.column("updated_at", .text).notNull()
            }
        }
        migrator.registerMigration("v2-replay-cache") { db in
            try db.create(table: "replay_cache") { table in
                table.column("sender", .text).notNull()
                table.column("message_id", .text).notNull()
                table.column("retain_until", .double).notNull()
                table.primaryKey(["sender", "message_id"])
            }
            try db.create(index: "replay_cache_retain_until", on: "replay_cache", columns: ["retain_until"])
        }
        migrator.registerMigration("v3-peers") { db in
            try db.create(table: "peer") { table in
                table.primaryKey("did", .text)
                table.column("endpoint", .text).notNull()
                table.column("first_seen", .double).notNull()
                table.column("last_seen", .double)
                table.column("log_head", .text)
                table.column("state", .text).notNull()
                table.column("failures", .integer).notNull()
                table.column("next_attempt", .double).notNull()
                table.column("capabilities", .text).notNull()
                table.column("node_version", .text)
            }
        }
        migrator.registerMigration("v4-gateway") { db in
            try db.create(table: "api_key") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("secret_hash", .text).notNull()
                table.column("created_at", .double).notNull()
                table.column("revoked_at", .double)
                table.column("budget_usd", .double)
                table.column("rpm", .integer)
                table.column("models", .text)
            }
            try db.create(table: "usage") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("time", .double).notNull()
                table.column("api_key_id", .text)
                table.column("session_id", .text)
                table.column("requested_model", .text).notNull()
                table.column("model", .text).notNull()
                table.column("route", .text).notNull()
                table.column("input_tokens", .integer).notNull()
                table.column("output_tokens", .integer).notNull()
                table.column("cached_input_tokens", .integer).notNull()
                table.column("cache_write_tokens", .integer).notNull()
                table.column("reasoning_tokens", .integer).notNull()
                table.column("cost_usd", .double)
                table.column("status", .text).notNull()
                table.column("latency_ms", .integer).notNull()
            }
            try db.create(index: "usage_api_key", on: "usage", columns: ["api_key_id"])
            try db.create(index: "usage_session", on: "usage", columns: ["session_id"])
            try db.create(index: "usage_time", on: "usage", columns: ["time"])
        }
        return migrator
    }
}
