import Foundation
import TauCore
import TauLedger

/// An ``EscrowRepository`` in memory that posts into an ``InMemoryLedgerRepository``.
public actor InMemoryEscrowRepository: EscrowRepository {
    private var escrows: [String: (escrow: Escrow, updated: Date)] = [:]
    public let ledger: InMemoryLedgerRepository

    public init(ledger: InMemoryLedgerRepository = InMemoryLedgerRepository()) {
        self.ledger = ledger
    }

    private static func key(_ id: String, _ side: Escrow.Side) -> String { side.rawValue + "/" + id }

    public func escrow(_ id: String, side: Escrow.Side) async throws -> Escrow? { escrows[Self.key(id, side)]?.escrow }

    public func list(limit: Int) async throws -> [Escrow] {
        Array(escrows.values.sorted { ($0.updated, $1.escrow.id) > ($1.updated, $0.escrow.id) }.map(\.escrow).prefix(max(0, limit)))
    }

    public func apply(_ escrow: Escrow, actions: [Escrow.Action], at time: Date) async throws -> Escrow {
        let key = Self.key(escrow.id, escrow.side)
        let current = escrows[key]?.escrow
        if escrow.version == 0 {
            guard current == nil else { throw LedgerError("escrow_exists", "escrow \(escrow.id) exists", category: .conflict) }
        } else {
            guard current?.version == escrow.version else {
                throw LedgerError.escrowConflict("escrow \(escrow.id) was changed by another writer")
            }
        }
        // All or nothing: check every entry before posting any.
        let entries = actions.compactMap { action -> LedgerEntry? in
            if case .post(let entry) = action { return entry }
            return nil
        }
        for entry in entries {
            if let held = try await ledger.entries(escrowID: entry.escrowID, limit: 10_000).first(where: { $0.idempotencyKey == entry.idempotencyKey }),
                !held.isSameOperation(as: entry)
            {
                throw LedgerEntry.keyReused(entry.idempotencyKey)
            }
        }
        for entry in entries { try await ledger.post(entry) }
        var stored = escrow
        stored.version += 1
        escrows[key] = (stored, Date(epochMilliseconds: time.epochMilliseconds))
        return stored
    }

    public func due(at time: Date, limit: Int) async throws -> [Escrow] {
        let due = escrows.values.map(\.escrow).filter { !$0.state.isFinal && ($0.wakeAt.map { $0 <= time } ?? false) }
        return Array(due.sorted { ($0.wakeAt ?? time, $0.id) < ($1.wakeAt ?? time, $1.id) }.prefix(max(0, limit)))
    }
}
