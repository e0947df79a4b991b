import Foundation
import TauIdentity
import Testing

@testable import TauMesh

/// The gossip decisions as plain functions (`Specs/mesh.md` sections 4.4, 6.2, 7.3).
@Suite struct GossipPolicyTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = GossipPolicy(fanout: 3, interval: 1, sampleSize: 4, hotIntervals: 8)

    func did(_ index: Int) throws -> DID { try DID("did:tau:QmPolicyPeer\(String(format: "%04d", index))") }

    func own() throws -> PeerAdvertisement {
        PeerAdvertisement(did: try did(0), endpoints: ["http://127.0.0.1:1"], logHead: "1-QmOwn")
    }

    func table(_ count: Int, changedAt: (Int) -> Date) throws -> [Peer] {
        try (1...count).map { index in
            Peer(did: try did(index), endpoint: "http://127.0.0.1:\(1000 + index)", firstSeen: start, state: .alive, changedAt: changedAt(index))
        }
    }

    @Test func aQuietViewIsItselfAndASampleWhateverTheTableSize() throws {
        var generator = SystemRandomNumberGenerator()
        let now = start.addingTimeInterval(3600)
        for size in [3, 50, 900] {
            let view = policy.view(own: try own(), table: try table(size) { _ in start }, at: now, using: &generator).peers
            #expect(view.first == (try own()))
            #expect(view.count == 1 + min(size, 4))
            #expect(Set(view.map(\.did)).count == view.count)
        }
    }

    @Test func recentChangesAreListedNewestFirstThenTheSample() throws {
        var generator = SystemRandomNumberGenerator()
        let now = start.addingTimeInterval(3600)
        // Peers 1-5 changed in the last 8 intervals (peer 5 last), the rest long ago.
        let peers = try table(40) { index in index <= 5 ? now.addingTimeInterval(Double(index) - 6) : start }
        let list = policy.view(own: try own(), table: peers, at: now, using: &generator)
        #expect(list.recent == 5)
        let view = list.peers
        #expect(view.count == 1 + 5 + 4)
        #expect(Array(view[1...5].map(\.did)) == (try [5, 4, 3, 2, 1].map(did)))
        // A change 9 intervals old is back in the sample.
        let older = policy.view(own: try own(), table: peers, at: now.addingTimeInterval(9), using: &generator)
        #expect(older.peers.count == 1 + 4)
        #expect(older.recent == 0)
    }

    @Test func theViewNeverListsDeadPeersOrExceedsTheLimit() throws {
        var generator = SystemRandomNumberGenerator()
        // 150 peers that all changed just now, half of them dead: 75 live candidates.
        var peers = try table(150) { _ in start }
        for index in peers.indices where index % 2 == 0 { peers[index].state = .dead }
        let view = policy.view(own: try own(), table: peers, at: start, using: &generator).peers
        #expect(view.count == maximumGossipPeers)
        let dead = Set(peers.filter { $0.state == .dead }.map(\.did))
        #expect(view.allSatisfy { !dead.contains($0.did) })
    }

    @Test func admissionCountsUnknownHearsayAndRespectsTheTableLimit() throws {
        let sender = try did(1)
        let list = try (1...30).map { PeerAdvertisement(did: try did($0), endpoints: ["http://127.0.0.1:9"], logHead: nil) }
        + [try own()]
        let known: Set<DID> = [try did(2), try did(3)]
        let admitted = policy.admitted(list, from: sender, own: try did(0), known: known)
        // The sender first-hand, the two known peers, and 16 unknown ones; never this node.
        #expect(admitted.count == 1 + 2 + 16)
        #expect(admitted.filter(\.firstHand).map(\.advertisement.did) == [sender])
        #expect(!admitted.contains { $0.advertisement.did == (try? did(0)) })
        var small = policy
        small.maximumPeers = 3
        let capped = small.admitted(list, from: sender, own: try did(0), known: known)
        // Room for exactly one row, taken by the sender; hearsay of unknown peers adds none.
        #expect(Set(capped.map(\.advertisement.did)) == [sender, try did(2), try did(3)])
        // A full table takes no stranger from gossip, first-hand or not; a hello always gets in.
        let full: Set<DID> = [try did(2), try did(3), try did(4)]
        #expect(Set(small.admitted(list, from: sender, own: try did(0), known: full).map(\.advertisement.did)) == full)
        let hello = small.admitted([list[0]], from: sender, own: try did(0), known: full, bootstrap: true)
        #expect(hello.map(\.advertisement.did) == [sender])
        #expect(hello.first?.firstHand == true)
    }

    @Test func targetsAreDueLivePeersUpToTheFanout() throws {
        var generator = SystemRandomNumberGenerator()
        var peers = try table(10) { _ in start }
        peers[0].nextAttempt = start.addingTimeInterval(60)
        let chosen = policy.targets(in: peers, own: try did(0), at: start, using: &generator)
        #expect(chosen.count == 3)
        #expect(!chosen.contains { $0.did == peers[0].did })
        #expect(Set(chosen.map(\.did)).count == 3)
    }

    @Test func aMergeSetsChangedAtOnlyWhenWhatIsAdvertisedChanges() throws {
        let advertised = PeerAdvertisement(did: try did(7), endpoints: ["http://127.0.0.1:7"], logHead: "2-QmTwo", capabilities: ["mesh/1"])
        let created = Peer.merged(nil, with: advertised, verifiedHead: "1-QmOne", firstHand: false, at: start)
        #expect(created.changedAt == start && created.logHead == "1-QmOne")
        let later = start.addingTimeInterval(10)
        let same = Peer.merged(created, with: advertised, verifiedHead: "1-QmOne", firstHand: false, at: later)
        #expect(same == created)
        let rotated = Peer.merged(created, with: advertised, verifiedHead: "2-QmTwo", firstHand: false, at: later)
        #expect(rotated.changedAt == later && rotated.logHead == "2-QmTwo")
        // Hearsay does not move a live peer; its own word does.
        var moved = advertised
        moved.endpoints = ["http://127.0.0.1:8"]
        var alive = created
        alive.state = .alive
        #expect(Peer.merged(alive, with: moved, verifiedHead: nil, firstHand: false, at: later) == alive)
        #expect(Peer.merged(alive, with: moved, verifiedHead: nil, firstHand: true, at: later).endpoint == "http://127.0.0.1:8")
    }
}

