import Foundation
import TauAgent
import TauCore

/// ``AuditLog`` in the store (SQLite or PostgreSQL): one row per event, the detail as
/// canonical JSON text.
public struct SQLAuditLog: AuditLog {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func record(_ event: AuditEvent) async throws {
        let inserted = try await executor.query(
            """
            INSERT INTO agent_audit (id, time_ms, kind, session_id, run_id, tool, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """,
            [
                .text(event.id), event.time.sqlValue, .text(event.kind.rawValue), event.sessionID.sqlValue, event.runID.sqlValue,
                event.tool.sqlValue, .text(event.detail.canonicalString()),
            ])
        guard !inserted.isEmpty else { throw AgentError("audit_event_exists", "audit event \(event.id) exists", category: .conflict) }
    }

    public func list(_ query: AuditQuery) async throws -> [AuditEvent] {
        guard query.limit > 0 else { return [] }
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let since = query.since {
            conditions.append("time_ms >= ?")
            arguments.append(since.sqlValue)
        }
        if let kind = query.kind {
            conditions.append("kind = ?")
            arguments.append(.text(kind.rawValue))
        }
        if let sessionID = query.sessionID {
            conditions.append("session_id = ?")
            arguments.append(.text(sessionID))
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        arguments.append(.integer(Int64(query.limit)))
        return try await executor.query("SELECT * FROM agent_audit\(filter) ORDER BY time_ms DESC, id DESC LIMIT ?", arguments)
            .map(Self.event(from:))
    }

    static func event(from row: SQLRow) throws -> AuditEvent {
        let kindText = try row.string("kind")
        guard let kind = AuditEvent.Kind(rawValue: kindText) else {
            throw StoreError("store_failed", "an audit event has an unknown kind \(kindText.prefix(40)); a newer tau-node wrote it")
        }
        return AuditEvent(
            id: try row.string("id"), time: try row.date("time_ms"), kind: kind, sessionID: row.optionalString("session_id"),
            runID: row.optionalString("run_id"), tool: row.optionalString("tool"), detail: try JSONValue(parsing: try row.string("detail")))
    }
}
