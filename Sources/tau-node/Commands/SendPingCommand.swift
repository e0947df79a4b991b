import ArgumentParser
import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauMesh
import TauNode

struct SendPingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-ping",
        abstract: "Check a peer end to end: a signed ping to its inbox, a verified signed pong back.",
        discussion: """
            The endpoint is the peer table's, else the TauMesh service of the peer's DID document. \
            Exits 0 with the round-trip time, or non-zero with the reason (e.g. the peer's \
            refusal code, or why its reply was not accepted).
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Argument(help: "The peer's DID.")
    var did: String

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .error))
        try await Output.reporting(json: homeOptions.json) {
            let peer = try DID(did)
            let context = try await NodeContext.open(homeOptions.nodeHome, mustExist: true)
            let signer = LocalSigner(context: context, passphrase: try passphraseOptions.passphrase())
            let own = try await signer.current()
            let mesh = MeshNode(
                configuration: .init(endpoint: context.configuration.publicURL, nodeVersion: tauNodeVersion),
                did: own.did, signer: { try await signer.current() },
                verifier: EnvelopeVerifier(
                    resolver: context.resolver, replayCache: context.replayCache,
                    policy: EnvelopePolicy(maximumClockSkew: context.configuration.maxClockSkew)),
                resolver: context.resolver, peers: context.peers)
            let (reply, roundTrip, endpoint) = try await mesh.ping(peer)
            let milliseconds = Double(roundTrip.components.seconds) * 1000 + Double(roundTrip.components.attoseconds) / 1e15
            if homeOptions.json {
                Output.json([
                    "did": .string(peer.description), "endpoint": .string(endpoint), "roundTripMs": .number((milliseconds * 10).rounded() / 10),
                    "replyId": .string(reply.plaintext.id), "signedBy": .string(reply.message.keyID),
                ])
            } else {
                Output.line(String(format: "pong from %@ (%@) in %.1f ms, signed by %@", peer.description, endpoint, milliseconds, reply.message.keyID))
            }
        }
    }
}
