import Foundation
import Logging
import TauCore

/// Where a node keeps its data.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file (`node.sqlite` in the node home), the embedded default.
    case sqlite(path: String)
    /// A PostgreSQL database, shared by every replica of the node (`TAU_DATABASE_URL`).
    case postgres(url: String)

    /// The location without secrets, for messages and logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return (try? PostgresLocation(url: url).redacted) ?? "postgres://…"
        }
    }
}

/// The node's data: every repository over one database, and transactions across them.
///
/// ```swift
/// let store = try await Store.open(.sqlite(path: home.databasePath))
/// try await store.transaction { tx in
///     try await tx.peers.save(peer)
///     _ = try await tx.replayCache.markSeen(sender: did, id: id, retainUntil: until)
/// }
/// ```
///
/// Repositories used outside a transaction commit each call on its own. Nothing outside
/// TauStore sees which database is underneath.
@dynamicMemberLookup
public final class Store: Sendable {
    public let location: StoreLocation
    let database: any SQLDatabase
    let direct: StoreAccess

    private init(location: StoreLocation, database: any SQLDatabase, now: @escaping @Sendable () -> Date) {
        self.location = location
        self.database = database
        self.direct = StoreAccess(executor: database, now: now)
    }

    /// The repositories, each call committed on its own: `store.peers`, `store.didLogs`, ...
    public subscript<Repository>(dynamicMember keyPath: KeyPath<StoreAccess, Repository>) -> Repository {
        direct[keyPath: keyPath]
    }

    /// Opens the store and brings its schema up to date.
    /// - Parameters:
    ///   - timeout: how long one PostgreSQL call may take before it fails with
    ///     `store_unavailable` (also the connect timeout).
    ///   - clock: measures that timeout.
    ///   - now: wall time for rows that record when something happened.
    /// - Throws: ``StoreError`` — `store_unavailable` (cannot open or reach the database),
    ///   `store_url_invalid`, `store_schema_newer`, `store_migration_failed`.
    public static func open(
        _ location: StoreLocation, timeout: Duration = .seconds(5), clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "tau.store")
    ) async throws(StoreError) -> Store {
        let database: any SQLDatabase
        switch location {
        case .sqlite(let path):
            database = try SQLiteDatabase(path: path)
        case .postgres(let url):
            let postgres = try PostgresLocation(url: url)
            try await PostgresDatabase.probe(postgres, timeout: timeout, logger: logger)
            database = PostgresDatabase(location: postgres, timeout: timeout, clock: clock, logger: logger)
        }
        do {
            // One plain round trip first: an unreachable server fails within `timeout`, not
            // within the longer deadline a migrating transaction gets.
            _ = try await database.query("SELECT 1 AS alive", [])
            try await Migrator.migrate(database, StoreSchema.migrations, now: now())
        } catch {
            await database.close()
            if let error = error as? StoreError { throw error }
            throw StoreError("store_migration_failed", "\(error)", cause: error)
        }
        return Store(location: location, database: database, now: now)
    }

    /// Which database the store uses.
    public var backend: SQLDialect { database.dialect }

    /// Runs `body` in one transaction across repositories: all of its writes are kept
    /// when it returns, none when it throws. The body must do only store work, and must
    /// use `tx`, never the store itself (that fails with `store_nested_transaction`).
    public func transaction<Result: Sendable>(_ body: @Sendable (StoreAccess) async throws -> Result) async throws -> Result {
        let now = direct.now
        return try await database.transaction { executor in
            try await body(StoreAccess(executor: executor, now: now))
        }
    }

    /// The migrations applied to the database, `domain/version-name`.
    public func appliedMigrations() async throws -> [String] {
        try await database.query("SELECT domain, version, name FROM schema_migrations ORDER BY applied_at_ms, domain, version", [])
            .map { "\(try $0.string("domain"))/\(try $0.int("version"))-\(try $0.string("name"))" }
    }

    /// Answers whether the database can be reached now (for health checks).
    public func ping() async throws {
        _ = try await database.query("SELECT 1 AS alive", [])
    }

    /// Closes the database; calls afterwards fail.
    public func close() async {
        await database.close()
    }
}

/// The repositories over one executor: the store itself (each call commits on its own)
/// or an open transaction (see ``Store/transaction(_:)``).
public struct StoreAccess: Sendable {
    let executor: any SQLExecutor
    /// Wall time for rows that record when something happened.
    public let now: @Sendable () -> Date

    /// did:tau logs: the node's own and those it resolved.
    public var didLogs: SQLDIDLogRepository { SQLDIDLogRepository(executor: executor, now: now) }
    /// `(sender, id)` pairs of accepted signed messages.
    public var replayCache: SQLReplayCache { SQLReplayCache(executor: executor, now: now) }
    /// The mesh peer table.
    public var peers: SQLPeerRepository { SQLPeerRepository(executor: executor) }
    /// Token buckets shared by every process on this database.
    public var rateLimiter: SQLRateLimiter { SQLRateLimiter(executor: executor) }
    /// Timers any replica may claim when they come due.
    public var timers: SQLTimerQueue { SQLTimerQueue(executor: executor) }
    /// Gateway API keys (hashed), with their budgets and spending.
    public var apiKeys: SQLAPIKeyRepository { SQLAPIKeyRepository(executor: executor) }
    /// Usage and cost of model calls.
    public var usage: SQLUsageRepository { SQLUsageRepository(executor: executor) }
    /// Agent sessions and their entries.
    public var sessions: SQLSessionRepository { SQLSessionRepository(executor: executor) }
    /// The agent's full-text memory.
    public var memory: SQLMemoryRepository { SQLMemoryRepository(executor: executor) }
    /// Evidence about peers, for their reputation.
    public var reputation: SQLReputationRepository { SQLReputationRepository(executor: executor) }
    /// The node's double-entry ledger.
    public var ledger: SQLLedgerRepository { SQLLedgerRepository(executor: executor) }
    /// The node's escrows, stored with their postings.
    public var escrows: SQLEscrowRepository { SQLEscrowRepository(executor: executor) }
    /// Signed messages kept as escrow receipts.
    public var receipts: SQLEscrowReceiptRepository { SQLEscrowReceiptRepository(executor: executor) }
    /// Delegated tasks, both sides; the payee's task queue.
    public var delegations: SQLDelegationRepository { SQLDelegationRepository(executor: executor) }
    /// Runs of the runs API, shared by the replicas.
    public var agentRuns: SQLAgentRunRepository { SQLAgentRunRepository(executor: executor) }
    /// The agent's audit log of security-relevant events.
    public var audit: SQLAuditLog { SQLAuditLog(executor: executor) }
}

extension StoreLocation {
    /// Checks that the location can be used (a PostgreSQL URL parses) without opening it.
    /// - Throws: `store_url_invalid`.
    public func validate() throws(StoreError) {
        if case .postgres(let url) = self { _ = try PostgresLocation(url: url) }
    }
}
