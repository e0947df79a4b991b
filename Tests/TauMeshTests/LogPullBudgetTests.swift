import Foundation
import Hummingbird
import TauCore
import TauEnvelope
import TauIdentity
import TauTesting
import Testing

@testable import TauMesh

/// The log-pull budget belongs to one message (`Specs/mesh.md` section 6.3).
struct LogPullBudgetTests {
    /// Log fetches seen by a test server, by the message whose peers they were for.
    actor Fetches {
        var byMessage: [String: Int] = [:]
        func record(_ tag: String) { byMessage[tag, default: 0] += 1 }
    }

    @Test func aBudgetIsSpentOneAttemptAtATime() {
        let budget = LogPullBudget()
        #expect(budget.remaining == 8)
        #expect((0..<10).map { _ in budget.take() } == Array(repeating: true, count: 8) + [false, false])
        #expect(budget.remaining == 0)
        #expect(LogPullBudget(attempts: -3).remaining == 0)
    }

    /// Two gossip messages handled at the same time, each naming 16 unknown peers with a
    /// newer log than is held (so each would pull far more than 8 times): each causes
    /// exactly 8 fetches. With one counter per node, the second message reset the first
    /// one's budget and then both drew on what was left.
    @Test func concurrentMessagesEachHaveTheirOwnBudget() async throws {
        let fetches = Fetches()
        let (firstFetch, fetchSeen) = AsyncStream.makeStream(of: Void.self)
        let router = Router()
        router.get("**") { request, _ -> Response in
            let path = request.uri.path
            await fetches.record(path.contains("InventedA") ? "a" : path.contains("InventedB") ? "b" : path)
            fetchSeen.yield()
            // Slow sources, so that the messages overlap.
            try await Task.sleep(for: .milliseconds(30))
            return Response(status: .notFound)
        }
        try await StaticHTTPServer.serve(router) { server in
            let (alice, bob, own) = try await aliceKnownToBob(logAt: server)
            func gossip(_ tag: String) throws -> SignedMessage {
                var list = [own]
                for index in 0..<16 {
                    list.append(PeerAdvertisement(did: try DID("did:tau:QmInvented\(tag)\(index)"), endpoints: [server], logHead: "5-QmX"))
                }
                return alice.signer.sign(type: MeshMessageType.gossip, body: GossipList(peers: list).body, to: [bob.did])
            }
            let first = try gossip("A")
            let second = try gossip("B")
            let firstHandled = Task {
                defer { fetchSeen.finish() }
                return try await bob.node.receive(first.bytes)
            }
            // The second message arrives while the first one is pulling.
            var seen = firstFetch.makeAsyncIterator()
            _ = await seen.next()
            _ = try await bob.node.receive(second.bytes)
            _ = try await firstHandled.value
            #expect(await fetches.byMessage == ["a": 8, "b": 8])
        }
    }
}

/// Log pulls for senders nobody has verified cost the receiver a log verification each, so
/// one client address gets a bucket of them (`Specs/mesh.md` section 5, step 5).
struct UnverifiedPullLimitTests {
    @Test func oneAddressCausesAtMostTenPullsAMinute() async throws {
        let fetches = LogPullBudgetTests.Fetches()
        let router = Router()
        router.get("**") { request, _ -> Response in
            await fetches.record("pull")
            return Response(status: .notFound)
        }
        try await StaticHTTPServer.serve(router) { server in
            // The clock stands still, so the bucket does not refill however slow the machine is.
            let frozen = Date()
            let bob = try await member(port: 9, requestTimeout: .seconds(10), now: { frozen })
            var codes: [String] = []
            for _ in 0..<14 {
                // A new stranger each time, who claims its log is at the test server.
                let stranger = try await member(port: 9)
                var own = await stranger.node.selfAdvertisement()
                own.endpoints = [server]
                let hello = stranger.signer.sign(type: MeshMessageType.hello, body: own.json, to: [bob.did])
                do {
                    _ = try await bob.node.receive(hello.bytes, from: "198.51.100.20")
                    codes.append("accepted")
                } catch let error as EnvelopeError {
                    codes.append(error.code)
                }
            }
            #expect(codes == Array(repeating: "sender_unknown", count: 14))
            #expect(await fetches.byMessage["pull"] == 10, "one pull per message until the address's bucket is empty")
            // Another address still gets its pulls.
            let stranger = try await member(port: 9)
            var own = await stranger.node.selfAdvertisement()
            own.endpoints = [server]
            let hello = stranger.signer.sign(type: MeshMessageType.hello, body: own.json, to: [bob.did])
            await #expect(throws: EnvelopeError.self) { _ = try await bob.node.receive(hello.bytes, from: "198.51.100.21") }
            #expect(await fetches.byMessage["pull"] == 11)
        }
    }
}
