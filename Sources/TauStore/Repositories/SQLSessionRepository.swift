import Foundation
import TauAgent
import TauCore
import TauProviders

/// ``SessionRepository`` in the store (SQLite or PostgreSQL).
///
/// An append is one transaction: a conditional `UPDATE` moves the head only if it is still
/// the one the writer saw (and numbers the entry), then the entry is inserted; any refusal
/// rolls both back. Two replicas or processes appending after the same head: one wins, the
/// other gets `session_conflict`.
public struct SQLSessionRepository: SessionRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func create(_ session: Session) async throws {
        let inserted = try await executor.query(
            """
            INSERT INTO agent_sessions (id, title, created_at_ms, updated_at_ms, head_entry_id, entry_count)
            VALUES (?1, ?2, ?3, ?3, NULL, 0) ON CONFLICT (id) DO NOTHING RETURNING id
            """,
            session.id, session.title, session.createdAt)
        guard !inserted.isEmpty else { throw AgentError("session_exists", "session \(session.id) exists", category: .conflict) }
    }

    public func session(_ id: String) async throws -> Session? {
        try await executor.queryOne("SELECT * FROM agent_sessions WHERE id = ?", id).map(Self.session(from:))
    }

    public func list(limit: Int) async throws -> [Session] {
        try await executor.query("SELECT * FROM agent_sessions ORDER BY updated_at_ms DESC, id DESC LIMIT ?", Int64(max(0, limit)))
            .map(Self.session(from:))
    }

    public func append(_ entry: SessionEntry, to sessionID: String, expectingHead expectedHead: String?) async throws {
        try await executor.atomically { tx in
            let moved = try await tx.query(
                """
                UPDATE agent_sessions SET head_entry_id = ?1, entry_count = entry_count + 1,
                    updated_at_ms = CASE WHEN updated_at_ms > ?2 THEN updated_at_ms ELSE ?2 END
                WHERE id = ?3 AND COALESCE(head_entry_id, '') = ?4 RETURNING entry_count
                """,
                [.text(entry.id), entry.createdAt.sqlValue, .text(sessionID), .text(expectedHead ?? "")])
            guard let sequence = try moved.first?.int64("entry_count") else {
                try await Self.explainRefusal(sessionID, tx)
            }
            if let parent = entry.parentID {
                let known = try await tx.query("SELECT 1 AS found FROM agent_session_entries WHERE session_id = ? AND id = ?", [.text(sessionID), .text(parent)])
                guard !known.isEmpty else {
                    throw AgentError("entry_parent_unknown", "parent \(parent.prefix(64)) is not an entry of session \(sessionID)")
                }
            }
            let cost = entry.cost
            let inserted = try await tx.query(
                """
                INSERT INTO agent_session_entries (session_id, id, parent_id, seq, kind, content, input_tokens, output_tokens,
                    cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_micros, currency, created_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, id) DO NOTHING RETURNING id
                """,
                [
                    .text(sessionID), .text(entry.id), entry.parentID.sqlValue, .integer(sequence), .text(entry.kind.rawValue),
                    .text(entry.content.canonicalString()), entry.usage.inputTokens.sqlValue, entry.usage.outputTokens.sqlValue,
                    entry.usage.cachedInputTokens.sqlValue, entry.usage.cacheWriteTokens.sqlValue, entry.usage.reasoningTokens.sqlValue,
                    cost?.microunits.sqlValue ?? .null, cost.map { SQLValue.text($0.currency.code) } ?? .null, entry.createdAt.sqlValue,
                ])
            guard !inserted.isEmpty else {
                throw AgentError("entry_exists", "entry \(entry.id) exists in session \(sessionID)", category: .conflict)
            }
        }
    }

    public func moveHead(of sessionID: String, to entryID: String?, expectingHead expectedHead: String?, at time: Date) async throws {
        try await executor.atomically { tx in
            if let entryID {
                let known = try await tx.query("SELECT 1 AS found FROM agent_session_entries WHERE session_id = ? AND id = ?", [.text(sessionID), .text(entryID)])
                guard !known.isEmpty else {
                    throw AgentError("entry_not_found", "no entry \(entryID.prefix(64)) in session \(sessionID)", category: .notFound)
                }
            }
            let moved = try await tx.query(
                "UPDATE agent_sessions SET head_entry_id = ?, updated_at_ms = ? WHERE id = ? AND COALESCE(head_entry_id, '') = ? RETURNING id",
                [entryID.sqlValue, time.sqlValue, .text(sessionID), .text(expectedHead ?? "")])
            if moved.isEmpty { try await Self.explainRefusal(sessionID, tx) }
        }
    }

    public func entries(of sessionID: String) async throws -> [SessionEntry] {
        try await executor.query("SELECT * FROM agent_session_entries WHERE session_id = ? ORDER BY seq", sessionID).map(Self.entry(from:))
    }

    public func delete(_ sessionID: String) async throws -> Bool {
        try await executor.atomically { tx in
            try await tx.execute("DELETE FROM agent_session_entries WHERE session_id = ?", [.text(sessionID)])
            return !(try await tx.query("DELETE FROM agent_sessions WHERE id = ? RETURNING id", [.text(sessionID)])).isEmpty
        }
    }

    /// Why a guarded update changed nothing: no such session, or its head moved.
    static func explainRefusal(_ sessionID: String, _ tx: any SQLExecutor) async throws -> Never {
        guard try await !tx.query("SELECT id FROM agent_sessions WHERE id = ?", [.text(sessionID)]).isEmpty else {
            throw AgentError("session_not_found", "no session \(sessionID.prefix(64))", category: .notFound)
        }
        throw AgentError.sessionConflict(sessionID)
    }

    static func session(from row: SQLRow) throws -> Session {
        Session(
            id: try row.string("id"), title: try row.string("title"), createdAt: try row.date("created_at_ms"),
            updatedAt: try row.date("updated_at_ms"), headID: row.optionalString("head_entry_id"), entryCount: try row.int("entry_count"))
    }

    static func entry(from row: SQLRow) throws -> SessionEntry {
        let kindText = try row.string("kind")
        guard let kind = SessionEntry.Kind(rawValue: kindText) else {
            throw StoreError("store_failed", "a session entry has an unknown kind \(kindText.prefix(40))")
        }
        var cost: Money?
        if let micros = row.optionalInt64("cost_micros"), let code = row.optionalString("currency"), let currency = Currency(rawValue: code) {
            cost = Money(microunits: micros, currency: currency)
        }
        return SessionEntry(
            id: try row.string("id"), parentID: row.optionalString("parent_id"), kind: kind, content: try JSONValue(parsing: try row.string("content")),
            usage: Usage(
                inputTokens: try row.int("input_tokens"), outputTokens: try row.int("output_tokens"),
                cachedInputTokens: try row.int("cached_input_tokens"), cacheWriteTokens: try row.int("cache_write_tokens"),
                reasoningTokens: try row.int("reasoning_tokens")),
            cost: cost, createdAt: try row.date("created_at_ms"))
    }
}
