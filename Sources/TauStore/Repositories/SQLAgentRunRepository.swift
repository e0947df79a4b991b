import Foundation
import TauAgent
import TauCore

/// ``AgentRunRepository`` in the store (SQLite or PostgreSQL), shared by the replicas.
public struct SQLAgentRunRepository: AgentRunRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func create(_ run: AgentRunRecord) async throws {
        let inserted = try await executor.query(
            """
            INSERT INTO agent_runs (id, session_id, api_key_id, model, status, summary, created_at_ms, heartbeat_at_ms, finished_at_ms,
                cancel_requested, replica)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id
            """,
            [
                .text(run.id), .text(run.sessionID), run.apiKeyID.sqlValue, .text(run.model), .text(run.status.rawValue),
                run.summary.map { .text($0.canonicalString()) } ?? .null, run.createdAt.sqlValue, run.heartbeatAt.sqlValue,
                run.finishedAt.sqlValue, .bool(run.cancelRequested), .text(run.replica),
            ])
        guard !inserted.isEmpty else { throw AgentError("run_exists", "run \(run.id) exists", category: .conflict) }
    }

    public func run(_ id: String) async throws -> AgentRunRecord? {
        try await executor.query("SELECT * FROM agent_runs WHERE id = ?", [.text(id)]).first.map(Self.record(from:))
    }

    public func heartbeat(_ id: String, at time: Date) async throws -> Bool {
        let rows = try await executor.query(
            "UPDATE agent_runs SET heartbeat_at_ms = ? WHERE id = ? AND status = 'running' RETURNING cancel_requested", [time.sqlValue, .text(id)])
        return try rows.first?.bool("cancel_requested") ?? false
    }

    public func finish(_ id: String, summary: JSONValue, at time: Date) async throws {
        try await executor.execute(
            "UPDATE agent_runs SET status = 'finished', summary = ?, finished_at_ms = ?, heartbeat_at_ms = ? WHERE id = ? AND status = 'running'",
            [.text(summary.canonicalString()), time.sqlValue, time.sqlValue, .text(id)])
    }

    public func requestCancel(_ id: String) async throws -> Bool {
        let rows = try await executor.query(
            "UPDATE agent_runs SET cancel_requested = ? WHERE id = ? AND status = 'running' RETURNING id", [.bool(true), .text(id)])
        return !rows.isEmpty
    }

    public func hasRuns(in sessionID: String, apiKeyID: String?) async throws -> Bool {
        let condition = apiKeyID == nil ? "api_key_id IS NULL" : "api_key_id = ?"
        let arguments: [SQLValue] = [.text(sessionID)] + (apiKeyID.map { [.text($0)] } ?? [])
        return try await !executor.query("SELECT 1 AS found FROM agent_runs WHERE session_id = ? AND \(condition) LIMIT 1", arguments).isEmpty
    }

    public func sessionIDs(apiKeyID: String?, limit: Int) async throws -> [String] {
        guard limit > 0 else { return [] }
        let condition = apiKeyID == nil ? "api_key_id IS NULL" : "api_key_id = ?"
        let arguments: [SQLValue] = apiKeyID.map { [.text($0)] } ?? []
        return try await executor.query(
            """
            SELECT session_id, MAX(created_at_ms) AS latest FROM agent_runs WHERE \(condition)
            GROUP BY session_id ORDER BY latest DESC, session_id LIMIT ?
            """, arguments + [.integer(Int64(limit))]
        ).map { try $0.string("session_id") }
    }

    static func record(from row: SQLRow) throws -> AgentRunRecord {
        let statusText = try row.string("status")
        guard let status = AgentRunRecord.Status(rawValue: statusText) else {
            throw StoreError("store_failed", "a run has an unknown status \(statusText.prefix(40)); a newer tau-node wrote it")
        }
        return AgentRunRecord(
            id: try row.string("id"), sessionID: try row.string("session_id"), apiKeyID: row.optionalString("api_key_id"),
            model: try row.string("model"), status: status, summary: try row.optionalString("summary").map { try JSONValue(parsing: $0) },
            createdAt: try row.date("created_at_ms"), heartbeatAt: try row.date("heartbeat_at_ms"),
            finishedAt: row.optionalDate("finished_at_ms"), cancelRequested: try row.bool("cancel_requested"),
            replica: try row.string("replica"))
    }
}
