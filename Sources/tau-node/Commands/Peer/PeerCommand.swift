import ArgumentParser
import Foundation
import TauCore
import TauIdentity
import TauMesh
import TauNode

struct PeerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer",
        abstract: "Manage the nodes this node gossips with.",
        discussion: "The peer table lives in node.sqlite; a running daemon picks up changes at its next gossip round.",
        subcommands: [PeerAddCommand.self, PeerListCommand.self, PeerRemoveCommand.self])
}

struct PeerAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add the node at a URL as a peer.",
        discussion: """
            Reads the node's DID from its /healthz, fetches and verifies its DID log from \
            /mesh/v1/dids/{did}/log, and records it. The daemon contacts it (signed peer/gossip) \
            at its next gossip round.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "Base URL of the peer, e.g. http://127.0.0.1:7421")
    var url: String

    func validate() throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ValidationError("\(url) is not an http(s) URL.")
        }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome, extraLogSources: [url])
            let base = url.hasSuffix("/") ? String(url.dropLast()) : url
            let (status, body) = try await AsyncHTTPFetcher().get(base + "/healthz", accept: "application/json", maximumBytes: 65536)
            guard status == 200, let text = (try? JSONValue(parsing: body))?["did"]?.stringValue, let did = try? DID(text) else {
                throw NodeError("peer_has_no_identity", "\(base)/healthz names no DID", category: .unavailable)
            }
            if let own = try? await context.logs.localDID(), own == did {
                throw NodeError("peer_is_self", "\(base) is this node")
            }
            let log = try await context.resolver.verifiedLog(for: did)
            let time = context.clock.now()
            let head = log.head.versionId
            let saved = try await context.peers.update(did) { stored in
                var peer = stored ?? Peer(did: did, endpoint: base, firstSeen: time)
                peer.endpoint = base
                peer.logHead = head
                peer.nextAttempt = time
                stored = peer
            }
            let peer = saved ?? Peer(did: did, endpoint: base, firstSeen: time, logHead: head, nextAttempt: time)
            if homeOptions.json {
                Output.json(peer.json)
            } else {
                Output.line("Added peer \(did) at \(base) (log version \(log.head.versionId))")
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
