import Foundation

/// The SQL dialect a backend speaks. Statements are written once in the subset both
/// understand; the few differences are asked of the dialect.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// A row lock for a read that precedes an update in the same transaction. SQLite
    /// needs none: a write transaction there holds the whole database.
    public var forUpdate: String { self == .postgres ? " FOR UPDATE" : "" }

    /// `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that replicas claiming due rows never
    /// wait for each other nor claim the same row.
    public var forUpdateSkipLocked: String { self == .postgres ? " FOR UPDATE SKIP LOCKED" : "" }
}

/// Runs statements: the database itself (each statement its own transaction) or an open
/// transaction. Placeholders are `?` (in order) or `?NNN` (numbered, reusable).
///
/// Every error thrown is a ``StoreError`` with a code (`store_unavailable`,
/// `store_conflict`, `store_constraint`, `store_failed`, ...), never a driver error.
public protocol SQLExecutor: Sendable {
    var dialect: SQLDialect { get }
    /// Runs a statement and returns the rows it produced (`RETURNING` included).
    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow]
    /// Runs a statement whose rows, if any, are not needed.
    func execute(_ sql: String, _ arguments: [SQLValue]) async throws
    /// Runs `body` atomically: in a new transaction on a database, inline inside an open one.
    func atomically<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result
}

extension SQLExecutor {
    public func query(_ sql: String, _ arguments: SQLValueConvertible...) async throws -> [SQLRow] {
        try await query(sql, arguments.map(\.sqlValue))
    }

    public func execute(_ sql: String, _ arguments: SQLValueConvertible...) async throws {
        try await execute(sql, arguments.map(\.sqlValue))
    }

    /// The first row, if any.
    public func queryOne(_ sql: String, _ arguments: SQLValueConvertible...) async throws -> SQLRow? {
        try await query(sql, arguments.map(\.sqlValue)).first
    }
}

/// A database: statements, transactions across statements, and shutdown.
public protocol SQLDatabase: SQLExecutor {
    /// Runs `body` in one transaction: everything it writes is committed together when it
    /// returns, and nothing is kept when it throws (or its task is cancelled).
    ///
    /// The body must only do store work: it holds the database's write lock (SQLite) or a
    /// pooled connection (PostgreSQL) while it runs.
    func transaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result
    /// Closes connections; later calls fail with `store_closed`.
    func close() async
}

extension SQLDatabase {
    public func atomically<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result {
        try await transaction(body)
    }
}

/// An executor inside an open transaction: more atomic work simply joins it.
protocol TransactionExecutor: SQLExecutor {}

extension TransactionExecutor {
    func atomically<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result {
        try await body(self)
    }
}
