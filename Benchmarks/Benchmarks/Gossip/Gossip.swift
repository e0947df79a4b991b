import Benchmark
import Foundation
import Synchronization
import TauCore
import TauEnvelope
import TauIdentity
import TauMesh
import TauTesting

// One gossip exchange between two mesh nodes in this process: `gossipRound()` on node A signs
// its view (itself and the peers it knows), node B verifies it, merges it and answers with its
// own view, and A verifies and merges the answer. Both know `peers` peers, the same ones, so
// the merge updates rows and pulls no logs (the steady state). The HTTP hop is replaced by a
// direct call to B's inbox, so sockets and HTTP parsing are not in the figures. See
// docs/performance.md.
let benchmarks: @Sendable () -> Void = {
    for peers in [10, 50] {
        Benchmark(
            "gossip exchange, \(peers) peers known, in process",
            configuration: .init(
                metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, GossipFixture.bytesMetric], timeUnits: .microseconds,
                warmupIterations: 20, maxDuration: .seconds(8), maxIterations: 10_000),
            closure: { (benchmark: Benchmark, fixture: GossipFixture) in
                await fixture.measuredExchange(benchmark)
            }, setup: { try await GossipFixture.make(peers: peers) })
    }
}

struct GossipFixture: Sendable {
    /// Bytes of the gossip message and of its reply, per exchange.
    static let bytesMetric = BenchmarkMetric.custom("bytes per exchange", polarity: .prefersSmaller, useScalingFactor: false)

    let a: MeshNode
    let b: MeshNode
    let aPeers: InMemoryPeerRepository
    let transport: InProcessMesh

    static func make(peers count: Int) async throws -> GossipFixture {
        let transport = InProcessMesh()
        // The peers both nodes know: did:tau identities whose logs both hold.
        let others = try (0..<(count - 1)).map { index in
            try DIDTauController.create(services: [("tau-mesh", "TauMesh", "http://peer\(index).bench:7420")])
        }
        let (aController, aLog) = try DIDTauController.create(services: [("tau-mesh", "TauMesh", "http://a.bench:7420")])
        let (bController, bLog) = try DIDTauController.create(services: [("tau-mesh", "TauMesh", "http://b.bench:7420")])
        var nodes: [(MeshNode, InMemoryPeerRepository)] = []
        for (controller, log, endpoint, other, otherLog, otherEndpoint) in [
            (aController, aLog, "http://a.bench:7420", bController, bLog, "http://b.bench:7420"),
            (bController, bLog, "http://b.bench:7420", aController, aLog, "http://a.bench:7420"),
        ] {
            let logs = InMemoryDIDLogRepository()
            try await logs.save(try log.verify(), origin: .local)
            let resolver = DIDResolver(repository: logs, http: transport)
            let repository = InMemoryPeerRepository()
            let time = Date()
            _ = try await resolver.accept(otherLog, for: other.did)
            var counterpart = Peer(did: other.did, endpoint: otherEndpoint, firstSeen: time, logHead: try otherLog.verify().head.versionId)
            counterpart.recordSuccess(at: time)
            try await repository.save(counterpart)
            for (index, (peer, peerLog)) in others.enumerated() {
                let verified = try await resolver.accept(peerLog, for: peer.did)
                // Alive, so advertised, but not due: the round talks to the counterpart only. Known for
                // an hour and unchanged since: a settled mesh, whose views are a random sample.
                let settled = time.addingTimeInterval(-3600)
                try await repository.save(
                    Peer(
                        did: peer.did, endpoint: "http://peer\(index).bench:7420", firstSeen: settled, lastSeen: time,
                        logHead: verified.head.versionId, state: .alive, nextAttempt: .distantFuture, capabilities: ["mesh/1"],
                        nodeVersion: "bench", changedAt: settled))
            }
            let signer = EnvelopeSigner(did: controller.did, keyID: controller.signingKeyID, key: controller.signingKey)
            let node = MeshNode(
                configuration: .init(endpoint: endpoint, nodeVersion: "bench", rateLimitBurst: 1e12, rateLimitPerSecond: 1e12),
                signer: signer, verifier: EnvelopeVerifier(resolver: resolver, replayCache: InMemoryReplayCache()), resolver: resolver,
                peers: repository, http: transport)
            await node.listening(at: endpoint)
            transport.register(node, at: endpoint)
            nodes.append((node, repository))
        }
        return GossipFixture(a: nodes[0].0, b: nodes[1].0, aPeers: nodes[0].1, transport: transport)
    }

    func measuredExchange(_ benchmark: Benchmark) async {
        let before = transport.totals()
        benchmark.startMeasurement()
        await a.gossipRound()
        benchmark.stopMeasurement()
        let after = transport.totals()
        guard after.exchanges == before.exchanges + 1, after.failures == before.failures else {
            return benchmark.error("the round made \(after.exchanges - before.exchanges) exchanges, \(after.failures - before.failures) refused")
        }
        benchmark.measurement(Self.bytesMetric, after.bytes - before.bytes)
    }
}

/// An ``OutboundHTTP`` that hands a POST to `<endpoint>/mesh/v1/inbox` straight to that
/// node's `receive`, as the gateway's mesh route does, and counts the bytes both ways.
final class InProcessMesh: OutboundHTTP, Sendable {
    struct Totals: Sendable {
        var exchanges = 0
        var failures = 0
        var bytes = 0
    }

    private let nodes = Mutex<[String: MeshNode]>([:])
    private let counts = Mutex(Totals())

    func register(_ node: MeshNode, at endpoint: String) { nodes.withLock { $0[endpoint] = node } }

    func totals() -> Totals { counts.withLock { $0 } }

    func send(_ request: OutboundRequest) async throws(OutboundError) -> OutboundResponse {
        let target = nodes.withLock { nodes in nodes.first { request.url == $0.key + "/mesh/v1/inbox" }?.value }
        guard request.method == "POST", let target, let body = request.body else {
            return OutboundResponse(status: 404, body: Array(#"{"error":{"code":"not_found"}}"#.utf8))
        }
        do {
            let reply = try await target.receive(body, from: "127.0.0.1").bytes
            counts.withLock {
                $0.exchanges += 1
                $0.bytes += body.count + reply.count
            }
            return OutboundResponse(status: 200, headers: [("Content-Type", SignedMessage.mediaType)], body: reply)
        } catch {
            counts.withLock { $0.failures += 1 }
            let code = (error as? any TauError)?.code ?? "internal"
            return OutboundResponse(status: 400, body: Array(#"{"error":{"code":"\#(code)"}}"#.utf8))
        }
    }
}