extension GossipPolicyTests {
    /// A node builds its answer and gauges from the table it read with its own writes laid
    /// over it, instead of reading the table again (`MeshNode.overlaying`).
    @Test func writtenRowsReplaceOrJoinTheTableInDIDOrder() throws {
        let table = try [1, 3, 5].map { index in
            Peer(did: try did(index), endpoint: "http://127.0.0.1:\(index)", firstSeen: start, state: .alive)
        }
        #expect(MeshNode.overlaying([], on: table) == table)
        var changed = table[1]
        changed.state = .suspect
        let added = [
            Peer(did: try did(4), endpoint: "http://127.0.0.1:4", firstSeen: start, state: .alive),
            Peer(did: try did(0), endpoint: "http://127.0.0.1:0", firstSeen: start, state: .alive),
        ]
        let result = MeshNode.overlaying([changed] + added, on: table)
        #expect(result.map(\.did) == (try [0, 1, 3, 4, 5].map(did)))
        #expect(result.first { $0.did == changed.did }?.state == .suspect)
        // A DID written twice counts once, as its last write.
        var again = changed
        again.state = .dead
        #expect(MeshNode.overlaying([changed, again], on: table).filter { $0.did == changed.did }.map(\.state) == [.dead])
        #expect(MeshNode.overlaying(added + added, on: []).count == 2)
    }
}
