import ArgumentParser
import Foundation
import TauCore
import TauIdentity
import TauNode

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a node home with a new did:tau identity.",
        discussion: """
            Creates the home directory, config.toml, the sealed keystore.json and the node database, \
            and prints the new DID. The passphrase is asked twice unless given by --passphrase-file \
            or $TAU_PASSPHRASE. To restore a backup instead, pass --restore-keystore and --restore-log.
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Option(help: "A human label for this node, written to config.toml.")
    var name: String?

    @Option(help: ArgumentHelp("URL other nodes reach this node at, published in the DID document.", valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp("Restore from this keystore backup instead of creating a new identity.", valueName: "file"))
    var restoreKeystore: String?

    @Option(help: ArgumentHelp("The exported DID log (tau-node id export-log) that goes with --restore-keystore.", valueName: "file"))
    var restoreLog: String?

    func validate() throws {
        if (restoreKeystore == nil) != (restoreLog == nil) {
            throw ValidationError("--restore-keystore and --restore-log go together.")
        }
        if let publicURL, URL(string: publicURL)?.host == nil || !["http", "https"].contains(URL(string: publicURL)?.scheme ?? "") {
            throw ValidationError("--public-url must be an absolute http(s) URL.")
        }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let home = homeOptions.nodeHome
            guard !home.hasKeystore else {
                throw NodeError("identity_exists", "\(home.path) already holds an identity (keystore.json)", category: .conflict)
            }
            let context = try await NodeContext.open(home)
            let identity = NodeIdentity(context: context)
            let log: VerifiedDIDTauLog
            if let restoreKeystore, let restoreLog {
                let passphrase = try passphraseOptions.passphrase()
                log = try await identity.restore(keystoreFile: restoreKeystore, logFile: restoreLog, passphrase: passphrase)
            } else {
                let passphrase = try passphraseOptions.passphrase(confirm: true)
                let nodeName = name ?? ProcessInfo.processInfo.hostName
                log = try await identity.create(name: nodeName, publicURL: publicURL, passphrase: passphrase)
            }
            if homeOptions.json {
                Output.json([
                    "did": .string(log.did.description), "home": .string(home.path), "versionId": .string(log.head.versionId),
                    "restored": .bool(restoreKeystore != nil),
                ])
            } else {
                Output.line(restoreKeystore == nil ? "Created node identity" : "Restored node identity")
                Output.table([
                    ("DID", log.did.description), ("Version", log.head.versionId), ("Home", home.path),
                    ("Keystore", home.keystorePath + " (mode 0600)"),
                ])
                Output.line("\nBack up keystore.json and remember the passphrase: without both, this identity cannot be rotated or revoked.")
            }
        }
    }
}
