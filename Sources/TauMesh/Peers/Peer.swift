import Foundation
import TauCore
import TauIdentity

/// What this node knows about another node.
public struct Peer: Sendable, Equatable {
    /// Liveness as seen from here.
    public enum State: String, Sendable, Codable {
        /// Answered recently.
        case alive
        /// Failed at least once since its last answer; still tried at the normal pace.
        case suspect
        /// Failed repeatedly; tried again only after a growing backoff.
        case dead
    }

    public var did: DID
    /// Base URL of its HTTP surface (where `/mesh/v1/inbox` lives).
    public var endpoint: String
    public var firstSeen: Date
    public var lastSeen: Date?
    /// The newest `versionId` of its DID log this node has heard of.
    public var logHead: String?
    public var state: State
    /// Consecutive failed contacts.
    public var failures: Int
    /// Not contacted before this time (backoff after failures).
    public var nextAttempt: Date
    public var capabilities: [String]
    public var nodeVersion: String?
    /// When what this node advertises about the peer (endpoint, log head, capabilities,
    /// version) last changed here; nil for never since its first sighting. Recent changes
    /// are listed in every gossip message (``GossipPolicy/view(own:table:at:using:)``).
    public var changedAt: Date?

    public init(
        did: DID, endpoint: String, firstSeen: Date, lastSeen: Date? = nil, logHead: String? = nil, state: State = .suspect,
        failures: Int = 0, nextAttempt: Date = .distantPast, capabilities: [String] = [], nodeVersion: String? = nil,
        changedAt: Date? = nil
    ) {
        self.did = did
        self.endpoint = endpoint
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.logHead = logHead
        self.state = state
        self.failures = failures
        self.nextAttempt = nextAttempt
        self.capabilities = capabilities
        self.nodeVersion = nodeVersion
        self.changedAt = changedAt
    }

    /// The peer as `peer list --json` and `GET /mesh/v1/peers` show it.
    public var json: JSONValue {
        [
            "did": .string(did.description),
            "endpoint": .string(endpoint),
            "state": .string(state.rawValue),
            "firstSeen": .string(Timestamp.format(firstSeen)),
            "lastSeen": lastSeen.map { .string(Timestamp.format($0)) } ?? .null,
            "logHead": logHead.map(JSONValue.string) ?? .null,
            "failures": .number(Double(failures)),
            "nextAttempt": nextAttempt > firstSeen ? .string(Timestamp.format(nextAttempt)) : .null,
            "capabilities": .array(capabilities.map(JSONValue.string)),
            "version": nodeVersion.map(JSONValue.string) ?? .null,
        ]
    }
}

/// The peer table. Implemented in the node database (TauStore) so that the CLI and
/// the daemon (and replicas) share it.
public protocol PeerRepository: Sendable {
    /// All peers, ordered by DID.
    func all() async throws -> [Peer]
    /// One peer.
    func peer(_ did: DID) async throws -> Peer?
    /// Inserts or replaces a peer.
    func save(_ peer: Peer) async throws
    /// Removes a peer; returns whether it was there.
    @discardableResult
    func remove(_ did: DID) async throws -> Bool
    /// Reads, changes and writes one peer in one step (a row lock on PostgreSQL), so that
    /// processes recording outcomes for the same peer at once never overwrite each other's
    /// changes. `change` gets nil for an unknown peer; leaving nil writes nothing, setting
    /// a peer inserts it. Returns what was written. `change` must not do I/O.
    @discardableResult
    func update(_ did: DID, _ change: @escaping @Sendable (inout Peer?) -> Void) async throws -> Peer?
    /// Applies `changes` in order in one step (one transaction; on PostgreSQL the rows are
    /// locked in DID order), so that merging one gossip list costs one write, not one per
    /// peer. A change sees the row as stored, or as an earlier change of the same DID left
    /// it; leaving nil writes nothing, and a ``PeerChange/removal(_:)`` deletes the row. Rows
    /// that end as they were read are not written. Returns the rows written (not the rows
    /// deleted). The changes must not do I/O.
    @discardableResult
    func update(_ changes: [PeerChange]) async throws -> [Peer]
}

/// One change of ``PeerRepository/update(_:)-([PeerChange])``: what to do to the row of `did`.
public struct PeerChange: Sendable {
    public let did: DID
    public let change: @Sendable (inout Peer?) -> Void
    /// The change deletes the row (``removal(_:)``); a later change of the same DID sees none.
    public let removes: Bool

    public init(_ did: DID, _ change: @escaping @Sendable (inout Peer?) -> Void) {
        self.did = did
        self.change = change
        self.removes = false
    }

    private init(removing did: DID) {
        self.did = did
        self.change = { $0 = nil }
        self.removes = true
    }

    /// Deletes the row of `did`, if there is one.
    public static func removal(_ did: DID) -> PeerChange {
        PeerChange(removing: did)
    }
}

extension PeerRepository {
    /// One ``update(_:_:)`` per change, for stores without transactions across rows.
    @discardableResult
    public func update(_ changes: [PeerChange]) async throws -> [Peer] {
        var written: [Peer] = []
        for change in changes {
            if change.removes {
                try await remove(change.did)
            } else if let peer = try await update(change.did, change.change) {
                written.append(peer)
            }
        }
        return written
    }
}
