import Foundation
import TauCore

/// A value bound to a statement or read from a result row, the same for every backend.
///
/// Times are stored as integer epoch milliseconds and amounts as integer micro-units,
/// so that SQLite and PostgreSQL hold the very same numbers.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bool(Bool)
    case blob([UInt8])
}

/// A Swift value that can be bound as a statement argument.
public protocol SQLValueConvertible: Sendable {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLValueConvertible {
    public var sqlValue: SQLValue { self }
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(self) }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
}

extension Bool: SQLValueConvertible {
    public var sqlValue: SQLValue { .bool(self) }
}

extension Date: SQLValueConvertible {
    /// Integer epoch milliseconds.
    public var sqlValue: SQLValue { .integer(epochMilliseconds) }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One result row: values by column name, in the order the statement produced them.
public struct SQLRow: Sendable, Hashable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of `column`; `.null` when the row has no such column.
    public subscript(column: String) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    /// An integer column (SQLite may hand back a boolean as 0/1 and PostgreSQL a bigint).
    public func int64(_ column: String) throws(StoreError) -> Int64 {
        guard let value = optionalInt64(column) else { throw Self.missing(column, "an integer") }
        return value
    }

    public func optionalInt64(_ column: String) -> Int64? {
        switch self[column] {
        case .integer(let value): value
        case .real(let value) where value.rounded() == value && abs(value) < 9e18: Int64(value)
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }

    public func int(_ column: String) throws(StoreError) -> Int { Int(try int64(column)) }

    public func optionalInt(_ column: String) -> Int? { optionalInt64(column).map { Int($0) } }

    public func double(_ column: String) throws(StoreError) -> Double {
        switch self[column] {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: throw Self.missing(column, "a number")
        }
    }

    public func string(_ column: String) throws(StoreError) -> String {
        guard let value = optionalString(column) else { throw Self.missing(column, "text") }
        return value
    }

    /// A currency code column; a code this version does not know means a newer tau-node wrote
    /// the row (`store_failed`, naming `what`).
    public func currency(_ column: String, of what: String) throws(StoreError) -> Currency {
        do {
            return try Currency(code: try string(column))
        } catch {
            throw StoreError("store_failed", "\(what) has an unknown currency; a newer tau-node wrote it")
        }
    }

    public func optionalString(_ column: String) -> String? {
        if case .text(let value) = self[column] { return value }
        return nil
    }

    public func bool(_ column: String) throws(StoreError) -> Bool {
        switch self[column] {
        case .bool(let value): return value
        case .integer(let value): return value != 0
        default: throw Self.missing(column, "a boolean")
        }
    }

    /// An epoch-milliseconds column as a date.
    public func date(_ column: String) throws(StoreError) -> Date { Date(epochMilliseconds: try int64(column)) }

    public func optionalDate(_ column: String) -> Date? { optionalInt64(column).map(Date.init(epochMilliseconds:)) }

    private static func missing(_ column: String, _ kind: String) -> StoreError {
        StoreError("store_corrupt", "column \(column) does not hold \(kind)")
    }
}
