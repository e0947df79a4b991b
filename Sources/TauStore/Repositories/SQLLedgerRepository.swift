import Foundation
import TauCore
import TauLedger

/// ``LedgerRepository`` in the store (SQLite or PostgreSQL): an entry row with a unique
/// idempotency key and its postings, written in one transaction.
public struct SQLLedgerRepository: LedgerRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    @discardableResult
    public func post(_ entry: LedgerEntry) async throws -> LedgerEntry {
        try await executor.atomically { tx in
            // Of writers with one key, one inserts; the others wait for it and then find its row.
            let inserted = try await tx.query(
                """
                INSERT INTO ledger_entries (id, idempotency_key, kind, escrow_id, memo, time_ms)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """,
                [.text(entry.id), .text(entry.idempotencyKey), .text(entry.kind.rawValue), entry.escrowID.sqlValue, .text(entry.memo), entry.time.sqlValue])
            guard !inserted.isEmpty else {
                guard let existing = try await Self.entry(key: entry.idempotencyKey, on: tx) else {
                    throw StoreError("store_failed", "the ledger entry with key \(entry.idempotencyKey.prefix(80)) vanished")
                }
                guard existing.isSameOperation(as: entry) else { throw LedgerEntry.keyReused(entry.idempotencyKey) }
                return existing
            }
            for (index, posting) in entry.postings.enumerated() {
                try await tx.execute(
                    "INSERT INTO ledger_postings (entry_id, seq, account, amount_micros, currency) VALUES (?, ?, ?, ?, ?)",
                    [
                        .text(entry.id), .integer(Int64(index)), .text(posting.account.name), .integer(posting.amount.microunits),
                        .text(posting.amount.currency.code),
                    ])
            }
            return entry
        }
    }

    public func balance(of account: LedgerAccount, currency: Currency) async throws -> Money {
        let rows = try await executor.query(
            "SELECT COALESCE(SUM(amount_micros), 0) AS total FROM ledger_postings WHERE account = ? AND currency = ?",
            [.text(account.name), .text(currency.code)])
        return Money(microunits: try rows.first?.int64("total") ?? 0, currency: currency)
    }

    public func balances(currency: Currency) async throws -> [LedgerAccount: Money] {
        let rows = try await executor.query(
            "SELECT account, SUM(amount_micros) AS total FROM ledger_postings WHERE currency = ? GROUP BY account", [.text(currency.code)])
        var balances: [LedgerAccount: Money] = [:]
        for row in rows {
            balances[try Self.account(row.string("account"))] = Money(microunits: try row.int64("total"), currency: currency)
        }
        return balances
    }

    public func entries(escrowID: String?, limit: Int) async throws -> [LedgerEntry] {
        guard limit > 0 else { return [] }
        let filter = escrowID == nil ? "" : " WHERE escrow_id = ?"
        let arguments: [SQLValue] = (escrowID.map { [.text($0)] } ?? []) + [.integer(Int64(limit))]
        let rows = try await executor.query("SELECT * FROM ledger_entries\(filter) ORDER BY time_ms DESC, id DESC LIMIT ?", arguments)
        var entries: [LedgerEntry] = []
        for row in rows { entries.append(try await Self.entry(from: row, on: executor)) }
        return entries
    }

    static func entry(key: String, on executor: any SQLExecutor) async throws -> LedgerEntry? {
        guard let row = try await executor.query("SELECT * FROM ledger_entries WHERE idempotency_key = ?", [.text(key)]).first else { return nil }
        return try await entry(from: row, on: executor)
    }

    static func entry(from row: SQLRow, on executor: any SQLExecutor) async throws -> LedgerEntry {
        let id = try row.string("id")
        let kindText = try row.string("kind")
        guard let kind = LedgerEntry.Kind(rawValue: kindText) else {
            throw StoreError("store_failed", "a ledger entry has an unknown kind \(kindText.prefix(40)); a newer tau-node wrote it")
        }
        let postings = try await executor.query("SELECT * FROM ledger_postings WHERE entry_id = ? ORDER BY seq", [.text(id)]).map { row in
            Posting(
                try account(row.string("account")),
                Money(microunits: try row.int64("amount_micros"), currency: try Currency(code: try row.string("currency"))))
        }
        return try LedgerEntry(
            id: id, idempotencyKey: try row.string("idempotency_key"), kind: kind, postings: postings, escrowID: row.optionalString("escrow_id"),
            memo: try row.string("memo"), time: try row.date("time_ms"))
    }

    static func account(_ name: String) throws -> LedgerAccount {
        do {
            return try LedgerAccount(name: name)
        } catch {
            throw StoreError("store_failed", "the ledger holds an unknown account \(name.prefix(60)); a newer tau-node wrote it")
        }
    }
}
