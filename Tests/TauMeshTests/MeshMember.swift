import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import MetricsTestKit
import TauTesting

@testable import TauMesh

/// A node of an in-process mesh test: its DID, log, stores and ``MeshNode``.
struct MeshMember {
    let controller: DIDTauController
    let log: VerifiedDIDTauLog
    let logs: InMemoryDIDLogRepository
    let peers: InMemoryPeerRepository
    let resolver: DIDResolver
    let node: MeshNode
    let metrics: TestMetrics
    var did: DID { controller.did }
    var signer: EnvelopeSigner { EnvelopeSigner(did: did, keyID: controller.signingKeyID, key: controller.signingKey) }
}

/// A fresh node advertising `http://127.0.0.1:<port>`, allowing `burst` messages per sender
/// (refilled very slowly), with the given handlers and rate limiter.
func member(
    port: Int, burst: Double = 60, handlers: MeshHandlerRegistry = .builtIn, rateLimiter: any RateLimiter = InMemoryRateLimiter(),
    requestTimeout: Duration = .milliseconds(300), maximumPeers: Int = 1_000, now: @escaping @Sendable () -> Date = { Date() }
) async throws -> MeshMember {
    let metrics = TestMetrics()
    let (controller, log) = try DIDTauController.create(services: [("tau-mesh", "TauMesh", "http://127.0.0.1:\(port)")])
    let verified = try log.verify()
    let logs = InMemoryDIDLogRepository()
    try await logs.save(verified, origin: .local)
    let resolver = DIDResolver(repository: logs, http: PolicedHTTPClient.loopback)
    let signer = EnvelopeSigner(did: controller.did, keyID: controller.signingKeyID, key: controller.signingKey)
    let peers = InMemoryPeerRepository()
    var configuration = MeshNode.Configuration(
        endpoint: "http://127.0.0.1:\(port)", nodeVersion: "test", rateLimitBurst: burst, rateLimitPerSecond: 0.001,
        requestTimeout: requestTimeout)
    configuration.maximumPeers = maximumPeers
    let node = MeshNode(
        configuration: configuration,
        signer: signer, verifier: EnvelopeVerifier(resolver: resolver, replayCache: InMemoryReplayCache()), resolver: resolver,
        peers: peers, handlers: handlers, rateLimiter: rateLimiter, floodLimiter: rateLimiter, metrics: MeshMetrics(factory: metrics),
        http: PolicedHTTPClient.loopback, now: now)
    return MeshMember(controller: controller, log: verified, logs: logs, peers: peers, resolver: resolver, node: node, metrics: metrics)
}

/// Lets `receiver` resolve `sender` as if it had fetched its log.
func introduce(_ sender: MeshMember, to receiver: MeshMember) async throws {
    try await receiver.resolver.accept(sender.log.log, for: sender.did)
}

extension MeshMember {
    /// The total of a counter the node emitted (0 when it never did).
    func count(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
        (try? metrics.expectCounter(label, dimensions).totalValue) ?? 0
    }

    /// The last value of a gauge the node set.
    func gauge(_ label: String) -> Double? {
        try? metrics.expectGauge(label).lastValue
    }
}

/// Alice, known to Bob, and her advertisement claiming that her log is served at `server`.
/// Bob's deadlines are generous: a fetch that timed out on a loaded machine would never reach
/// the server, and counts of fetches would be short for a reason that has nothing to do with
/// what is tested.
func aliceKnownToBob(logAt server: String) async throws -> (alice: MeshMember, bob: MeshMember, own: PeerAdvertisement) {
    let alice = try await member(port: 9)
    let bob = try await member(port: 9, requestTimeout: .seconds(10))
    try await introduce(alice, to: bob)
    var own = await alice.node.selfAdvertisement()
    own.endpoints = [server]
    return (alice, bob, own)
}
