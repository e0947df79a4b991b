import Foundation

extension NodeConfiguration {
    /// `[agent]`: the node's agent (`tau-node run`, `chat`, the runs API). See docs/agent.md.
    public struct Agent: Sendable, Equatable, Codable {
        /// The model the agent uses: a `[routes]` alias or a catalog id (`--model` wins).
        public var model: String?
        /// The directory runs of the runs API (`tau-node serve`) work in (default: the directory
        /// `serve` was started in). `run` and `chat` use `--workspace` or their own directory.
        public var workspace: String?
        /// Safety profile: `permissive`, `balanced` (default) or `strict`.
        public var profile: String?
        /// When the user is asked before a tool runs: `never`, `on-request` or `auto` (default: the profile's).
        public var approval: String?
        /// Most model calls in one run (default 40).
        public var max_turns: Int?
        /// Longest one model call may take (default `"10m"`).
        public var turn_timeout: String?
        /// Longest one tool call may take (default `"15m"`).
        public var tool_timeout: String?
        /// Longest a whole run may take (default `"60m"`).
        public var run_timeout: String?
        /// Most runs of the runs API one `serve` replica runs at once (default 8).
        public var max_runs: Int?
        /// Tools offered (names, `*` wildcards); default all the profile allows.
        public var allow: [String]?
        /// Tools never offered; wins over `allow`.
        public var deny: [String]?
        /// Directories tools may use besides the workspace.
        public var roots: [String]?
        /// Paths no tool may read or write, besides the node home (always protected).
        public var protected: [String]?
        /// Calls per minute per tool, e.g. `{ bash = 30, http_fetch = 60 }`.
        public var rate_limits: [String: Int]?
        /// Injected instructions found in tool output: `flag` or `strip` (default: the profile's).
        public var injection: String?
    }

    /// `[mcp]`: MCP servers whose tools the agent offers.
    public struct MCP: Sendable, Equatable, Codable {
        public var servers: [String: MCPServer]?
    }

    /// `[mcp.servers.<name>]`: a stdio server (`command`) or a streamable-HTTP server (`url`).
    public struct MCPServer: Sendable, Equatable, Codable {
        public var command: String?
        public var args: [String]?
        public var env: [String: String]?
        public var cwd: String?
        public var url: String?
        public var headers: [String: String]?
        /// Longest start-up and handshake (default `"30s"`).
        public var startup_timeout: String?
        /// Longest one tool call (default `"2m"`).
        public var call_timeout: String?
        /// Only these tools of the server are offered.
        public var enabled_tools: [String]?
        /// `false` keeps the server configured but not started.
        public var enabled: Bool?
    }
}

extension NodeConfiguration.Agent {
    static let profiles = ["permissive", "balanced", "strict"]
    static let approvals = ["never", "on-request", "auto"]

    func validate(_ problems: ConfigProblems) throws(NodeError) {
        if let profile, !Self.profiles.contains(profile) {
            throw problems.invalid(["agent", "profile"], "must be one of \(Self.profiles.joined(separator: ", "))")
        }
        if let approval, !Self.approvals.contains(approval) {
            throw problems.invalid(["agent", "approval"], "must be one of \(Self.approvals.joined(separator: ", "))")
        }
        if let injection, !["flag", "strip"].contains(injection) { throw problems.invalid(["agent", "injection"], "must be flag or strip") }
        if let turns = max_turns, !(1...1000).contains(turns) { throw problems.invalid(["agent", "max_turns"], "must be 1-1000") }
        if let runs = max_runs, !(1...1000).contains(runs) { throw problems.invalid(["agent", "max_runs"], "must be 1-1000") }
        for (key, value) in [("turn_timeout", turn_timeout), ("tool_timeout", tool_timeout), ("run_timeout", run_timeout)] {
            if let value { try problems.duration(value, at: ["agent", key]) }
        }
        for (tool, limit) in rate_limits ?? [:] where !(1...100_000).contains(limit) {
            throw problems.invalid(["agent", "rate_limits", tool], "must be 1-100000 calls per minute")
        }
        if let workspace, !workspace.hasPrefix("/") && !workspace.hasPrefix("~") {
            throw problems.invalid(["agent", "workspace"], "\(workspace) must be an absolute path")
        }
        for path in (roots ?? []) + (protected ?? []) where !path.hasPrefix("/") && !path.hasPrefix("~") {
            throw problems.invalid(["agent", roots?.contains(path) == true ? "roots" : "protected"], "\(path) must be an absolute path")
        }
    }
}

extension NodeConfiguration.MCP {
    func validate(_ problems: ConfigProblems) throws(NodeError) {
        for (name, server) in (servers ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = ["mcp", "servers", name]
            guard !name.isEmpty, name.count <= 32, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw problems.invalid(path, "server names use letters, digits, _ and -, at most 32", naming: true)
            }
            switch (server.command, server.url) {
            case (nil, nil): throw problems.invalid(path, "set command (a stdio server) or url (a streamable-HTTP server)")
            case (.some, .some): throw problems.invalid(path, "set command or url, not both")
            case (nil, let url?) where !ConfigProblems.isHTTPURL(url): throw problems.invalid(path + ["url"], "\(url) is not an http(s) URL")
            default: break
            }
            if let text = server.startup_timeout { try problems.duration(text, at: path + ["startup_timeout"]) }
            if let text = server.call_timeout { try problems.duration(text, at: path + ["call_timeout"]) }
        }
    }
}
