import Foundation
import TauAgent
import TauCore

/// ``MemoryRepository`` in the store: SQLite FTS5 (a `unicode61` index beside the notes
/// table) or PostgreSQL `tsvector` (`simple` configuration, a GIN index). Neither stems, so
/// both match the same words. Queries are rebuilt from their words, so no character of a
/// query is ever search syntax.
public struct SQLMemoryRepository: MemoryRepository {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func save(_ note: MemoryNote) async throws {
        guard note.text.count <= MemoryNote.maximumLength else {
            throw AgentError("memory_too_large", "a memory note may have at most \(MemoryNote.maximumLength) characters")
        }
        let tags = JSONValue.array(note.tags.map(JSONValue.string)).canonicalString()
        try await executor.atomically { tx in
            let inserted = try await tx.query(
                "INSERT INTO agent_memory (id, scope, text, tags, created_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id",
                [.text(note.id), .text(note.scope), .text(note.text), .text(tags), note.createdAt.sqlValue])
            guard !inserted.isEmpty else { throw AgentError("memory_exists", "note \(note.id) exists", category: .conflict) }
            if tx.dialect == .sqlite {
                try await tx.execute(
                    "INSERT INTO agent_memory_fts (id, scope, text) VALUES (?, ?, ?)", [.text(note.id), .text(note.scope), .text(note.text)])
            }
        }
    }

    public func search(_ query: String, scope: String, limit: Int) async throws -> [MemoryNote] {
        let words = MemoryWords.words(query, limit: MemoryWords.maximumQueryWords)
        guard !words.isEmpty, limit > 0 else { return [] }
        let rows: [SQLRow]
        if executor.dialect == .sqlite {
            // Each word a quoted phrase: FTS5 ANDs them, and quotes make any character literal.
            let match = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " ")
            rows = try await executor.query(
                """
                SELECT m.* FROM agent_memory_fts f JOIN agent_memory m ON m.id = f.id
                WHERE agent_memory_fts MATCH ?1 AND f.scope = ?2
                ORDER BY bm25(agent_memory_fts), m.created_at_ms DESC LIMIT ?3
                """,
                [.text(match), .text(scope), .integer(Int64(limit))])
        } else {
            rows = try await executor.query(
                """
                SELECT * FROM agent_memory
                WHERE scope = ?2 AND search @@ plainto_tsquery('simple', ?1)
                ORDER BY ts_rank(search, plainto_tsquery('simple', ?1)) DESC, created_at_ms DESC LIMIT ?3
                """,
                [.text(words.joined(separator: " ")), .text(scope), .integer(Int64(limit))])
        }
        return try rows.map(Self.note(from:))
    }

    public func delete(_ id: String) async throws -> Bool {
        try await executor.atomically { tx in
            if tx.dialect == .sqlite { try await tx.execute("DELETE FROM agent_memory_fts WHERE id = ?", [.text(id)]) }
            return !(try await tx.query("DELETE FROM agent_memory WHERE id = ? RETURNING id", [.text(id)])).isEmpty
        }
    }

    static func note(from row: SQLRow) throws -> MemoryNote {
        let tags = (try? JSONValue(parsing: try row.string("tags")))?.arrayValue?.compactMap(\.stringValue) ?? []
        return MemoryNote(
            id: try row.string("id"), scope: try row.string("scope"), text: try row.string("text"), tags: tags,
            createdAt: try row.date("created_at_ms"))
    }
}
