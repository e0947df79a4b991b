import Foundation
import TauEnvelope
import TauGateway
import TauIdentity

extension NodeServer {
    /// The A2A front door of this node (docs/a2a.md): the card is signed when the keystore is
    /// unlocked (a passphrase was given), and DID-signed requests are verified as mesh
    /// messages are (signature, recipient, freshness, replay) whenever the node has a DID.
    /// Every skill is free: no payment desk is wired yet.
    func a2aDependencies() async throws -> A2AGatewayDependencies {
        let context = self.context
        let did = try await context.logs.localDID()
        let card = A2ACardDescription(
            name: context.configuration.node?.name ?? "tau-node",
            description: "A tau-node agent: it runs the task with its model and tools and answers with the result.",
            publicURL: context.settings.server.publicURL)
        var signCard: A2AGatewayDependencies.CardSigner?
        if did != nil, let passphrase {
            let signer = LocalSigner(context: context, passphrase: passphrase)
            signCard = { input in
                let current = try await signer.current()
                return (current.keyID, current.signature(for: input))
            }
        }
        var verifyRequest: A2AGatewayDependencies.RequestVerifier?
        if did != nil {
            let skew = context.settings.mesh.maximumClockSkew
            let verifier = EnvelopeVerifier(
                resolver: context.resolver, replayCache: context.replayCache,
                policy: EnvelopePolicy(maximumClockSkew: skew, maximumLifetime: max(3600, skew)), now: context.clock.now)
            let logs = context.logs
            verifyRequest = { bytes in
                guard let own = try await logs.localDID() else {
                    throw EnvelopeError("wrong_recipient", "this node has no DID", category: .unauthorized)
                }
                return try await verifier.verify(bytes, recipient: own).plaintext.from.description
            }
        }
        return A2AGatewayDependencies(card: card, signCard: signCard, verifyRequest: verifyRequest)
    }
}
