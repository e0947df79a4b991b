import Foundation
import TauCore

/// Where a node's ledger is kept. Implemented by TauStore (SQLite, PostgreSQL) and in memory by
/// TauTesting; every implementation passes `LedgerRepositoryContract`.
///
/// An entry is written whole or not at all, and at most once per idempotency key: posting an
/// entry whose key is held returns the entry already written and posts nothing, so a retried
/// operation never moves money twice (`Specs/escrow.md` §4).
public protocol LedgerRepository: Sendable {
    /// Posts `entry` unless its idempotency key is held.
    /// - Returns: the entry as stored: `entry`, or the earlier one with its key.
    /// - Throws: ``LedgerError`` `idempotency_key_reused` when the key is held by an entry with
    ///   other postings or another kind; the store's error.
    @discardableResult
    func post(_ entry: LedgerEntry) async throws -> LedgerEntry
    /// The sum of the account's postings in `currency` (zero when it has none).
    func balance(of account: LedgerAccount, currency: Currency) async throws -> Money
    /// Every account with postings in `currency`, and its balance.
    func balances(currency: Currency) async throws -> [LedgerAccount: Money]
    /// Entries, the most recent first; only those of one escrow when `escrowID` is given.
    func entries(escrowID: String?, limit: Int) async throws -> [LedgerEntry]
}

extension LedgerEntry {
    /// Whether `other` is the same operation (what a retry must repeat exactly).
    public func isSameOperation(as other: LedgerEntry) -> Bool {
        kind == other.kind && escrowID == other.escrowID
            && postings.sorted { $0.account < $1.account } == other.postings.sorted { $0.account < $1.account }
    }

    /// The refusal of an idempotency key held by another operation.
    public static func keyReused(_ key: String) -> LedgerError {
        LedgerError("idempotency_key_reused", "the idempotency key \(key.prefix(80)) belongs to another operation", category: .conflict)
    }
}
