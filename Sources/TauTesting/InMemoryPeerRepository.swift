import TauIdentity
import TauMesh

/// A ``PeerRepository`` in memory, for mesh tests that need no database.
public actor InMemoryPeerRepository: PeerRepository {
    private var peers: [DID: Peer] = [:]

    public init() {}

    public func all() async throws -> [Peer] { peers.values.sorted { $0.did < $1.did } }
    public func peer(_ did: DID) async throws -> Peer? { peers[did] }
    public func save(_ peer: Peer) async throws {
        var saved = peer
        saved.firstSeen = peers[peer.did]?.firstSeen ?? peer.firstSeen
        peers[peer.did] = saved
    }
    @discardableResult
    public func remove(_ did: DID) async throws -> Bool { peers.removeValue(forKey: did) != nil }

    @discardableResult
    public func update(_ did: DID, _ change: @escaping @Sendable (inout Peer?) -> Void) async throws -> Peer? {
        var peer = peers[did]
        let firstSeen = peer?.firstSeen
        change(&peer)
        guard var changed = peer else { return nil }
        changed.firstSeen = firstSeen ?? changed.firstSeen
        peers[did] = changed
        return changed
    }

    @discardableResult
    public func update(_ changes: [PeerChange]) async throws -> [Peer] {
        var current = peers
        for change in changes {
            var peer = current[change.did]
            change.change(&peer)
            current[change.did] = peer
        }
        let removed = Set(changes.filter(\.removes).map(\.did))
        var written: [Peer] = []
        for did in Set(changes.map(\.did)).sorted() {
            if current[did] == nil, removed.contains(did) { peers[did] = nil }
            guard var peer = current[did], peer != peers[did] else { continue }
            peer.firstSeen = peers[did]?.firstSeen ?? peer.firstSeen
            peers[did] = peer
            written.append(peer)
        }
        return written
    }
}
