import ArgumentParser
import Foundation
import Logging
import TauCore
import TauIdentity
import TauMesh
import TauNode

struct PeerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer",
        abstract: "Manage the nodes this node gossips with.",
        discussion: "The peer table lives in node.sqlite; a running daemon picks up changes at its next gossip round.",
        subcommands: [PeerAddCommand.self, PeerListCommand.self, PeerShowCommand.self, PeerRemoveCommand.self])
}

struct PeerAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add the node at a URL as a peer, with a signed hello.",
        discussion: """
            Reads the node's DID from its /healthz, fetches and verifies its DID log, then sends \
            it a signed peer/hello and checks its signed answer, exactly as the daemon does at \
            start-up; the peer records this node too. Needs the passphrase (TAU_PASSPHRASE, \
            --passphrase-file or a prompt). The URL must pass the outbound policy ([outbound] allow).
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var passphraseOptions: PassphraseOptions

    @Argument(help: "Base URL of the peer, e.g. http://127.0.0.1:7421")
    var url: String

    func validate() throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ValidationError("\(url) is not an http(s) URL.")
        }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .error))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome, mustExist: true)
            let signer = LocalSigner(context: context, passphrase: try passphraseOptions.passphrase())
            let mesh = try await context.meshNode(signer: signer, logger: Logger(label: "tau.mesh"))
            let peer = try await mesh.hello(endpoint: url)
            let version = await context.resolver.heldLog(for: peer.did)?.head.versionId ?? peer.logHead ?? "unknown"
            if homeOptions.json {
                Output.json(peer.json)
            } else {
                Output.line("Added peer \(peer.did) at \(peer.endpoint) (log version \(version))")
            }
        }
    }
}

struct PeerListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List known peers and their state.")

    @OptionGroup var homeOptions: HomeOptions

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome)
            let peers = try await context.peers.all()
            if homeOptions.json {
                Output.json(["peers": .array(peers.map(\.json))])
                return
            }
            guard !peers.isEmpty else {
                Output.line("No peers yet. Add one with `tau-node peer add <url>` or start with `serve --peer <url>`.")
                return
            }
            var rows: [[String]] = [["DID", "ENDPOINT", "STATE", "LAST SEEN", "LOG"]]
            for peer in peers {
                let version = peer.logHead.map { String($0.prefix { $0 != "-" }) } ?? "?"
                rows.append([peer.did.description, peer.endpoint, peer.state.rawValue, peer.lastSeen.map(Timestamp.format) ?? "never", version])
            }
            Output.columns(rows)
        }
    }
}

struct PeerRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Forget a peer.")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The peer's DID.")
    var did: String

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let subject = try DID(did)
            let context = try await NodeContext.open(homeOptions.nodeHome)
            guard try await context.peers.remove(subject) else {
                throw NodeError("peer_unknown", "\(subject) is not a peer", category: .notFound)
            }
            if homeOptions.json {
                Output.json(["removed": .string(subject.description)])
            } else {
                Output.line("Removed peer \(subject)")
            }
        }
    }
}
