import Foundation

/// A timer that came due and was claimed.
public struct DueTimer: Sendable, Hashable {
    public let name: String
    public let dueAt: Date
    public let payload: String?

    public init(name: String, dueAt: Date, payload: String?) {
        self.name = name
        self.dueAt = dueAt
        self.payload = payload
    }
}

/// Timers that must outlive a process: rows with a due time that any replica of the node
/// may claim. A claim is a lease: a replica that dies holding one loses it when the
/// lease ends, and another replica runs the timer instead — nothing is lost, and two
/// replicas never run one timer at once.
///
/// TauStore keeps them in the database (claimed with `FOR UPDATE SKIP LOCKED` on
/// PostgreSQL); names are namespaced by their owner, e.g. `mesh/gossip`.
public protocol TimerQueue: Sendable {
    /// Schedules `name` at `due`. An existing timer is moved when `replacing` is true and
    /// left as it is otherwise (so every replica may "ensure" a periodic timer at start).
    func schedule(_ name: String, at due: Date, payload: String?, replacing: Bool) async throws
    /// Claims up to `limit` timers due at `now` that nobody holds, for `lease`, oldest first.
    func claimDue(now: Date, lease: TimeInterval, claimer: String, limit: Int) async throws -> [DueTimer]
    /// Claims `name` alone if it is due and free.
    func claim(_ name: String, now: Date, lease: TimeInterval, claimer: String) async throws -> DueTimer?
    /// Finishes a claimed timer: deleted, or moved to `next` and released. Returns false
    /// (and changes nothing) when `claimer` no longer holds it (its lease ran out and
    /// another replica claimed it).
    @discardableResult
    func complete(_ name: String, claimer: String, next: Date?) async throws -> Bool
    /// Deletes a timer, claimed or not.
    func cancel(_ name: String) async throws
}
