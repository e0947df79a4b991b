import Foundation
import Hummingbird
import TauCore
import TauIdentity
import TauTesting
import Testing

@testable import TauMesh

/// News: changes of peers without a row, verified and relayed (`Specs/mesh.md` sections 4.4
/// and 6.5).
@Suite struct GossipNewsTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = GossipPolicy(fanout: 3, interval: 1, sampleSize: 2, hotIntervals: 8)

    func did(_ index: Int) throws -> DID { try DID("did:tau:QmNewsPeer\(String(format: "%04d", index))") }

    func advertisement(_ index: Int, head: String? = "2-QmHead") throws -> PeerAdvertisement {
        PeerAdvertisement(did: try did(index), endpoints: ["http://127.0.0.1:\(1000 + index)"], logHead: head)
    }

    // MARK: The buffer

    @Test func theBufferKeepsOneItemPerDIDAndDropsTheOldestBeyondItsCapacity() throws {
        var buffer = NewsBuffer(capacity: 3)
        for index in 1...4 { buffer.record(try advertisement(index), at: start.addingTimeInterval(Double(index))) }
        #expect(buffer.items.map(\.advertisement.did) == (try [2, 3, 4].map(did)))
        buffer.record(try advertisement(3, head: "3-QmNewer"), at: start.addingTimeInterval(5))
        #expect(buffer.items.map(\.advertisement.did) == (try [2, 4, 3].map(did)))
        #expect(buffer.items.last?.advertisement.logHead == "3-QmNewer")
        buffer.remove(try did(4))
        #expect(buffer.items.map(\.advertisement.did) == (try [2, 3].map(did)))
        var none = NewsBuffer(capacity: 0)
        none.record(try advertisement(1), at: start)
        #expect(none.items.isEmpty)
    }

    // MARK: Views

    @Test func newsIsListedAmongTheRecentChangesNewestFirstAndMarkedRecent() throws {
        var generator = SystemRandomNumberGenerator()
        let now = start.addingTimeInterval(3600)
        let own = try advertisement(0)
        // Rows 1-2 changed 3 and 1 intervals ago; 3-10 long ago.
        let table = try (1...10).map { index in
            Peer(
                did: try did(index), endpoint: "http://127.0.0.1:\(1000 + index)", firstSeen: start, state: .alive,
                changedAt: index == 1 ? now.addingTimeInterval(-3) : index == 2 ? now.addingTimeInterval(-1) : start)
        }
        let news = [
            GossipNews(advertisement: try advertisement(20), received: now.addingTimeInterval(-2)),
            GossipNews(advertisement: try advertisement(21), received: now.addingTimeInterval(-0.5)),
            // A hot row's news is carried by the row; news older than the hot window is not listed.
            GossipNews(advertisement: try advertisement(1), received: now.addingTimeInterval(-0.1)),
            GossipNews(advertisement: try advertisement(22), received: now.addingTimeInterval(-9)),
        ]
        let view = policy.view(own: own, table: table, news: news, at: now, using: &generator)
        #expect(view.recent == 4)
        #expect(view.recentPeers.map(\.did) == (try [21, 2, 20, 1].map(did)))
        #expect(view.peers.count == 1 + 4 + 2)
        #expect(Set(view.peers.map(\.did)).count == view.peers.count)
        // The cap holds with news too.
        var small = policy
        small.maximumAdvertised = 3
        let capped = small.view(own: own, table: table, news: news, at: now, using: &generator)
        #expect(capped.peers.map(\.did) == (try [0, 21, 2].map(did)))
        #expect(capped.recent == 2)
    }

    @Test func candidatesAreRecentElementsWithAHeadOfPeersWithoutARow() throws {
        let sender = try did(1)
        let list = GossipList(
            peers: [
                try advertisement(1),  // the sender
                try advertisement(2),  // known: merged as a row
                try advertisement(0),  // this node
                try advertisement(3, head: nil),  // no head: nothing to verify
                try advertisement(7, head: "1-QmGenesis"),  // a new node, not a change
                try advertisement(4),  // admitted as a new row below
                try advertisement(5),  // news
                try advertisement(5),  // the same DID again
                try advertisement(6),  // not marked recent: sample
            ], recent: 6)
        let admitted = [GossipPolicy.Admission(advertisement: try advertisement(4), firstHand: false)]
        let candidates = policy.newsCandidates(in: list, from: sender, own: try did(0), known: [try did(2)], admitted: admitted)
        #expect(candidates.map(\.did) == [try did(5)])
        #expect(policy.newsCandidates(in: GossipList(peers: list.peers), from: sender, own: try did(0), known: [], admitted: []).isEmpty)
    }

    // MARK: The wire

    @Test func recentIsReadOverTheValidElementsAndRefusedWhenOutOfRange() throws {
        let valid = try (1...4).map { try advertisement($0).json }
        let invalid: JSONValue = ["did": "not a did"]
        let list = try GossipList(body: ["peers": .array([valid[0], valid[1], invalid, valid[2], valid[3]]), "recent": 3])
        // Elements 1 and 3 were marked (2 is invalid); 4 was not.
        #expect(list.peers.count == 4)
        #expect(list.recentPeers.map(\.did) == (try [2, 3].map(did)))
        // Without the sender's element first, nothing is taken as recent.
        #expect(try GossipList(body: ["peers": .array([invalid, valid[1]]), "recent": 1]).recent == 0)
        #expect(try GossipList(body: ["peers": .array(valid)]).recent == 0)
        for bad: JSONValue in [4, -1, 1.5, "2", .null] {
            #expect(throws: MeshError.self) { try GossipList(body: ["peers": .array(valid), "recent": bad]) }
        }
        // Written back: `recent` only when there is something recent.
        #expect(GossipList(peers: list.peers).body["recent"] == nil)
        #expect(GossipList(peers: list.peers, recent: 2).body["recent"] == 2)
    }

    // MARK: A node

    /// Bob hears of Carol's rotation in a list whose 16 other new peers use up what one
    /// message may add, so Carol gets no row: Bob pulls her log from the relay, verifies it,
    /// and lists her, as news, among the recent changes of his answer. The same list without
    /// the mark makes him pull nothing.
    @Test func aNodeRelaysAVerifiedChangeOfAPeerItKeepsNoRowFor() async throws {
        let carol = try await member(port: 9)
        let (_, rotated) = try carol.controller.rotate(carol.log)
        let rotatedLog = try rotated.verify()
        let fetches = LogPullBudgetTests.Fetches()
        let router = Router()
        router.get("mesh/v1/dids/:did/log") { request, context -> Response in
            await fetches.record(context.parameters.get("did") ?? "")
            guard context.parameters.get("did") == carol.did.description else { return Response(status: .notFound) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: rotated.jsonLines)))
        }
        try await StaticHTTPServer.serve(router) { server in
            let (alice, bob, own) = try await aliceKnownToBob(logAt: server)
            // 16 peers Bob has never heard of, new ones for every message.
            func strangers(_ tag: String) throws -> [PeerAdvertisement] {
                try (0..<16).map {
                    PeerAdvertisement(did: try DID("did:key:z6MkNews\(tag)Stranger\($0)"), endpoints: ["http://127.0.0.1:9"], logHead: nil)
                }
            }
            func gossip(_ tag: String, recent: Int) throws -> [UInt8] {
                let list = GossipList(peers: [own] + (try strangers(tag)) + [carolAd], recent: recent)
                return alice.signer.sign(type: MeshMessageType.gossip, body: list.body, to: [bob.did]).bytes
            }
            let carolAd = PeerAdvertisement(did: carol.did, endpoints: ["http://127.0.0.1:9"], logHead: rotatedLog.head.versionId)

            _ = try await bob.node.receive(try gossip("A", recent: 0))
            #expect(await fetches.byMessage.isEmpty)

            let reply = try GossipList(body: try await bob.node.receive(try gossip("B", recent: 17)).plaintext.body)
            #expect(await fetches.byMessage == [carol.did.description: 1])
            #expect(try await bob.peers.peer(carol.did) == nil)
            #expect(await bob.resolver.heldLog(for: carol.did)?.head.versionId == rotatedLog.head.versionId)
            let relayed = reply.recentPeers.first { $0.did == carol.did }
            #expect(relayed?.logHead == rotatedLog.head.versionId)
            #expect(relayed?.endpoints == ["http://127.0.0.1:9"])

            // Told again, Bob holds that head already: no pull, and the news is not renewed.
            _ = try await bob.node.receive(try gossip("C", recent: 17))
            #expect(await fetches.byMessage == [carol.did.description: 1])
        }
    }
}
