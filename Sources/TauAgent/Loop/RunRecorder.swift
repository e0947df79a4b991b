import Foundation
import TauCore
import TauProviders

/// Writes a run's entries to its session, one after another on the branch the run started
/// on, and keeps the run's totals. Writes finish even when the run is cancelled, so that a
/// cancelled or timed-out run leaves every entry it reported in the session.
actor RunRecorder {
    let sessions: any SessionRepository
    let sessionID: String
    let now: @Sendable () -> Date
    /// The session's branch up to the run's head, as written: the conversation the model sees.
    private(set) var branch: [SessionEntry]
    /// The entry the next one follows.
    var head: String? { branch.last?.id }
    private(set) var usage = Usage()
    private(set) var cost: Money = .zero(.usd)
    private(set) var turns = 0

    init(sessions: any SessionRepository, sessionID: String, branch: [SessionEntry], now: @escaping @Sendable () -> Date) {
        self.sessions = sessions
        self.sessionID = sessionID
        self.branch = branch
        self.now = now
    }

    /// Appends an entry after the current head; returns its id.
    /// - Throws: ``AgentError`` `session_conflict` when another writer moved the head, or the
    ///   store's error.
    @discardableResult
    func append(_ kind: SessionEntry.Kind, _ content: JSONValue, usage: Usage = Usage(), cost: Money? = nil) async throws -> String {
        let entry = SessionEntry(parentID: head, kind: kind, content: content, usage: usage, cost: cost, createdAt: now())
        let sessions = sessions
        let sessionID = sessionID
        let expected = head
        // A task of its own: cancelling the run must not cut a write in half.
        try await Task { try await sessions.append(entry, to: sessionID, expectingHead: expected) }.value
        branch.append(entry)
        return entry.id
    }

    /// Counts one model call and what it used.
    func count(_ usage: Usage, cost: Money?) {
        turns += 1
        self.usage = self.usage.adding(usage)
        if let cost, let total = try? self.cost.adding(cost) { self.cost = total }
    }
}
