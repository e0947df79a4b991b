import Foundation
import TauCore

/// One delegated task as one node sees it (`Specs/mesh.md` section 15): the payer's record of a
/// task it handed to a peer, or the payee's record of a task it was paid to do. The escrow that
/// pays for it has the same id.
///
/// A payee's records are also its **task queue**: a record with ``work`` due is claimed by one
/// replica at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL), for a lease it renews while it
/// works, so a replica that dies loses no task: its lease runs out and another replica claims it.
public struct Delegation: Sendable, Equatable {
    /// Which side of the task this node is on.
    public enum Role: String, Sendable, CaseIterable {
        case payer, payee
    }

    /// Where the task stands. Payer: `open` → `working` → `completed` | `disputed` | `refunded`
    /// | `failed`. Payee: `queued` → `running` → `done` → `paid` | `refunded`, or `failed`,
    /// `cancelled`, `expired`.
    public enum State: String, Sendable, CaseIterable {
        case open, working, completed, disputed, refunded, failed
        case queued, running, done, paid, cancelled, expired

        /// Whether nothing more happens to the task.
        public var isFinal: Bool {
            switch self {
            case .completed, .refunded, .failed, .paid, .cancelled, .expired: true
            case .open, .working, .disputed, .queued, .running, .done: false
            }
        }
    }

    /// What a replica still has to do for the record.
    public enum Work: String, Sendable {
        /// Payee: run the task on the agent.
        case run
        /// Deliver a signed message to the peer (payee: the result; payer: the release), retried
        /// until the peer answers.
        case deliver
    }

    /// The escrow's id (`esc_` and 24 hex digits).
    public var id: String
    public var role: Role
    /// The other party's DID.
    public var peer: String
    /// Where the peer is reached, as it claimed or the peer table knows.
    public var peerEndpoint: String?
    public var skill: String
    public var prompt: String
    /// Lowercase hex SHA-256 of the task (``DelegationProtocol/taskHash(skill:prompt:)``).
    public var taskHash: String
    /// The quoted price, which the escrow holds.
    public var price: Money
    public var deadline: Date
    /// Forwarding hops the task may still take, and the DIDs it went through.
    public var hops: Int
    public var visited: [String]
    public var state: State
    public var result: String?
    public var resultHash: String?
    public var invoice: Money?
    /// The reason code of a failure or refusal, and its text.
    public var errorCode: String?
    public var detail: String?
    public var created: Date
    public var updated: Date
    /// Work a replica must do, due at ``due``; nil when there is none.
    public var work: Work?
    public var due: Date?
    public var attempts: Int
    /// The replica that holds the record's work, and until when.
    public var claimedBy: String?
    public var claimedUntil: Date?

    public init(
        id: String, role: Role, peer: String, peerEndpoint: String?, skill: String, prompt: String, taskHash: String, price: Money,
        deadline: Date, hops: Int, visited: [String], state: State, created: Date
    ) {
        self.id = id
        self.role = role
        self.peer = peer
        self.peerEndpoint = peerEndpoint
        self.skill = skill
        self.prompt = prompt
        self.taskHash = taskHash
        self.price = price
        self.deadline = deadline
        self.hops = hops
        self.visited = visited
        self.state = state
        self.created = created
        self.updated = created
        self.attempts = 0
    }

    /// Schedules `work` at `time` (nil: no more work) and gives up any claim.
    public mutating func schedule(_ work: Work?, at time: Date?) {
        self.work = work
        self.due = work == nil ? nil : time
        claimedBy = nil
        claimedUntil = nil
    }
}

/// Where a node keeps its delegations. Implemented by TauStore on SQLite and PostgreSQL, both
/// tested by one contract.
public protocol DelegationRepository: Sendable {
    /// Stores a new record; false (and nothing written) when one with its id and role exists.
    func insert(_ delegation: Delegation) async throws -> Bool
    /// The record with this id on this side.
    func delegation(_ id: String, role: Delegation.Role) async throws -> Delegation?
    /// Writes `delegation` over the stored record. With `claimer`, only while that replica
    /// still holds the record's claim; returns false (nothing written) otherwise.
    @discardableResult
    func save(_ delegation: Delegation, claimer: String?) async throws -> Bool
    /// Records, the most recently changed first, of one role or both.
    func list(role: Delegation.Role?, limit: Int) async throws -> [Delegation]
    /// Claims up to `limit` records whose work is due at `now` and that no live lease holds,
    /// for `lease` seconds; replicas claiming at once never get the same record.
    func claimDue(now: Date, lease: TimeInterval, claimer: String, limit: Int) async throws -> [Delegation]
    /// Renews `claimer`'s lease on a record; false when it no longer holds it.
    func extendClaim(_ id: String, role: Delegation.Role, claimer: String, until: Date) async throws -> Bool
}
