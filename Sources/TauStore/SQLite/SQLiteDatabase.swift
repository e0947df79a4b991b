import Foundation
internal import GRDB
import TauCore

/// ``SQLDatabase`` on an SQLite file through GRDB, in WAL mode so that the daemon and CLI
/// commands can use it at the same time.
///
/// Reads outside a transaction run on GRDB's reader pool (a consistent snapshot each);
/// every write passes one ``WriterGate`` and runs on the single writer connection, where a
/// transaction started with `BEGIN IMMEDIATE` stays open across the body's awaits.
final class SQLiteDatabase: SQLDatabase {
    let pool: DatabasePool
    let path: String
    private let gate = WriterGate()
    var dialect: SQLDialect { .sqlite }

    /// Opens (creating if needed) the database at `path`.
    /// - Throws: `store_unavailable` when the file cannot be opened.
    init(path: String) throws(StoreError) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.label = "tau-node"
        // Transactions span awaits (see WriterGate); GRDB would otherwise refuse to leave
        // one open between two accesses.
        configuration.allowsUnsafeTransactions = true
        // WAL's default (NORMAL) may lose the last commits on power loss; identity and
        // ledger writes must be on disk before the keystore moves on.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.unavailable("cannot open \(path): \(SQLiteDatabase.describe(error))")
        }
        self.path = path
    }

    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        if SQLiteDatabase.isRead(sql) {
            return try await run { try await self.pool.read { db in try SQLiteDatabase.fetch(db, sql, arguments) } }
        }
        return try await gate.withGate {
            try await run {
                try await self.pool.writeWithoutTransaction { db in
                    var rows: [SQLRow] = []
                    try db.inTransaction(.immediate) {
                        rows = try SQLiteDatabase.fetch(db, sql, arguments)
                        return .commit
                    }
                    return rows
                }
            }
        }
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) async throws {
        _ = try await query(sql, arguments)
    }

    func transaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result {
        try await gate.withGate {
            try await run { try await self.pool.writeWithoutTransaction { db in try db.beginTransaction(.immediate) } }
            do {
                let result = try await body(SQLiteTransaction(pool: pool))
                try await finish { db in try db.commit() }
                return result
            } catch {
                try? await finish { db in if db.isInsideTransaction { try db.rollback() } }
                throw SQLiteDatabase.map(error)
            }
        }
    }

    func close() async {
        try? pool.close()
    }

    /// Ends the open transaction even when the caller's task was cancelled: an unstructured
    /// task does not inherit the cancellation, and a transaction must never stay open.
    private func finish(_ end: @escaping @Sendable (Database) throws -> Void) async throws {
        let pool = pool
        try await Task { try await SQLiteDatabase.run { try await pool.writeWithoutTransaction(end) } }.value
    }

    /// Maps GRDB's errors to store errors.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw map(error)
        }
    }

    private func run<T>(_ body: () async throws -> T) async throws -> T {
        try await SQLiteDatabase.run(body)
    }

    static func map(_ error: any Error) -> any Error {
        if error is StoreError || error is CancellationError { return error }
        guard let database = error as? DatabaseError else { return error }
        let text = describe(database)
        switch database.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreError.conflict("the database is busy: \(text)", cause: database)
        case .SQLITE_CONSTRAINT: return StoreError("store_constraint", text, category: .conflict, cause: database)
        case .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_NOTADB: return StoreError.unavailable(text, cause: database)
        case .SQLITE_FULL: return StoreError("store_failed", "the disk is full: \(text)", cause: database)
        case .SQLITE_INTERRUPT: return CancellationError()
        default: return StoreError("store_failed", text, cause: database)
        }
    }

    static func describe(_ error: any Error) -> String {
        if let database = error as? DatabaseError { return database.message ?? "\(database.resultCode)" }
        return "\(error)"
    }

    static func isCacheable(_ sql: String) -> Bool {
        ["SELECT", "INSERT", "UPDATE", "DELETE"].contains(leadingWord(of: sql))
    }

    static func isRead(_ sql: String) -> Bool {
        leadingWord(of: sql) == "SELECT"
    }

    /// The first six bytes after leading whitespace, upper-cased. Runs for every statement,
    /// so it reads ASCII bytes rather than Characters (grapheme breaking showed in profiles).
    static func leadingWord(of sql: String) -> String {
        let bytes = sql.utf8.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }.prefix(6)
        return String(decoding: bytes.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    static func fetch(_ db: Database, _ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let values = arguments.map { value -> DatabaseValue in
            switch value {
            case .null: return .null
            case .integer(let integer): return integer.databaseValue
            case .real(let real): return real.databaseValue
            case .text(let text): return text.databaseValue
            case .bool(let bool): return (bool ? 1 : 0 as Int64).databaseValue
            case .blob(let bytes): return Data(bytes).databaseValue
            }
        }
        // Data statements are prepared once per connection and reused: preparing (parsing,
        // planning, GRDB's authorizer) cost more than running them. Their texts are fixed
        // (values are always arguments), so the cache stays small; schema statements are not kept.
        let statement = isCacheable(sql) ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        return try Row.fetchAll(statement, arguments: StatementArguments(values)).map { row in
            SQLRow(
                columns: Array(row.columnNames),
                values: row.databaseValues.map { value in
                    switch value.storage {
                    case .null: .null
                    case .int64(let integer): .integer(integer)
                    case .double(let real): .real(real)
                    case .string(let text): .text(text)
                    case .blob(let data): .blob([UInt8](data))
                    }
                })
        }
    }
}

/// Statements inside a ``SQLiteDatabase`` transaction: all on the writer connection,
/// which holds the open transaction.
struct SQLiteTransaction: TransactionExecutor {
    let pool: DatabasePool
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        try await SQLiteDatabase.run {
            try await pool.writeWithoutTransaction { db in
                guard db.isInsideTransaction else {
                    // SQLite rolled back on its own (an interrupt); nothing more may be written.
                    throw StoreError.conflict("the transaction was rolled back")
                }
                return try SQLiteDatabase.fetch(db, sql, arguments)
            }
        }
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) async throws {
        _ = try await query(sql, arguments)
    }
}
