import ArgumentParser
import Foundation
import TauCore
import TauCrypto
import TauNode

struct ChangePassphraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change-passphrase",
        abstract: "Re-seal the keystore under a new passphrase.",
        discussion: """
            The current passphrase comes from --passphrase-file, $TAU_PASSPHRASE or a prompt; the new \
            one from --new-passphrase-file, $TAU_NEW_PASSPHRASE or a prompt (asked twice). The keystore \
            is replaced atomically; with a wrong current passphrase nothing changes. Keys and DID stay \
            the same, so backups made before still need the old passphrase.
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Option(help: ArgumentHelp("Read the new passphrase from this file (else $TAU_NEW_PASSPHRASE, else a prompt).", valueName: "file"))
    var newPassphraseFile: String?

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome, mustExist: true)
            let old = try passphraseOptions.passphrase()
            let new = try PassphraseSource(file: newPassphraseFile, variable: "TAU_NEW_PASSPHRASE")
                .obtain(prompt: "New keystore passphrase: ", confirm: true)
            let did = try await NodeIdentity(context: context).changePassphrase(from: old, to: new)
            if homeOptions.json {
                Output.json(["did": .string(did.description), "keystore": .string(context.home.keystorePath)])
            } else {
                Output.line("Keystore of \(did) re-sealed under the new passphrase.")
            }
        }
    }
}
