import Foundation
import TauCore

/// Where sessions are kept. Implemented by TauStore (SQLite, PostgreSQL) and in memory by
/// TauTesting; every implementation passes `SessionRepositoryContract`.
///
/// Appends are optimistic: the caller names the head it saw, and the append succeeds only
/// if that is still the head, in one atomic step. Of two writers appending after the same
/// head, one wins and the other gets `session_conflict` and may read the new head and append
/// after it. The tree itself never changes: entries are only added.
public protocol SessionRepository: Sendable {
    /// Stores a new, empty session.
    /// - Throws: ``AgentError`` `session_exists` when the id is taken.
    func create(_ session: Session) async throws
    /// The session with this id, if any.
    func session(_ id: String) async throws -> Session?
    /// Sessions, the most recently updated first.
    func list(limit: Int) async throws -> [Session]
    /// Adds `entry` to the session and makes it the head, if the head is still `expectedHead`.
    /// The entry's parent must be an entry of the session, or nil (a new root: a branch that
    /// starts before the first entry). The session's `updatedAt` becomes the entry's time.
    /// - Throws: ``AgentError`` `session_not_found`, `session_conflict` (the head moved),
    ///   `entry_parent_unknown`, `entry_exists`.
    func append(_ entry: SessionEntry, to sessionID: String, expectingHead expectedHead: String?) async throws
    /// Makes `entryID` the head (nil: before the first entry), if the head is still
    /// `expectedHead`: where the next append goes, e.g. to branch from an earlier entry.
    /// - Throws: ``AgentError`` `session_not_found`, `session_conflict`, `entry_not_found`.
    func moveHead(of sessionID: String, to entryID: String?, expectingHead expectedHead: String?, at time: Date) async throws
    /// Every entry of the session, in the order they were appended.
    func entries(of sessionID: String) async throws -> [SessionEntry]
    /// Deletes the session and its entries; false when there was none.
    func delete(_ sessionID: String) async throws -> Bool
}

extension SessionRepository {
    /// The entries from the first one down to `entryID` (the head when nil): the
    /// conversation as the model sees it on that branch.
    /// - Throws: ``AgentError`` `session_not_found`, `entry_not_found`.
    public func path(of sessionID: String, to entryID: String? = nil) async throws -> [SessionEntry] {
        guard let session = try await session(sessionID) else {
            throw AgentError("session_not_found", "no session \(sessionID.prefix(64))", category: .notFound)
        }
        guard let target = entryID ?? session.headID else { return [] }
        let all = try await entries(of: sessionID)
        let byID = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var path: [SessionEntry] = []
        var cursor: String? = target
        while let id = cursor {
            guard let entry = byID[id], path.count <= all.count else {
                throw AgentError("entry_not_found", "no entry \(id.prefix(64)) in session \(sessionID)", category: .notFound)
            }
            path.append(entry)
            cursor = entry.parentID
        }
        return path.reversed()
    }
}

extension CodedError where Domain == AgentErrors {
    static let sessionConflictCode = "session_conflict"
    /// Another writer moved the session's head first.
    public static func sessionConflict(_ sessionID: String) -> Self {
        Self(sessionConflictCode, "session \(sessionID) was changed by another writer; read its new head and try again", category: .conflict)
    }

    /// Whether another writer moved the head first (read the session again and retry).
    public var isSessionConflict: Bool { code == Self.sessionConflictCode }
}
