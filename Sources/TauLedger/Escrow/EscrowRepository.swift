import Foundation
import TauCore

/// Where a node keeps its escrows. Implemented by TauStore (SQLite, PostgreSQL) and in memory by
/// TauTesting; every implementation passes `EscrowRepositoryContract`.
///
/// A transition is stored whole: the escrow's new state and the ledger entries of its actions
/// in one transaction, or nothing (`Specs/escrow.md` §4, §8).
public protocol EscrowRepository: Sendable {
    /// The escrow with this id, on this node's side of it.
    func escrow(_ id: String, side: Escrow.Side) async throws -> Escrow?
    /// Escrows, the most recently changed first.
    func list(limit: Int) async throws -> [Escrow]
    /// Stores `escrow` as a transition left it, with the entries its `actions` post, if the
    /// stored escrow is still at `escrow.version` (0: not stored yet). Returns it at its new version.
    /// - Throws: ``LedgerError`` `escrow_conflict` when another writer stored it first (read it
    ///   again and retry the transition), `idempotency_key_reused`, or the store's error.
    func apply(_ escrow: Escrow, actions: [Escrow.Action], at time: Date) async throws -> Escrow
    /// Escrows that are not final and whose timer is due at `time`.
    func due(at time: Date, limit: Int) async throws -> [Escrow]
}

/// The escrows of a node with their bookkeeping: every transition runs on the stored escrow
/// and is stored with its postings in one step, retried when another replica moved the
/// escrow in between.
public struct EscrowBook: Sendable {
    let escrows: any EscrowRepository
    let now: @Sendable () -> Date
    /// Attempts of one transition against concurrent writers.
    static let attempts = 8

    public init(escrows: any EscrowRepository, now: @escaping @Sendable () -> Date) {
        self.escrows = escrows
        self.now = now
    }

    /// Opens an escrow and stores it with its hold (on the payer's side).
    public func open(
        id: String, side: Escrow.Side, payer: String, payee: String, agent: String? = nil, amount: Money, taskHash: String, deadline: Date,
        openMessageID: String
    ) async throws -> Escrow {
        let time = now()
        var (escrow, actions) = try Escrow.open(
            id: id, side: side, payer: payer, payee: payee, agent: agent, amount: amount, taskHash: taskHash, deadline: deadline,
            openMessageID: openMessageID, now: time)
        escrow.noteTimers(actions)
        return try await escrows.apply(escrow, actions: actions, at: time)
    }

    /// Runs `change` on the stored escrow and stores the result with its postings.
    /// - Throws: ``LedgerError`` `escrow_not_found`, the transition's refusal, `escrow_conflict`
    ///   after repeated races.
    public func transition(
        _ id: String, side: Escrow.Side, _ change: @Sendable (inout Escrow, Date) throws(LedgerError) -> [Escrow.Action]
    ) async throws -> Escrow {
        for attempt in 1...Self.attempts {
            guard var escrow = try await escrows.escrow(id, side: side) else {
                throw LedgerError("escrow_not_found", "no escrow \(id.prefix(64))", category: .notFound)
            }
            let time = now()
            let actions = try change(&escrow, time)
            escrow.noteTimers(actions)
            do {
                return try await escrows.apply(escrow, actions: actions, at: time)
            } catch let error as LedgerError where error.isEscrowConflict && attempt < Self.attempts {
                continue
            }
        }
        throw LedgerError.escrowConflict("escrow \(id.prefix(64)) kept changing under this transition")
    }

    /// Wakes every escrow whose timer is due (on start-up and on each tick): refunds those
    /// past their deadline without a result and disputes nobody decided in time.
    /// - Returns: the escrows that changed.
    public func wakeDue(limit: Int = 100) async throws -> [Escrow] {
        var changed: [Escrow] = []
        for due in try await escrows.due(at: now(), limit: limit) {
            let before = due.state
            let after = try await transition(due.id, side: due.side) { escrow, time throws(LedgerError) in try escrow.wake(now: time) }
            if after.state != before { changed.append(after) }
        }
        return changed
    }
}

extension CodedError where Domain == LedgerErrors {
    static let escrowConflictCode = "escrow_conflict"

    /// Another writer stored the escrow after it was read: read it again and retry.
    public static func escrowConflict(_ message: String) -> Self { Self(escrowConflictCode, message, category: .conflict) }

    /// Whether another writer stored the escrow first.
    public var isEscrowConflict: Bool { code == Self.escrowConflictCode }
}
