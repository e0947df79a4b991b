import Foundation
import TauAgent
import TauCore

/// A ``SessionRepository`` in memory, for agent tests that need no database.
public actor InMemorySessionRepository: SessionRepository {
    private var sessions: [String: Session] = [:]
    private var entries: [String: [SessionEntry]] = [:]

    public init() {}

    public func create(_ session: Session) async throws {
        guard sessions[session.id] == nil else { throw AgentError("session_exists", "session \(session.id) exists", category: .conflict) }
        sessions[session.id] = Session(id: session.id, title: session.title, createdAt: session.createdAt)
        entries[session.id] = []
    }

    public func session(_ id: String) async throws -> Session? { sessions[id] }

    public func list(limit: Int) async throws -> [Session] {
        Array(sessions.values.sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }.prefix(max(0, limit)))
    }

    public func append(_ entry: SessionEntry, to sessionID: String, expectingHead expectedHead: String?) async throws {
        guard var session = sessions[sessionID] else { throw AgentError("session_not_found", "no session \(sessionID)", category: .notFound) }
        let held = entries[sessionID] ?? []
        guard session.headID == expectedHead else { throw AgentError.sessionConflict(sessionID) }
        guard !held.contains(where: { $0.id == entry.id }) else {
            throw AgentError("entry_exists", "entry \(entry.id) exists in session \(sessionID)", category: .conflict)
        }
        if let parent = entry.parentID, !held.contains(where: { $0.id == parent }) {
            throw AgentError("entry_parent_unknown", "parent \(parent) is not an entry of session \(sessionID)")
        }
        entries[sessionID] = held + [entry]
        session.headID = entry.id
        session.entryCount += 1
        session.updatedAt = max(session.updatedAt, Date(epochMilliseconds: entry.createdAt.epochMilliseconds))
        sessions[sessionID] = session
    }

    public func moveHead(of sessionID: String, to entryID: String?, expectingHead expectedHead: String?, at time: Date) async throws {
        guard var session = sessions[sessionID] else { throw AgentError("session_not_found", "no session \(sessionID)", category: .notFound) }
        guard session.headID == expectedHead else { throw AgentError.sessionConflict(sessionID) }
        if let entryID, !(entries[sessionID] ?? []).contains(where: { $0.id == entryID }) {
            throw AgentError("entry_not_found", "no entry \(entryID) in session \(sessionID)", category: .notFound)
        }
        session.headID = entryID
        session.updatedAt = Date(epochMilliseconds: time.epochMilliseconds)
        sessions[sessionID] = session
    }

    public func entries(of sessionID: String) async throws -> [SessionEntry] { entries[sessionID] ?? [] }

    public func delete(_ sessionID: String) async throws -> Bool {
        entries[sessionID] = nil
        return sessions.removeValue(forKey: sessionID) != nil
    }
}
