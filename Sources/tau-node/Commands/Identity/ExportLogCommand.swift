import ArgumentParser
import TauCore
import TauNode

struct ExportLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-log",
        abstract: "Write the node's did:tau log as JSON Lines (for backups and publishing).")

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome, mustExist: true)
            let log = try await context.localLog()
            if let output {
                try AtomicFile.write(log.log.jsonLines, to: output, mode: 0o644)
                if homeOptions.json {
                    Output.json(["did": .string(log.did.description), "entries": .number(Double(log.versions.count)), "file": .string(output)])
                } else {
                    let count = log.versions.count
                    Output.line("Wrote \(count) \(count == 1 ? "entry" : "entries") of \(log.did) to \(output)")
                }
            } else {
                Output.write(log.log.jsonLines)
            }
        }
    }
}
