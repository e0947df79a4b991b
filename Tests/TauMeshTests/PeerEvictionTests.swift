import Foundation
import TauIdentity
import Testing

@testable import TauMesh

/// A full peer table makes room for a peer that says hello (`Specs/mesh.md` section 6.2, step 2).
@Suite struct PeerEvictionTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = GossipPolicy(maximumPeers: 4)

    func did(_ index: Int) throws -> DID { try DID("did:tau:QmEvictPeer\(String(format: "%04d", index))") }

    func row(_ index: Int, _ state: Peer.State, seen: TimeInterval?) throws -> Peer {
        Peer(
            did: try did(index), endpoint: "http://127.0.0.1:\(index)", firstSeen: start, lastSeen: seen.map(start.addingTimeInterval),
            state: state)
    }

    func hello(_ index: Int) throws -> [GossipPolicy.Admission] {
        let advertisement = PeerAdvertisement(did: try did(index), endpoints: ["http://127.0.0.1:9"], logHead: nil)
        return policy.admitted([advertisement], from: advertisement.did, own: try did(0), known: [], bootstrap: true)
    }

    @Test func deadRowsGoFirstThenSuspectThenAliveEachLeastRecentlySeenFirst() throws {
        let table = [
            try row(1, .alive, seen: 10), try row(2, .dead, seen: 500), try row(3, .suspect, seen: nil), try row(4, .dead, seen: 100),
        ]
        let known = Set(table.map(\.did))
        #expect(policy.evictions(for: try hello(9), table: table, known: known) == [try did(4)])
        let order = table.sorted(by: GossipPolicy.evictsBefore).map(\.did)
        #expect(order == (try [4, 2, 3, 1].map(did)))
        // Never seen counts from the first sighting; ties go in DID order.
        let twins = [try row(6, .alive, seen: 0), try row(5, .alive, seen: nil)]
        #expect(twins.sorted(by: GossipPolicy.evictsBefore).map(\.did) == (try [5, 6].map(did)))
    }

    @Test func nothingIsEvictedBelowTheLimitNorForKnownPeers() throws {
        let table = [try row(1, .dead, seen: 0), try row(2, .alive, seen: 0), try row(3, .alive, seen: 0)]
        let known = Set(table.map(\.did))
        #expect(policy.evictions(for: try hello(9), table: table, known: known).isEmpty, "the fourth row fits")
        let full = table + [try row(4, .alive, seen: 0)]
        // A hello from a peer with a row adds none, so it evicts none.
        #expect(policy.evictions(for: try hello(4), table: full, known: Set(full.map(\.did))).isEmpty)
    }

    @Test func aTableOverTheLimitGivesUpOneRowPerNewPeerNotAllItsExcess() throws {
        let table = try (1...10).map { try row($0, .dead, seen: Double($0)) }
        let victims = policy.evictions(for: try hello(20), table: table, known: Set(table.map(\.did)))
        #expect(victims == [try did(1)])
    }

    /// Hellos from ever new DIDs keep the table at its limit; the stalest rows go, and each
    /// eviction is counted on `/metrics`.
    @Test func helloFromStrangersKeepsAFullTableAtItsLimit() async throws {
        let bob = try await member(port: 9, maximumPeers: 3)
        try await bob.peers.save(try row(1, .alive, seen: 1_000))
        try await bob.peers.save(try row(2, .dead, seen: 10))
        try await bob.peers.save(try row(3, .suspect, seen: 500))
        var arrived: [DID] = []
        for _ in 0..<2 {
            let stranger = try await member(port: 9)
            try await introduce(stranger, to: bob)
            let own = await stranger.node.selfAdvertisement()
            _ = try await bob.node.receive(stranger.signer.sign(type: MeshMessageType.hello, body: own.json, to: [bob.did]).bytes)
            arrived.append(stranger.did)
        }
        let table = try await bob.peers.all()
        #expect(table.count == 3)
        #expect(Set(table.map(\.did)) == Set(arrived + [try did(1)]), "the dead row went first, then the suspect one")
        #expect(bob.count("tau_mesh_peers_evicted_total") == 2)

        // Gossip from a stranger is answered but neither recorded nor a cause of eviction.
        let stranger = try await member(port: 9)
        try await introduce(stranger, to: bob)
        let list = GossipList(peers: [await stranger.node.selfAdvertisement()])
        _ = try await bob.node.receive(stranger.signer.sign(type: MeshMessageType.gossip, body: list.body, to: [bob.did]).bytes)
        #expect(Set(try await bob.peers.all().map(\.did)) == Set(table.map(\.did)))
        #expect(bob.count("tau_mesh_peers_evicted_total") == 2)
    }
}
