import Foundation
import TauEnvelope
import TauGateway
import TauIdentity

extension NodeServer {
    /// The A2A front door of this node (docs/a2a.md): the card is signed when the keystore is
    /// unlocked (a passphrase was given), and DID-signed requests are verified as mesh
    /// messages are (signature, recipient, freshness, replay) whenever the node has a DID.
    /// With the mesh on and `[delegation] accept_tasks`, the skill `task` is paid (402 until a
    /// voucher is sent) and a DID caller's task runs under the delegated-task policy.
    func a2aDependencies(desk: DelegationDesk?, models: NodeModels) async throws -> A2AGatewayDependencies {
        let context = self.context
        let did = try await context.logs.localDID()
        let settings = context.delegationSettings
        let paid = desk != nil && settings.acceptTasks
        let task = A2ASkill(
            id: NodeA2APayments.skill, name: "Paid task",
            description: "The node's agent does the task under its delegated-task policy; paid per task through escrow.",
            tags: ["agent", "paid"])
        let card = A2ACardDescription(
            name: context.configuration.node?.name ?? "tau-node",
            description: "A tau-node agent: it runs the task with its model and tools and answers with the result.",
            skills: paid ? [.agent, task] : [.agent], publicURL: context.settings.server.publicURL)
        var signCard: A2AGatewayDependencies.CardSigner?
        if did != nil, let passphrase {
            let signer = LocalSigner(context: context, passphrase: passphrase)
            signCard = { input in
                let current = try await signer.current()
                return (current.keyID, current.signature(for: input))
            }
        }
        let skew = context.settings.mesh.maximumClockSkew
        let verifier = EnvelopeVerifier(
            resolver: context.resolver, replayCache: context.replayCache,
            policy: EnvelopePolicy(maximumClockSkew: skew, maximumLifetime: max(3600, skew)), now: context.clock.now)
        let logs = context.logs
        let verify: @Sendable ([UInt8]) async throws -> VerifiedMessage = { bytes in
            guard let own = try await logs.localDID() else {
                throw EnvelopeError("wrong_recipient", "this node has no DID", category: .unauthorized)
            }
            return try await verifier.verify(bytes, recipient: own)
        }
        var verifyRequest: A2AGatewayDependencies.RequestVerifier?
        if did != nil { verifyRequest = { @Sendable bytes in try await verify(bytes).plaintext.from.description } }
        guard paid, let desk else { return A2AGatewayDependencies(card: card, signCard: signCard, verifyRequest: verifyRequest) }
        let strangers = context.strangerAgentFactory(models: models, logger: logger)
        return A2AGatewayDependencies(
            card: card, signCard: signCard, verifyRequest: verifyRequest, payments: NodeA2APayments(desk: desk, verify: verify),
            makeDIDAgent: strangers)
    }
}
