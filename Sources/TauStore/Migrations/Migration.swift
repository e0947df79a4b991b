import Foundation
import TauCore

/// One schema change of one domain (`identity`, `envelope`, `mesh`, `gateway`, ...).
///
/// Versions count from 1 within a domain. The statements are written for both backends;
/// where the two differ (an auto-numbered key, say), a migration gives each its own.
public struct Migration: Sendable {
    public let domain: String
    public let version: Int
    public let name: String
    let apply: @Sendable (any SQLExecutor) async throws -> Void

    /// The same statements on every backend.
    public init(domain: String, version: Int, name: String, _ statements: [String]) {
        self.init(domain: domain, version: version, name: name) { executor in
            for statement in statements { try await executor.execute(statement, []) }
        }
    }

    /// Statements per backend.
    public init(domain: String, version: Int, name: String, sqlite: [String], postgres: [String]) {
        self.init(domain: domain, version: version, name: name) { executor in
            for statement in executor.dialect == .sqlite ? sqlite : postgres { try await executor.execute(statement, []) }
        }
    }

    /// A change that needs code (data conversion).
    public init(domain: String, version: Int, name: String, apply: @escaping @Sendable (any SQLExecutor) async throws -> Void) {
        self.domain = domain
        self.version = version
        self.name = name
        self.apply = apply
    }
}

/// Applies pending migrations, all in one transaction, with replicas that start at the same
/// time taking turns (an advisory lock on PostgreSQL, the write lock on SQLite).
enum Migrator {
    /// An arbitrary constant that names tau-node's migration lock on PostgreSQL.
    static let advisoryLock: Int64 = 0x7461_755F_6D69_6772

    /// - Returns: the names of the migrations applied now.
    /// - Throws: `store_schema_newer` when the database holds versions this build does
    ///   not know; `store_migration_failed` (nothing applied) when a step fails.
    @discardableResult
    static func migrate(_ database: any SQLDatabase, _ migrations: [Migration], now: Date) async throws -> [String] {
        try await database.transaction { tx in
            if tx.dialect == .postgres {
                try await tx.execute("SELECT pg_advisory_xact_lock(?)", advisoryLock)
            }
            try await tx.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    domain TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL,
                    PRIMARY KEY (domain, version))
                """)
            var applied: Set<String> = []
            var newest: [String: Int] = [:]
            for row in try await tx.query("SELECT domain, version FROM schema_migrations") {
                let domain = try row.string("domain")
                let version = try row.int("version")
                applied.insert("\(domain)/\(version)")
                newest[domain] = max(newest[domain] ?? 0, version)
            }
            var known: [String: Int] = [:]
            for migration in migrations { known[migration.domain] = max(known[migration.domain] ?? 0, migration.version) }
            for (domain, version) in newest where version > (known[domain] ?? 0) {
                throw StoreError(
                    "store_schema_newer",
                    "the database holds \(domain) schema version \(version), newer than this tau-node knows (\(known[domain] ?? 0)); upgrade tau-node",
                    category: .conflict)
            }
            var done: [String] = []
            for migration in migrations where !applied.contains("\(migration.domain)/\(migration.version)") {
                do {
                    try await migration.apply(tx)
                } catch let error as StoreError where error.isTransient {
                    throw error
                } catch {
                    throw StoreError("store_migration_failed", "\(migration.domain) \(migration.version) (\(migration.name)): \(error)", cause: error)
                }
                try await tx.execute(
                    "INSERT INTO schema_migrations (domain, version, name, applied_at_ms) VALUES (?, ?, ?, ?)",
                    migration.domain, migration.version, migration.name, now.epochMilliseconds)
                done.append("\(migration.domain)/\(migration.version)-\(migration.name)")
            }
            return done
        }
    }
}
