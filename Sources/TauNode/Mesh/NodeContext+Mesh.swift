import Foundation
import Logging
import TauCore
import TauEnvelope
import TauIdentity
import TauMesh

extension NodeContext {
    /// This node as a mesh member, built the same way for `serve` and for CLI commands that
    /// talk to peers (`send-ping`): one verification policy, the store's replay cache, peer
    /// table and rate limiter, and the node's clock.
    /// - Parameters:
    ///   - signer: the node's signer (it holds the passphrase).
    ///   - endpoint: where this node is reached; the configured public URL by default.
    /// - Throws: ``NodeError`` `identity_missing`; the signer's errors (`wrong_passphrase`).
    ///   - extraHandlers: handlers beyond the peer and delegation ones (model calls).
    ///   - extraCapabilities: advertised beyond `mesh/1` and `task:agent` (served models).
    public func meshNode(
        signer: LocalSigner, endpoint: String? = nil, metrics: MeshMetrics = .discarded, extraHandlers: [any MeshHandler] = [],
        extraCapabilities: [String] = [], logger: Logger
    ) async throws -> MeshNode {
        let own = try await signer.current()  // a wrong passphrase fails here, not at the first message
        let skew = settings.mesh.maximumClockSkew
        var handlers = MeshHandlerRegistry.builtIn
        for handler in delegationHandlers(logger: logger) + extraHandlers { try handlers.register(handler) }
        let capabilities = ["mesh/1"] + (delegationSettings.acceptTasks ? [Delegator.capability] : []) + extraCapabilities
        return MeshNode(
            configuration: .init(
                endpoint: endpoint ?? settings.server.advertisedURL, nodeVersion: tauNodeVersion, capabilities: capabilities,
                gossipInterval: settings.mesh.gossipInterval, gossipFanout: settings.mesh.gossipFanout),
            did: own.did, signer: { try await signer.current() },
            verifier: EnvelopeVerifier(
                resolver: resolver, replayCache: replayCache,
                policy: EnvelopePolicy(maximumClockSkew: skew, maximumLifetime: max(3600, skew)), now: clock.now),
            resolver: resolver, peers: peers, handlers: handlers, rateLimiter: store.rateLimiter, metrics: metrics, http: http, now: clock.now, logger: logger)
    }
}
