import ArgumentParser

struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Inspect, rotate, revoke, resolve and sign with the node's DID.",
        subcommands: [
            ShowCommand.self, RotateCommand.self, RevokeCommand.self, ResolveCommand.self, SignCommand.self,
            VerifyCommand.self, ExportLogCommand.self, ChangePassphraseCommand.self,
        ])
}
