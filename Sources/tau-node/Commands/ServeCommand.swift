import ArgumentParser
import Foundation
import Logging
import TauCrypto
import TauNode

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the node daemon (HTTP on 127.0.0.1:7420 by default).",
        discussion: """
            Serves /healthz, /.well-known/did.json, /.well-known/did-log.jsonl, \
            /mesh/v1/dids/{did}/log, /1.0/identifiers/{did} and /metrics. With the keystore \
            unlocked (--passphrase-file, $TAU_PASSPHRASE or a prompt) it also joins the mesh: \
            POST /mesh/v1/inbox, hello to --peer and [mesh] bootstrap nodes, and gossip. \
            SIGTERM or SIGINT drains open requests and exits 0. Once listening, prints one line \
            to standard output: `tau-node listening on http://HOST:PORT`. Logs go to standard error.
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Option(name: .customLong("peer"), help: ArgumentHelp("A node to join the mesh through (repeatable).", valueName: "url"))
    var peers: [String] = []

    @Option(help: "Address to bind (default: [server] host, else 127.0.0.1).")
    var host: String?

    @Option(help: "Port to bind; 0 picks a free port (default: [server] port, else 7420).")
    var port: Int?

    @Option(name: .customLong("source"), help: ArgumentHelp("A node to ask for DID logs (repeatable).", valueName: "url"))
    var sources: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: $TAU_LOG_LEVEL, else info).")
    var logLevel: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0-65535.") }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown --log-level \(logLevel).") }
        for peer in peers where URL(string: peer)?.host == nil || !["http", "https"].contains(URL(string: peer)?.scheme ?? "") {
            throw ValidationError("--peer \(peer) is not an http(s) URL.")
        }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(logLevel, default: .info))
        let logger = Logger(label: "tau.node")
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome, extraLogSources: sources, logger: logger)
            var passphrase: String?
            // Without any passphrase source the node serves DIDs only (no mesh).
            if context.home.hasKeystore, passphraseOptions.source.hasSource {
                passphrase = try passphraseOptions.passphrase()
            }
            let server = NodeServer(context: context, host: host, port: port, passphrase: passphrase, bootstrap: peers, logger: logger)
            let did = try? await context.logs.localDID()
            if did == nil {
                logger.warning("this node has no identity yet; run `tau-node init` to create one")
            }
            let boundHost = server.host
            try await server.run { port in
                Output.line("tau-node listening on http://\(boundHost):\(port)")
                logger.info("listening", metadata: ["port": "\(port)", "did": "\(did?.description ?? "none")"])
            }
            logger.info("stopped")
        }
    }
}
