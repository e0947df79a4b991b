import Foundation
import TauCore
import TauMesh

/// ``ReputationRepository`` in the store (SQLite or PostgreSQL): the reputation table, one row
/// per piece of evidence, at most one per receipt.
public struct SQLReputationRepository: ReputationRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    @discardableResult
    public func record(_ evidence: ReputationEvidence) async throws -> Bool {
        try await !executor.query(
            """
            INSERT INTO mesh_reputation (id, peer, outcome, latency_ms, time_ms, receipt_id) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING id
            """,
            [
                .text(evidence.id), .text(evidence.peer), .text(evidence.outcome.rawValue),
                evidence.latency.map { .integer(Int64($0.timeInterval * 1000)) } ?? .null, evidence.time.sqlValue, evidence.receiptID.sqlValue,
            ]
        ).isEmpty
    }

    public func evidence(about peer: String, limit: Int) async throws -> [ReputationEvidence] {
        guard limit > 0 else { return [] }
        return try await executor.query(
            "SELECT * FROM mesh_reputation WHERE peer = ? ORDER BY time_ms DESC, id DESC LIMIT ?", [.text(peer), .integer(Int64(limit))]
        ).map { row in
            let outcomeText = try row.string("outcome")
            guard let outcome = ReputationEvidence.Outcome(rawValue: outcomeText) else {
                throw StoreError("store_failed", "reputation evidence has an unknown outcome \(outcomeText.prefix(40)); a newer tau-node wrote it")
            }
            return ReputationEvidence(
                id: try row.string("id"), peer: try row.string("peer"), outcome: outcome,
                latency: row.optionalInt64("latency_ms").map { .milliseconds($0) }, time: try row.date("time_ms"),
                receiptID: row.optionalString("receipt_id"))
        }
    }

    public func peers() async throws -> [String] {
        try await executor.query("SELECT DISTINCT peer FROM mesh_reputation ORDER BY peer", []).map { try $0.string("peer") }
    }
}
