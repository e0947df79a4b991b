import Foundation
import TauCore
import TauIdentity
import Testing

@testable import TauMesh

/// ``GossipPolicy/view(own:table:at:using:)`` and ``GossipPolicy/targets(in:own:at:using:)``
/// order and shuffle positions instead of rows; they must choose exactly what sorting and
/// shuffling the rows themselves chooses, with the same random draws. Likewise
/// ``GossipPolicy/admitted(_:from:own:known:)`` plans new rows apart from the known set.
@Suite struct GossipPolicyViewOrderTests {
    /// The view as first written: rows filtered, sorted with DID strings, shuffled.
    func referenceView(
        _ policy: GossipPolicy, own: PeerAdvertisement, table: [Peer], at now: Date, using generator: inout some RandomNumberGenerator
    ) -> [PeerAdvertisement] {
        let limit = max(1, policy.maximumAdvertised)
        let live = table.filter { $0.state != .dead && $0.did != own.did }
        let since = now.addingTimeInterval(-policy.hotWindow)
        var hot = live.filter { $0.changed >= since }
        hot.sort { ($0.changed, $1.did.description) > ($1.changed, $0.did.description) }
        var listed = [own] + hot.prefix(limit - 1).map(\.advertisement)
        let cold = live.filter { $0.changed < since }
        let room = min(policy.sampleSize, limit - listed.count)
        if room > 0 {
            listed += cold.shuffled(using: &generator).prefix(room).map(\.advertisement)
        }
        return listed
    }

    @Test func theViewListsWhatSortingAndShufflingTheRowsLists() throws {
        var draw = SplitMix64(seed: 5)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        // Methods of different lengths, so that DID order across methods is exercised too.
        let methods = ["tau", "key", "web", "tau2", "ta"]
        for trial in 0..<200 {
            let policy = GossipPolicy(fanout: 3, interval: 1, sampleSize: Int.random(in: 0...20, using: &draw))
            let own = PeerAdvertisement(did: try DID("did:tau:QmOwn"), endpoints: ["http://own"], logHead: nil)
            var table: [Peer] = []
            for index in 0..<Int.random(in: 0...150, using: &draw) {
                let method = methods[Int.random(in: 0..<methods.count, using: &draw)]
                let did = try DID("did:\(method):Qm\(Int.random(in: 0...9_999, using: &draw))x\(index)")
                // Few distinct times, so that many rows tie and are ordered by DID.
                let changed = start.addingTimeInterval(Double(Int.random(in: 0...12, using: &draw)))
                var peer = Peer(did: did, endpoint: "http://p\(index)", firstSeen: start, changedAt: changed)
                if Int.random(in: 0..<5, using: &draw) == 0 { peer.state = .dead }
                table.append(peer)
            }
            if trial % 7 == 0 { table.append(Peer(did: own.did, endpoint: "http://own", firstSeen: start)) }
            let now = start.addingTimeInterval(Double(Int.random(in: 0...20, using: &draw)))
            var first = SplitMix64(seed: UInt64(trial))
            var second = SplitMix64(seed: UInt64(trial))
            let view = policy.view(own: own, table: table, at: now, using: &first).peers
            #expect(view == referenceView(policy, own: own, table: table, at: now, using: &second))
        }
    }
}

extension GossipPolicyViewOrderTests {
    /// The targets as first written: rows filtered and shuffled.
    func referenceTargets(
        _ policy: GossipPolicy, table: [Peer], own: DID, at now: Date, using generator: inout some RandomNumberGenerator
    ) -> [Peer] {
        let due = table.filter { $0.did != own && $0.isDue(at: now) && !policy.isForgotten($0, at: now) }
        return Array(due.shuffled(using: &generator).prefix(policy.fanout))
    }

    @Test func theTargetsAreWhatShufflingTheRowsChooses() throws {
        var draw = SplitMix64(seed: 8)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let own = try DID("did:tau:QmOwn")
        for trial in 0..<200 {
            let policy = GossipPolicy(fanout: Int.random(in: 1...5, using: &draw), interval: 1)
            let now = start.addingTimeInterval(8 * 86_400)
            var table: [Peer] = []
            for index in 0..<Int.random(in: 0...120, using: &draw) {
                var peer = Peer(did: try DID("did:tau:QmT\(index)"), endpoint: "http://t\(index)", firstSeen: start)
                switch Int.random(in: 0..<4, using: &draw) {
                case 0: peer.nextAttempt = now.addingTimeInterval(5)  // not due
                case 1: peer.state = .dead  // dead for 8 days: forgotten
                default: peer.lastSeen = now
                }
                table.append(peer)
            }
            if trial % 5 == 0 { table.append(Peer(did: own, endpoint: "http://own", firstSeen: start)) }
            var first = SplitMix64(seed: UInt64(trial))
            var second = SplitMix64(seed: UInt64(trial))
            let targets = policy.targets(in: table, own: own, at: now, using: &first)
            #expect(targets == referenceTargets(policy, table: table, own: own, at: now, using: &second))
        }
    }
}

extension GossipPolicyViewOrderTests {
    /// Admission as first written: new rows inserted into a copy of the known set.
    func referenceAdmitted(
        _ policy: GossipPolicy, _ advertised: [PeerAdvertisement], from sender: DID?, own: DID, known: Set<DID>,
        bootstrap: Bool
    ) -> [GossipPolicy.Admission] {
        var known = known
        var added = 0
        var admitted: [GossipPolicy.Admission] = []
        for advertisement in advertised where advertisement.did != own {
            let firstHand = advertisement.did == sender
            if !known.contains(advertisement.did) {
                if !firstHand {
                    guard added < policy.newPeersPerMessage else { continue }
                    added += 1
                }
                guard known.count < policy.maximumPeers || (firstHand && bootstrap) else { continue }
                known.insert(advertisement.did)
            }
            admitted.append(GossipPolicy.Admission(advertisement: advertisement, firstHand: firstHand))
        }
        return admitted
    }

    @Test func admissionIsWhatInsertingIntoTheKnownSetAdmits() throws {
        var draw = SplitMix64(seed: 13)
        let dids = try (0..<60).map { try DID("did:tau:QmA\($0)") }
        for _ in 0..<300 {
            var policy = GossipPolicy()
            policy.newPeersPerMessage = Int.random(in: 0...20, using: &draw)
            policy.maximumPeers = Int.random(in: 0...40, using: &draw)
            let known = Set(dids.filter { _ in Bool.random(using: &draw) }.prefix(Int.random(in: 0...45, using: &draw)))
            // Repeated DIDs, the sender's own elements and this node's DID among them.
            let advertised = (0..<Int.random(in: 0...64, using: &draw)).map { _ in
                PeerAdvertisement(did: dids[Int.random(in: 0..<dids.count, using: &draw)], endpoints: ["http://a"], logHead: nil)
            }
            let sender = Bool.random(using: &draw) ? dids[Int.random(in: 0..<dids.count, using: &draw)] : nil
            let own = dids[Int.random(in: 0..<dids.count, using: &draw)]
            let bootstrap = Bool.random(using: &draw)
            #expect(
                policy.admitted(advertised, from: sender, own: own, known: known, bootstrap: bootstrap)
                    == referenceAdmitted(policy, advertised, from: sender, own: own, known: known, bootstrap: bootstrap))
        }
    }
}
