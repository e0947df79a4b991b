import Foundation
import TauCore
import TauIdentity
import Testing

@testable import TauMesh

struct PeerStateTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func failuresLeadToDeadWithCappedBackoffAndSuccessRevives() throws {
        var peer = Peer(did: try DID("did:tau:QmPeer"), endpoint: "http://127.0.0.1:1", firstSeen: start)
        peer.recordFailure(at: start, baseDelay: 10)
        #expect(peer.state == .suspect)
        #expect(peer.isDue(at: start))
        peer.recordFailure(at: start, baseDelay: 10)
        peer.recordFailure(at: start, baseDelay: 10)
        #expect(peer.state == .dead)
        #expect(peer.nextAttempt == start.addingTimeInterval(10))
        #expect(!peer.isDue(at: start.addingTimeInterval(5)))
        peer.recordFailure(at: start, baseDelay: 10)
        #expect(peer.nextAttempt == start.addingTimeInterval(20))
        for _ in 0..<20 { peer.recordFailure(at: start, baseDelay: 10) }
        #expect(peer.nextAttempt == start.addingTimeInterval(Peer.maximumBackoff))
        peer.recordSuccess(at: start.addingTimeInterval(400))
        #expect(peer.state == .alive)
        #expect(peer.failures == 0)
        #expect(peer.lastSeen == start.addingTimeInterval(400))
    }

    @Test func tokenBucketLimitsBurstsAndRefills() {
        var bucket = TokenBucket(capacity: 3, refillPerSecond: 1, now: start)
        var outcomes: [Bool] = []
        for offset in [0, 0, 0, 0, 0.5, 1.6, 1.7, 100] {
            outcomes.append(bucket.take(at: start.addingTimeInterval(offset)))
        }
        #expect(outcomes == [true, true, true, false, false, true, false, true])
        #expect(bucket.tokens <= 3)
    }

    @Test func advertisementsAreValidated() throws {
        let good: JSONValueLike = ["did": "did:tau:QmA", "endpoints": ["http://127.0.0.1:7420"], "logHead": "3-QmX"]
        let advertisement = try PeerAdvertisement(json: good.value)
        #expect(advertisement.logHeadNumber == 3)
        for bad: JSONValueLike in [
            ["did": "nope", "endpoints": ["http://x"]],
            ["did": "did:tau:QmA", "endpoints": []],
            ["did": "did:tau:QmA", "endpoints": ["ftp://x"]],
            ["did": "did:tau:QmA"],
        ] {
            #expect(throws: MeshError.self) { try PeerAdvertisement(json: bad.value) }
        }
    }
}
