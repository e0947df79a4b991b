import Foundation
import TOMLKit
import TauCore

/// `config.toml`. Every key is optional; unknown keys are rejected so that a
/// typo never silently falls back to a default.
public struct NodeConfiguration: Sendable, Equatable, Codable {
    public struct Node: Sendable, Equatable, Codable {
        /// A human label for this node.
        public var name: String?
        /// The URL other nodes reach this node at; published as the `TauMesh` service.
        public var public_url: String?
    }

    public struct Server: Sendable, Equatable, Codable {
        public var host: String?
        public var port: Int?
    }

    public struct Resolver: Sendable, Equatable, Codable {
        /// Nodes asked for did:tau logs this node does not hold.
        public var sources: [String]?
        public var cache_ttl_seconds: Int?
        public var max_clock_skew_seconds: Int?
        /// Hosts whose did:web documents are fetched over plain HTTP.
        public var insecure_web_hosts: [String]?
        /// Most logs of other DIDs kept (default 10,000).
        public var max_foreign_logs: Int?
        /// Most bytes of logs of other DIDs kept, in MiB (default 256).
        public var max_foreign_log_mib: Int?
    }

    public struct Mesh: Sendable, Equatable, Codable {
        /// Nodes to say hello to at start-up (base URLs).
        public var bootstrap: [String]?
        /// Time between gossip rounds, e.g. `"30s"`, `"500ms"`, `"2m"`.
        public var gossip_interval: String?
        /// Allowed clock difference for signed messages, e.g. `"5m"`.
        public var max_clock_skew: String?
        /// Peers contacted per gossip round.
        public var gossip_fanout: Int?
        /// `[mesh.reputation]`: how peers are scored and chosen (NodeConfiguration+Reputation.swift).
        public var reputation: Reputation?
    }

    /// `[outbound]`: which non-public addresses the node may fetch from.
    public struct Outbound: Sendable, Equatable, Codable {
        /// CIDR blocks or addresses allowed although special (`"127.0.0.0/8"`, `"10.1.0.0/16"`).
        public var allow: [String]?
    }

    /// `[database]`: where the node keeps its data (NodeConfiguration+Database.swift).
    public struct Database: Sendable, Equatable, Codable {
        /// `postgres://user:password@host:5432/db`; the SQLite file in the home when unset.
        /// `TAU_DATABASE_URL` overrides it.
        public var url: String?
        /// How long one database call may take before it fails with `store_unavailable`, e.g. `"5s"`.
        public var timeout: String?
    }

    public var node: Node?
    public var server: Server?
    public var database: Database?
    public var resolver: Resolver?
    public var mesh: Mesh?
    public var outbound: Outbound?
    /// `[metrics]`: who may read `/metrics`.
    public var metrics: Metrics?

    public struct Metrics: Sendable, Equatable, Codable {
        /// `"none"` (default: anyone who reaches the node) or `"operator"` (the operator token).
        public var auth: String?
    }
    /// `[catalog]`: the remote model catalog and local model overrides (NodeConfiguration+Catalog.swift).
    public var catalog: Catalog?
    /// `[providers.<name>]` tables.
    public var providers: [String: Provider]?
    /// `[routes]`: model alias → ordered routes (`"provider:model"` or a catalog id).
    public var routes: [String: [String]]?
    public var gateway: Gateway?
    /// `[agent]` (NodeConfiguration+Agent.swift).
    public var agent: Agent?
    /// `[mcp]` (NodeConfiguration+Agent.swift).
    public var mcp: MCP?
    /// `[delegation]` (NodeConfiguration+Delegation.swift).
    public var delegation: Delegation?

    public init(node: Node? = nil, server: Server? = nil, resolver: Resolver? = nil, mesh: Mesh? = nil) {
        self.node = node
        self.server = server
        self.resolver = resolver
        self.mesh = mesh
    }

    /// Parses `"250ms"`, `"30s"`, `"2m"`, `"1h"`.
    /// - Throws: ``NodeError`` `config_invalid`.
    public static func duration(_ text: String) throws(NodeError) -> Duration {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let value = Double(number), value > 0, value.isFinite, value * scale <= 86_400 {
                return .milliseconds(Int64((value * scale * 1000).rounded()))
            }
        }
        throw NodeError("config_invalid", "\(text) is not a duration such as 500ms, 30s, 2m or 1h")
    }

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 7420

    /// Where a node with this configuration is reached when `[node] public_url` is unset.
    public var defaultAdvertisedURL: String {
        let host = server?.host ?? NodeConfiguration.defaultHost
        return "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(server?.port ?? NodeConfiguration.defaultPort)"
    }

    /// Reads `config.toml`; a missing file is an empty configuration.
    /// - Throws: ``NodeError`` `config_invalid` with the position or the unknown keys.
    public static func load(from path: String) throws(NodeError) -> NodeConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { return NodeConfiguration() }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NodeError("config_invalid", "\(path) is not UTF-8")
        }
        return try parse(text, origin: path)
    }

    /// Parses TOML text.
    public static func parse(_ text: String, origin: String = "config.toml") throws(NodeError) -> NodeConfiguration {
        var decoder = TOMLDecoder()
        decoder.strictDecoding = true
        let configuration: NodeConfiguration
        do {
            configuration = try decoder.decode(NodeConfiguration.self, from: text)
        } catch let error as TOMLParseError {
            throw NodeError("config_invalid", "\(origin):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch let error as UnexpectedKeysError {
            let problems = ConfigProblems(origin: origin, text: text)
            // Each unknown key with the table it is in: `server.prot`, not just `prot`.
            let paths = error.keys.map { key, parents in
                let path = parents.filter { $0.intValue == nil }.map(\.stringValue)
                return path.last == key ? path : path + [key]
            }.sorted { $0.joined(separator: ".") < $1.joined(separator: ".") }
            let place = paths.compactMap { problems.locator.line(of: $0) }.min().map { "\(origin):\($0)" } ?? origin
            let names = paths.map { $0.joined(separator: ".") }.joined(separator: ", ")
            throw NodeError("config_invalid", "\(place): unknown keys: \(names)")
        } catch let error as DecodingError {
            throw ConfigProblems(origin: origin, text: text).decoding(error)
        } catch {
            throw NodeError("config_invalid", "\(origin): \(error)")
        }
        try configuration.validate(ConfigProblems(origin: origin, text: text))
        return configuration
    }

    /// A commented starting configuration written by `tau-node init`.
    public static func template(name: String, publicURL: String?) -> String {
        """
        # tau-node configuration. See docs/configuration.md for every key.

        [node]
        name = \(tomlString(name))
        \(publicURL.map { "public_url = \(tomlString($0))" } ?? "# public_url = \"https://node.example.org\"  # published in the DID document")

        [server]
        host = "127.0.0.1"
        port = 7420

        [resolver]
        # Nodes to ask for did:tau logs this node does not hold.
        sources = []
        cache_ttl_seconds = 60
        max_clock_skew_seconds = 300

        [mesh]
        # Nodes to say hello to at start-up, e.g. ["https://peer.example.org"].
        bootstrap = []
        gossip_interval = "30s"
        max_clock_skew = "5m"

        [outbound]
        # Peers, log sources, did:web hosts and the catalog are only fetched from public
        # addresses. List the private blocks this node may reach, e.g. ["127.0.0.0/8"] for a
        # mesh on one machine or ["10.0.0.0/8"] for one LAN.
        allow = []

        """
    }

    private static func tomlString(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\u{00}"..."\u{1F}", "\u{7F}": escaped += String(format: "\\u%04X", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"" + escaped + "\""
    }
}
