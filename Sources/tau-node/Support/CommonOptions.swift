import ArgumentParser
import Foundation
import Logging
import TauCrypto
import TauNode

/// Options every command that touches the node home accepts.
struct HomeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Node home directory (default: $TAU_HOME, else ~/.tau).", valueName: "dir"))
    var home: String?

    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

    var nodeHome: NodeHome { NodeHome.resolve(explicit: home) }

    /// Runs a command body on the opened home (logs at error level), reporting failures with
    /// their reason codes, and closes the store whatever happens.
    func withContext(_ body: (NodeContext) async throws -> Void) async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .error))
        try await Output.reporting(json: json) {
            let context = try await NodeContext.open(nodeHome)
            do {
                try await body(context)
            } catch {
                await context.close()
                throw error
            }
            await context.close()
        }
    }
}

/// Where the keystore passphrase comes from.
struct PassphraseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the keystore passphrase from this file (else $TAU_PASSPHRASE, else a prompt).", valueName: "file"))
    var passphraseFile: String?

    func passphrase(confirm: Bool = false) throws -> String {
        try source.obtain(confirm: confirm)
    }

    /// Where the passphrase comes from: `--passphrase-file`, `TAU_PASSPHRASE`, the terminal.
    var source: PassphraseSource { PassphraseSource(file: passphraseFile) }
}

enum Logs {
    /// Structured logs go to standard error so that standard output stays clean for --json.
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func level(_ explicit: String?, default fallback: Logger.Level) -> Logger.Level {
        let name = explicit ?? ProcessInfo.processInfo.environment["TAU_LOG_LEVEL"]
        return name.flatMap(Logger.Level.init(rawValue:)) ?? fallback
    }
}
