import ArgumentParser
import TauNode

struct TauNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tau-node",
        abstract: "Run a tau-node: an LLM agent node with a DID identity on the KAMN mesh.",
        discussion: """
            A node keeps its state in a home directory (--home, $TAU_HOME, default ~/.tau): \
            config.toml, keystore.json (sealed with your passphrase), node.sqlite and logs/.

            Start with `tau-node init`, then `tau-node serve`. Commands that use the keystore \
            read the passphrase from --passphrase-file, $TAU_PASSPHRASE, or ask on the terminal.

            Every command prints human-readable output; add --json for scripts. Failures print \
            a stable reason code (see docs/cli.md) and exit non-zero.
            """,
        version: tauNodeVersion,
        subcommands: [
            InitCommand.self, IdentityCommand.self, ServeCommand.self, PeerCommand.self, SendPingCommand.self, KeysCommand.self, ModelsCommand.self, UsageCommand.self,
            RunCommand.self, ChatCommand.self, SessionsCommand.self, AuditCommand.self, WalletCommand.self, EscrowCommand.self,
            DelegateCommand.self, ReceiptsCommand.self,
        ]
    )

    /// The program's entry point (main.swift).
    static func runFromCommandLine() async {
        Output.ignoreBrokenPipes()
        await main(nil)
    }
}
