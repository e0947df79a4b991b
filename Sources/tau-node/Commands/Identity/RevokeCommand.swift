import ArgumentParser
import Foundation
import TauCore
import TauNode

struct RevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Deactivate the node's DID permanently.",
        discussion: """
            Appends the final log entry (deactivated: true). Afterwards the DID resolves with \
            deactivated metadata and nothing it signs is accepted. This cannot be undone. \
            Asks for confirmation unless --yes is given.
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Flag(name: [.short, .long], help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome, mustExist: true)
            let did = try await context.localDID()
            if !yes {
                guard isatty(STDIN_FILENO) != 0 else {
                    throw NodeError("confirmation_required", "revoking cannot be undone: pass --yes to confirm non-interactively")
                }
                Output.standardError("Deactivate \(did) permanently? Nothing it signs will be accepted again.\nType 'revoke' to confirm: ")
                guard readLine()?.trimmingCharacters(in: .whitespaces) == "revoke" else {
                    throw NodeError("not_confirmed", "revocation cancelled", category: .conflict)
                }
            }
            let log = try await NodeIdentity(context: context).revoke(passphrase: try passphraseOptions.passphrase())
            if homeOptions.json {
                Output.json(["did": .string(log.did.description), "versionId": .string(log.head.versionId), "deactivated": true])
            } else {
                Output.line("Deactivated \(log.did) at version \(log.head.versionId)")
            }
        }
    }
}
