import Foundation
import TauCore
import TauLedger

/// ``EscrowRepository`` in the store (SQLite or PostgreSQL). A transition's row and its ledger
/// entries are written in one transaction; the row's version makes concurrent writers of one
/// escrow take turns (the loser gets `escrow_conflict`).
public struct SQLEscrowRepository: EscrowRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func escrow(_ id: String, side: Escrow.Side) async throws -> Escrow? {
        try await executor.query("SELECT * FROM ledger_escrows WHERE id = ? AND side = ?", [.text(id), .text(side.rawValue)])
            .first.map(Self.escrow(from:))
    }

    public func list(limit: Int) async throws -> [Escrow] {
        guard limit > 0 else { return [] }
        return try await executor.query("SELECT * FROM ledger_escrows ORDER BY updated_at_ms DESC, id LIMIT ?", [.integer(Int64(limit))])
            .map(Self.escrow(from:))
    }

    public func apply(_ escrow: Escrow, actions: [Escrow.Action], at time: Date) async throws -> Escrow {
        try await executor.atomically { tx in
            var stored = escrow
            stored.version = escrow.version + 1
            let receipts = JSONValue.array(escrow.receipts.map(JSONValue.string)).canonicalString()
            let values: [SQLValue] = [
                .text(escrow.payer), .text(escrow.payee), .text(escrow.agent), .integer(escrow.amount.microunits), .text(escrow.amount.currency.code),
                .text(escrow.taskHash), escrow.deadline.sqlValue, .text(escrow.state.rawValue), escrow.invoice.map { .integer($0.microunits) } ?? .null,
                escrow.resultHash.sqlValue, escrow.disputeDeadline.sqlValue, .text(receipts), escrow.wakeAt.sqlValue,
                escrow.state.isFinal ? .bool(true) : .bool(false), .integer(Int64(stored.version)), time.sqlValue,
            ]
            if escrow.version == 0 {
                let inserted = try await tx.query(
                    """
                    INSERT INTO ledger_escrows (id, side, payer, payee, agent, amount_micros, currency, task_hash, deadline_ms, state,
                        invoice_micros, result_hash, dispute_deadline_ms, receipts, wake_at_ms, final, version, updated_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id, side) DO NOTHING RETURNING id
                    """, [.text(escrow.id), .text(escrow.side.rawValue)] + values)
                guard !inserted.isEmpty else { throw LedgerError("escrow_exists", "escrow \(escrow.id) exists", category: .conflict) }
            } else {
                let updated = try await tx.query(
                    """
                    UPDATE ledger_escrows SET payer = ?, payee = ?, agent = ?, amount_micros = ?, currency = ?, task_hash = ?, deadline_ms = ?,
                        state = ?, invoice_micros = ?, result_hash = ?, dispute_deadline_ms = ?, receipts = ?, wake_at_ms = ?, final = ?,
                        version = ?, updated_at_ms = ?
                    WHERE id = ? AND side = ? AND version = ? RETURNING id
                    """, values + [.text(escrow.id), .text(escrow.side.rawValue), .integer(Int64(escrow.version))])
                guard !updated.isEmpty else {
                    throw LedgerError.escrowConflict("escrow \(escrow.id) was changed by another writer")
                }
            }
            let ledger = SQLLedgerRepository(executor: tx)
            for case .post(let entry) in actions { try await ledger.post(entry) }
            return stored
        }
    }

    public func due(at time: Date, limit: Int) async throws -> [Escrow] {
        guard limit > 0 else { return [] }
        return try await executor.query(
            "SELECT * FROM ledger_escrows WHERE final = ? AND wake_at_ms IS NOT NULL AND wake_at_ms <= ? ORDER BY wake_at_ms, id LIMIT ?",
            [.bool(false), time.sqlValue, .integer(Int64(limit))]
        ).map(Self.escrow(from:))
    }

    static func escrow(from row: SQLRow) throws -> Escrow {
        let sideText = try row.string("side")
        let stateText = try row.string("state")
        guard let side = Escrow.Side(rawValue: sideText), let state = Escrow.State(rawValue: stateText) else {
            throw StoreError("store_failed", "an escrow has an unknown side or state (\(sideText.prefix(20)), \(stateText.prefix(20))); a newer tau-node wrote it")
        }
        let currency = try row.currency("currency", of: "an escrow")
        let receipts = (try JSONValue(parsing: try row.string("receipts"))).arrayValue?.compactMap(\.stringValue) ?? []
        return Escrow.restore(
            id: try row.string("id"), side: side, payer: try row.string("payer"), payee: try row.string("payee"), agent: try row.string("agent"),
            amount: Money(microunits: try row.int64("amount_micros"), currency: currency), taskHash: try row.string("task_hash"),
            deadline: try row.date("deadline_ms"), state: state,
            invoice: row.optionalInt64("invoice_micros").map { Money(microunits: $0, currency: currency) }, resultHash: row.optionalString("result_hash"),
            disputeDeadline: row.optionalDate("dispute_deadline_ms"), receipts: receipts, version: try row.int("version"),
            wakeAt: row.optionalDate("wake_at_ms"))
    }
}
