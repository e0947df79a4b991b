import Foundation
import TauCore
import TauLedger
import TauMesh

/// ``DelegationRepository`` in the store (SQLite or PostgreSQL). Claims are one statement; on
/// PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`, so replicas never get the same task.
public struct SQLDelegationRepository: DelegationRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    static func key(_ id: String, _ role: Delegation.Role) -> String { "\(role.rawValue):\(id)" }

    private static let columns =
        "key, id, role, peer, peer_endpoint, skill, prompt, task_hash, price_micros, currency, deadline_ms, hops, visited, state, result, "
        + "result_hash, invoice_micros, error_code, detail, created_ms, updated_ms, work, due_ms, attempts, claimed_by, claimed_until_ms"

    private static func values(_ d: Delegation) -> [SQLValue] {
        [
            .text(key(d.id, d.role)), .text(d.id), .text(d.role.rawValue), .text(d.peer), d.peerEndpoint.sqlValue, .text(d.skill), .text(d.prompt),
            .text(d.taskHash), .integer(d.price.microunits), .text(d.price.currency.code), d.deadline.sqlValue, .integer(Int64(d.hops)),
            .text(JSONValue.array(d.visited.map(JSONValue.string)).canonicalString()), .text(d.state.rawValue), d.result.sqlValue,
            d.resultHash.sqlValue, d.invoice.map { .integer($0.microunits) } ?? .null, d.errorCode.sqlValue, d.detail.sqlValue,
            d.created.sqlValue, d.updated.sqlValue, d.work.map { .text($0.rawValue) } ?? .null, d.due.sqlValue, .integer(Int64(d.attempts)),
            d.claimedBy.sqlValue, d.claimedUntil.sqlValue,
        ]
    }

    public func insert(_ delegation: Delegation) async throws -> Bool {
        let marks = Array(repeating: "?", count: 26).joined(separator: ", ")
        return try await !executor.query(
            "INSERT INTO mesh_delegations (\(Self.columns)) VALUES (\(marks)) ON CONFLICT (key) DO NOTHING RETURNING key",
            Self.values(delegation)
        ).isEmpty
    }

    public func delegation(_ id: String, role: Delegation.Role) async throws -> Delegation? {
        try await executor.query("SELECT * FROM mesh_delegations WHERE key = ?", [.text(Self.key(id, role))]).first.map(Self.delegation(from:))
    }

    @discardableResult
    public func save(_ delegation: Delegation, claimer: String?) async throws -> Bool {
        let all = Self.values(delegation)
        let assignments = Self.columns.split(separator: ",").dropFirst().map { "\($0.trimmingCharacters(in: .whitespaces)) = ?" }
            .joined(separator: ", ")
        var sql = "UPDATE mesh_delegations SET \(assignments) WHERE key = ?"
        var arguments = Array(all.dropFirst()) + [all[0]]
        if let claimer {
            sql += " AND claimed_by = ?"
            arguments.append(.text(claimer))
        }
        return try await !executor.query(sql + " RETURNING key", arguments).isEmpty
    }

    public func list(role: Delegation.Role?, limit: Int) async throws -> [Delegation] {
        guard limit > 0 else { return [] }
        if let role {
            return try await executor.query(
                "SELECT * FROM mesh_delegations WHERE role = ? ORDER BY updated_ms DESC, key LIMIT ?", [.text(role.rawValue), .integer(Int64(limit))]
            ).map(Self.delegation(from:))
        }
        return try await executor.query("SELECT * FROM mesh_delegations ORDER BY updated_ms DESC, key LIMIT ?", [.integer(Int64(limit))])
            .map(Self.delegation(from:))
    }

    public func claimDue(now: Date, lease: TimeInterval, claimer: String, limit: Int) async throws -> [Delegation] {
        let time = now.epochMilliseconds
        let until = now.addingTimeInterval(max(0.001, lease)).epochMilliseconds
        return try await executor.query(
            """
            UPDATE mesh_delegations SET claimed_by = ?1, claimed_until_ms = ?2, attempts = attempts + 1
            WHERE key IN (
                SELECT key FROM mesh_delegations
                WHERE work IS NOT NULL AND due_ms <= ?3 AND (claimed_until_ms IS NULL OR claimed_until_ms < ?3)
                ORDER BY due_ms LIMIT ?4\(executor.dialect.forUpdateSkipLocked))
            RETURNING *
            """,
            [.text(claimer), .integer(until), .integer(time), .integer(Int64(max(1, limit)))]
        ).map(Self.delegation(from:)).sorted { ($0.due ?? now) < ($1.due ?? now) }
    }

    public func extendClaim(_ id: String, role: Delegation.Role, claimer: String, until: Date) async throws -> Bool {
        try await !executor.query(
            "UPDATE mesh_delegations SET claimed_until_ms = ? WHERE key = ? AND claimed_by = ? RETURNING key",
            [until.sqlValue, .text(Self.key(id, role)), .text(claimer)]
        ).isEmpty
    }

    static func delegation(from row: SQLRow) throws -> Delegation {
        let roleText = try row.string("role")
        let stateText = try row.string("state")
        guard let role = Delegation.Role(rawValue: roleText), let state = Delegation.State(rawValue: stateText) else {
            throw StoreError("store_failed", "a delegation has an unknown role or state (\(stateText.prefix(20))); a newer tau-node wrote it")
        }
        let currency = try row.currency("currency", of: "a delegation")
        let visited = (try? JSONValue(parsing: try row.string("visited")))?.arrayValue?.compactMap(\.stringValue) ?? []
        var delegation = Delegation(
            id: try row.string("id"), role: role, peer: try row.string("peer"), peerEndpoint: row.optionalString("peer_endpoint"),
            skill: try row.string("skill"), prompt: try row.string("prompt"), taskHash: try row.string("task_hash"),
            price: Money(microunits: try row.int64("price_micros"), currency: currency), deadline: try row.date("deadline_ms"),
            hops: try row.int("hops"), visited: visited, state: state, created: try row.date("created_ms"))
        delegation.updated = try row.date("updated_ms")
        delegation.result = row.optionalString("result")
        delegation.resultHash = row.optionalString("result_hash")
        delegation.invoice = row.optionalInt64("invoice_micros").map { Money(microunits: $0, currency: currency) }
        delegation.errorCode = row.optionalString("error_code")
        delegation.detail = row.optionalString("detail")
        delegation.work = row.optionalString("work").flatMap(Delegation.Work.init(rawValue:))
        delegation.due = row.optionalDate("due_ms")
        delegation.attempts = try row.int("attempts")
        delegation.claimedBy = row.optionalString("claimed_by")
        delegation.claimedUntil = row.optionalDate("claimed_until_ms")
        return delegation
    }
}

/// ``EscrowReceiptRepository`` in the store.
public struct SQLEscrowReceiptRepository: EscrowReceiptRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func keep(_ receipt: EscrowReceipt) async throws {
        try await executor.execute(
            """
            INSERT INTO ledger_receipts (escrow_id, message_id, signer, type, message, time_ms) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (escrow_id, message_id) DO NOTHING
            """,
            [.text(receipt.escrowID), .text(receipt.messageID), .text(receipt.signer), .text(receipt.type), .text(receipt.message), receipt.time.sqlValue])
    }

    public func receipts(of escrowID: String) async throws -> [EscrowReceipt] {
        try await executor.query("SELECT * FROM ledger_receipts WHERE escrow_id = ? ORDER BY time_ms, message_id", [.text(escrowID)]).map { row in
            EscrowReceipt(
                escrowID: try row.string("escrow_id"), messageID: try row.string("message_id"), signer: try row.string("signer"),
                type: try row.string("type"), message: try row.string("message"), time: try row.date("time_ms"))
        }
    }
}
