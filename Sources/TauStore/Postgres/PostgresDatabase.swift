import Foundation
import Logging
internal import NIOCore
internal import NIOPosix
internal import PostgresNIO

/// ``SQLDatabase`` on PostgreSQL through postgres-nio's pooled client.
///
/// The pool reconnects by itself after the server restarts; every call has a deadline
/// (`timeout`), so a server that is down or unreachable fails calls with
/// `store_unavailable` instead of leaving them waiting.
final class PostgresDatabase: SQLDatabase {
    let client: PostgresClient
    let location: PostgresLocation
    let timeout: Duration
    let clock: any Clock<Duration>
    let logger: Logger
    private let runner: Task<Void, Never>
    var dialect: SQLDialect { .postgres }

    init(location: PostgresLocation, timeout: Duration, clock: any Clock<Duration>, logger: Logger) {
        self.location = location
        self.timeout = timeout
        self.clock = clock
        var quiet = logger
        // The pool logs every failed reconnection attempt; the store reports failures itself.
        quiet.logLevel = max(logger.logLevel, .error)
        self.logger = quiet
        let client = PostgresClient(configuration: location.clientConfiguration(statementTimeout: timeout), backgroundLogger: quiet)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Connects once, alone, so that a server that refuses, a wrong password or a missing
    /// database is reported at once and precisely (the pool would keep retrying quietly).
    static func probe(_ location: PostgresLocation, timeout: Duration, logger: Logger) async throws(StoreError) {
        let target = location.redacted
        let connection: PostgresConnection
        do {
            let configuration = try location.connectionConfiguration(timeout: timeout)
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw StoreError.unavailable("cannot connect to \(target): \(describe(error))", cause: error)
        }
        try? await connection.close()
    }

    /// A short reason for a failed connection: the server's message, or the transport's.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if error.code == .sslUnsupported { return "the server does not offer TLS (use sslmode=disable or prefer)" }
        if let underlying = error.underlying {
            var cause = underlying
            if let connection = underlying as? NIOConnectionError, let last = connection.connectionErrors.last?.error {
                cause = last
            }
            if let io = cause as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
            return "\(cause)"
        }
        return "\(error.code)"
    }

    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        let query = PostgresDatabase.makeQuery(sql, arguments)
        let client = client
        let logger = logger
        return try await withDeadline { try await PostgresDatabase.collect(client.query(query, logger: logger)) }
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) async throws {
        _ = try await query(sql, arguments)
    }

    func transaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result {
        let client = client
        let logger = logger
        // A transaction may legitimately wait for row locks held by another replica, so it
        // gets a few statement deadlines; each statement is also bounded by the server.
        return try await withDeadline(scale: 4) {
            try await client.withTransaction(logger: logger) { connection in
                try await body(PostgresTransaction(connection: connection, logger: logger))
            }
        }
    }

    func close() async {
        runner.cancel()
        _ = await runner.value
    }

    /// Runs `operation`, failing with `store_unavailable` after the deadline.
    private func withDeadline<T: Sendable>(scale: Int = 1, _ operation: @Sendable () async throws -> T) async throws -> T {
        let limit = timeout * scale
        let clock = clock
        let target = location.redacted
        do {
            // The group ends before this function returns, so the operation never outlives it.
            return try await withoutActuallyEscaping(operation) { operation in
                try await Self.race(operation, against: limit, clock: clock, target: target)
            }
        } catch {
            throw PostgresDatabase.map(error, target: target)
        }
    }

    private static func race<T: Sendable>(
        _ operation: @escaping @Sendable () async throws -> T, against limit: Duration, clock: any Clock<Duration>, target: String
    ) async throws -> T {
            try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask { try await operation() }
                group.addTask {
                    try await clock.sleep(for: limit, tolerance: nil)
                    throw StoreError.unavailable("the database at \(target) did not answer within \(limit.timeInterval.formatted()) s")
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                return first
            }
    }

    static func makeQuery(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: bindings.appendNull()
            case .integer(let value): bindings.append(value)
            case .real(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            case .bool(let value): bindings.append(value)
            case .blob(let value): bindings.append(ByteBuffer(bytes: value))
            }
        }
        return PostgresQuery(unsafeSQL: numberedPlaceholders(sql), binds: bindings)
    }

    /// `?` → `$1, $2, …` in order and `?NNN` → `$NNN`, outside quoted text.
    static func numberedPlaceholders(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var next = 1
        var quoted = false
        var characters = sql.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "'" { quoted.toggle() }
            guard character == "?", !quoted else {
                output.append(character)
                continue
            }
            var digits = ""
            while let digit = pending, digit.isASCII, digit.isNumber {
                digits.append(digit)
                pending = characters.next()
            }
            if digits.isEmpty {
                output += "$\(next)"
                next += 1
            } else {
                output += "$" + digits
            }
        }
        return output
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [SQLRow] {
        var result: [SQLRow] = []
        for try await row in rows {
            var columns: [String] = []
            var values: [SQLValue] = []
            for cell in row {
                columns.append(cell.columnName)
                values.append(try value(of: cell))
            }
            result.append(SQLRow(columns: columns, values: values))
        }
        return result
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8: return .integer(try cell.decode(Int64.self))
        case .int4: return .integer(Int64(try cell.decode(Int32.self)))
        case .int2: return .integer(Int64(try cell.decode(Int16.self)))
        case .float8, .float4: return .real(try cell.decode(Double.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .bytea: return .blob(try cell.decode([UInt8].self))
        case .numeric:
            // SUM over BIGINT is NUMERIC in PostgreSQL; whole numbers come back as integers.
            let decimal = try cell.decode(Decimal.self)
            let text = "\(decimal)"
            if let integer = Int64(text) { return .integer(integer) }
            return .real(Double(text) ?? 0)
        default: return .text(try cell.decode(String.self))
        }
    }

    static func map(_ error: any Error, target: String) -> any Error {
        if error is StoreError || error is CancellationError { return error }
        if let transaction = error as? PostgresTransactionError {
            // The body's own error wins: it is what the caller threw or what a statement hit.
            if let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError {
                return map(inner, target: target)
            }
            return StoreError.unavailable("the transaction at \(target) could not finish")
        }
        guard let error = error as? PSQLError else {
            // Transport failures are the database being out of reach; anything else is the
            // caller's own error, thrown from a transaction body, and passes unchanged.
            if error is IOError || error is ChannelError {
                return StoreError.unavailable("cannot reach the database at \(target): \(error)", cause: error)
            }
            return error
        }
        if error.code == .server, let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? "server error"
            switch state {
            case "40001", "40P01", "55P03": return StoreError.conflict("\(message) (SQLSTATE \(state))", cause: error)
            case "57014": return StoreError.unavailable("the database at \(target) did not finish in time: \(message)", cause: error)
            case let code where code.hasPrefix("23"):
                return StoreError("store_constraint", "\(message) (SQLSTATE \(state))", category: .conflict, cause: error)
            case let code where code.hasPrefix("08") || code.hasPrefix("53") || code.hasPrefix("57") || code.hasPrefix("28") || code == "3D000":
                return StoreError.unavailable("the database at \(target) refused: \(message) (SQLSTATE \(state))", cause: error)
            default:
                return StoreError("store_failed", "\(message) (SQLSTATE \(state))", cause: error)
            }
        }
        return StoreError.unavailable("cannot reach the database at \(target) (\(error.code))", cause: error)
    }
}

/// Statements inside a ``PostgresDatabase`` transaction, on its leased connection.
struct PostgresTransaction: TransactionExecutor {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        do {
            return try await PostgresDatabase.collect(connection.query(PostgresDatabase.makeQuery(sql, arguments), logger: logger))
        } catch {
            throw PostgresDatabase.map(error, target: "the open transaction")
        }
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) async throws {
        _ = try await query(sql, arguments)
    }
}
