import Foundation
import TauCore
import TauLedger

/// A ``LedgerRepository`` in memory, at the store's precision (whole milliseconds).
public actor InMemoryLedgerRepository: LedgerRepository {
    private var entries: [LedgerEntry] = []
    private var byKey: [String: LedgerEntry] = [:]

    public init() {}

    @discardableResult
    public func post(_ entry: LedgerEntry) async throws -> LedgerEntry {
        if let existing = byKey[entry.idempotencyKey] {
            guard existing.isSameOperation(as: entry) else { throw LedgerEntry.keyReused(entry.idempotencyKey) }
            return existing
        }
        let stored = try LedgerEntry(
            id: entry.id, idempotencyKey: entry.idempotencyKey, kind: entry.kind, postings: entry.postings, escrowID: entry.escrowID,
            memo: entry.memo, time: Date(epochMilliseconds: entry.time.epochMilliseconds))
        entries.append(stored)
        byKey[entry.idempotencyKey] = stored
        return stored
    }

    public func balance(of account: LedgerAccount, currency: Currency) async throws -> Money {
        Money(microunits: postings(currency).filter { $0.account == account }.reduce(0) { $0 + $1.amount.microunits }, currency: currency)
    }

    public func balances(currency: Currency) async throws -> [LedgerAccount: Money] {
        var totals: [LedgerAccount: Int64] = [:]
        for posting in postings(currency) { totals[posting.account, default: 0] += posting.amount.microunits }
        return totals.mapValues { Money(microunits: $0, currency: currency) }
    }

    public func entries(escrowID: String?, limit: Int) async throws -> [LedgerEntry] {
        guard limit > 0 else { return [] }
        let matching = entries.filter { escrowID == nil || $0.escrowID == escrowID }
        return Array(matching.sorted { ($0.time, $0.id) > ($1.time, $1.id) }.prefix(limit))
    }

    private func postings(_ currency: Currency) -> [Posting] {
        entries.flatMap(\.postings).filter { $0.amount.currency == currency }
    }
}
