import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauTesting
import Testing

@testable import TauMesh

/// A mesh node driven in-process (no HTTP): inbound handling, peer learning, limits.
struct MeshNodeTests {
    @Test func helloIsAnsweredAndTheSenderBecomesAPeer() async throws {
        let alice = try await member(port: 9)
        let bob = try await member(port: 9)
        try await introduce(alice, to: bob)
        try await introduce(bob, to: alice)
        let hello = alice.signer.sign(type: MeshMessageType.hello, body: await alice.node.selfAdvertisement().json, to: [bob.did])
        let reply = try await bob.node.receive(hello.bytes)
        #expect(reply.plaintext.type == MeshMessageType.hello)
        #expect(reply.plaintext.threadID == hello.plaintext.id)
        let verified = try await EnvelopeVerifier(resolver: alice.resolver, replayCache: InMemoryReplayCache()).verify(reply.bytes, recipient: alice.did)
        #expect(verified.plaintext.body["did"]?.stringValue == bob.did.description)
        let peer = try await bob.peers.peer(alice.did)
        #expect(peer?.endpoint == "http://127.0.0.1:9")
        #expect(peer?.state == .alive)
        #expect(peer?.logHead == alice.log.head.versionId)
        // The same bytes again are a replay.
        await #expect(throws: EnvelopeError.self) { try await bob.node.receive(hello.bytes) }
        #expect(bob.count("tau_mesh_messages_rejected_total", [("reason", "replayed")]) == 1)
        #expect(bob.count("tau_mesh_messages_accepted_total", [("type", "peer/hello")]) == 1)
    }

    @Test func gossipTeachesPeersAndAnswersWithTheKnownView() async throws {
        let alice = try await member(port: 9)
        let bob = try await member(port: 9)
        let carol = try await member(port: 9)
        try await introduce(alice, to: bob)
        let carolAd = PeerAdvertisement(did: carol.did, endpoints: ["http://127.0.0.1:9"], logHead: carol.log.head.versionId)
        let gossip = alice.signer.sign(
            type: MeshMessageType.gossip, body: GossipList(peers: [await alice.node.selfAdvertisement(), carolAd]).body, to: [bob.did])
        let reply = try await bob.node.receive(gossip.bytes)
        let listed = try GossipList(body: reply.plaintext.body).peers.map(\.did)
        #expect(Set(listed) == [alice.did, bob.did, carol.did])
        // Carol is now a peer; her advertised head is not recorded, because Bob could not
        // fetch and verify her log (nothing listens at her endpoint): only verified heads count.
        let learned = try await bob.peers.peer(carol.did)
        #expect(learned?.endpoint == "http://127.0.0.1:9")
        #expect(learned?.logHead == nil)
    }

    @Test func oneGossipMessageAddsAtMostSixteenPeers() async throws {
        let alice = try await member(port: 9)
        let bob = try await member(port: 9)
        try await introduce(alice, to: bob)
        var list = [await alice.node.selfAdvertisement()]
        for index in 0..<40 {
            list.append(PeerAdvertisement(did: try DID("did:key:z6MkInvented\(index)"), endpoints: ["http://127.0.0.1:9"], logHead: nil))
        }
        let gossip = alice.signer.sign(type: MeshMessageType.gossip, body: GossipList(peers: list).body, to: [bob.did])
        _ = try await bob.node.receive(gossip.bytes)
        #expect(try await bob.peers.all().count == 17)
    }

    @Test func floodsAreRateLimitedPerSender() async throws {
        let alice = try await member(port: 9)
        let bob = try await member(port: 9, burst: 2)
        try await introduce(alice, to: bob)
        var codes: [String] = []
        for _ in 0..<4 {
            let ping = alice.signer.sign(type: MeshMessageType.ping, body: [:], to: [bob.did])
            do {
                _ = try await bob.node.receive(ping.bytes)
                codes.append("ok")
            } catch let error as MeshError {
                codes.append(error.code)
            }
        }
        #expect(codes == ["ok", "ok", "rate_limited", "rate_limited"])
    }

    @Test func unknownTypesAndBadBodiesAreRefused() async throws {
        let alice = try await member(port: 9)
        let bob = try await member(port: 9)
        try await introduce(alice, to: bob)
        let odd = alice.signer.sign(type: "https://example.org/other", body: [:], to: [bob.did])
        await #expect(throws: MeshError("unsupported_type", "this node does not handle https://example.org/other")) {
            try await bob.node.receive(odd.bytes)
        }
        let lying = alice.signer.sign(
            type: MeshMessageType.hello, body: ["did": .string(bob.did.description), "endpoints": ["http://127.0.0.1:9"]], to: [bob.did])
        await #expect(throws: MeshError.self) { try await bob.node.receive(lying.bytes) }
    }

    @Test func peersDeadForAWeekAreForgotten() async throws {
        let alice = try await member(port: 9)
        let ghost = try await member(port: 9)
        let longAgo = Date().addingTimeInterval(-8 * 86_400)
        try await alice.peers.save(
            Peer(did: ghost.did, endpoint: "http://127.0.0.1:9", firstSeen: longAgo, lastSeen: longAgo, state: .dead, failures: 40))
        await alice.node.gossipRound()
        #expect(try await alice.peers.peer(ghost.did) == nil)
    }

    @Test func deadPeersDoNotBlockARound() async throws {
        let alice = try await member(port: 9)
        let ghost = try await member(port: 9)
        try await alice.peers.save(Peer(did: ghost.did, endpoint: "http://127.0.0.1:9", firstSeen: Date()))
        for _ in 0..<3 { await alice.node.gossipRound() }
        let peer = try await alice.peers.peer(ghost.did)
        #expect(peer?.state == .dead)
        #expect(peer?.failures == 3)
        #expect(alice.gauge("tau_mesh_peers_dead") == 1)
    }
}
