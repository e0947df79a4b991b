import ArgumentParser
import Foundation
import Logging
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
            let mesh = try await context.meshNode(signer: signer, logger: Logger(label: "tau.mesh"))
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
