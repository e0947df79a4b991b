import ArgumentParser
import TauCore
import TauNode

struct RotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate every key of the node's DID; the DID itself stays the same.",
        discussion: """
            Appends a log entry signed by the current update key and by the pre-committed next \
            key, replaces the signing and key-agreement keys, and commits to a fresh next key. \
            Signatures made before stay verifiable against the version that was current then.
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome, mustExist: true)
            let log = try await NodeIdentity(context: context).rotate(passphrase: try passphraseOptions.passphrase())
            let head = log.head
            if homeOptions.json {
                Output.json([
                    "did": .string(log.did.description), "versionId": .string(head.versionId),
                    "signingKey": .string(head.document.authentication.first?.id ?? ""),
                ])
            } else {
                Output.line("Rotated \(log.did)")
                Output.table([
                    ("Version", head.versionId),
                    ("Signing key", head.document.authentication.first.map { "\($0.id)  \($0.publicKeyMultibase ?? "")" } ?? ""),
                ])
            }
        }
    }
}
