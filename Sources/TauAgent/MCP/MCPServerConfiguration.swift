import Foundation

/// One MCP server the operator configured (`[mcp.servers.<name>]` in `config.toml`): how to
/// reach it and how long to wait for it. Configuration is the operator's, so it is trusted;
/// the checks here catch mistakes, not attacks.
public struct MCPServerConfiguration: Sendable, Equatable {
    /// How the client talks to the server.
    public enum Transport: Sendable, Equatable {
        /// A child process speaking MCP on its standard input and output. `command` is a
        /// program name looked up in `PATH` or an absolute path. The child's environment holds
        /// only `PATH`, `HOME` and `LANG` of the node's, plus `environment`.
        case stdio(command: String, arguments: [String] = [], environment: [String: String] = [:], workingDirectory: String? = nil)
        /// A streamable HTTP server at `url` (http or https), with extra request headers
        /// (an `Authorization` header, say).
        case http(url: String, headers: [String: String] = [:])
    }

    /// Longest server name; with the `mcp__` prefix and a separator it leaves room for tool
    /// names within the 64 characters providers accept.
    public static let maximumNameLength = 32

    /// The server's name: 1 to 32 of `a-z`, `0-9`, `_`, `-`. Its tools are offered as
    /// `mcp__<name>__<tool>`.
    public let name: String
    public let transport: Transport
    /// Longest wait for the process to start, the handshake and the tool list.
    public let startupTimeout: Duration
    /// Longest wait for one tool call; then the call fails with `mcp_timeout`.
    public let callTimeout: Duration
    /// The server's tools to offer, by their MCP names; nil offers all of them.
    public let enabledTools: [String]?

    /// - Throws: ``AgentError`` `mcp_config_invalid` naming the first mistake.
    public init(
        name: String, transport: Transport, startupTimeout: Duration = .seconds(30), callTimeout: Duration = .seconds(120),
        enabledTools: [String]? = nil
    ) throws(AgentError) {
        func invalid(_ message: String) -> AgentError { AgentError("mcp_config_invalid", "MCP server `\(name)`: \(message)") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_-")
        guard !name.isEmpty, name.count <= Self.maximumNameLength, name.allSatisfy(allowed.contains) else {
            throw invalid("the name must be 1 to \(Self.maximumNameLength) of a-z, 0-9, _ and -")
        }
        guard startupTimeout > .zero, callTimeout > .zero else { throw invalid("timeouts must be positive") }
        switch transport {
        case .stdio(let command, let arguments, let environment, let workingDirectory):
            guard !command.isEmpty, !command.contains("\0"), !arguments.contains(where: { $0.contains("\0") }) else {
                throw invalid("the command and its arguments must be non-empty text")
            }
            guard !command.contains("/") || command.hasPrefix("/") else {
                throw invalid("the command must be a program name looked up in PATH or an absolute path")
            }
            for (key, value) in environment {
                guard !key.isEmpty, !key.contains("="), !key.contains("\0"), !value.contains("\0") else {
                    throw invalid("environment variable `\(key)` has an invalid name or value")
                }
                // The node's own variables carry its passphrase and settings; no server gets one.
                guard !key.uppercased().hasPrefix("TAU_") else {
                    throw invalid("environment variable `\(key)`: TAU_ variables are never passed to MCP servers")
                }
            }
            if let workingDirectory, !workingDirectory.hasPrefix("/") {
                throw invalid("the working directory must be an absolute path")
            }
        case .http(let url, let headers):
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
            else {
                throw invalid("the url must be an http or https URL with a host")
            }
            for (key, value) in headers {
                let bad = key.isEmpty || key.contains(where: { $0 == ":" || $0.isWhitespace || $0.isNewline }) || value.contains(where: \.isNewline)
                guard !bad else { throw invalid("header `\(key)` has an invalid name or value") }
            }
        }
        if let enabledTools, enabledTools.isEmpty || enabledTools.contains(where: \.isEmpty) {
            throw invalid("enabled_tools must name at least one tool, and no empty name")
        }
        self.name = name
        self.transport = transport
        self.startupTimeout = startupTimeout
        self.callTimeout = callTimeout
        self.enabledTools = enabledTools
    }
}

/// Why one configured server offers no tools (or fewer than configured), for the operator.
/// One broken server never stops the others.
public struct MCPServerProblem: Sendable, Equatable, CustomStringConvertible {
    /// The configured server name.
    public let server: String
    /// A reason code: `mcp_config_invalid`, `mcp_server_start_failed`, `mcp_startup_timeout`,
    /// `mcp_initialize_failed`, `mcp_tool_not_found`, `mcp_tool_name_collision`.
    public let code: String
    /// What happened, for the operator's log.
    public let message: String

    public init(server: String, code: String, message: String) {
        self.server = server
        self.code = code
        self.message = message
    }

    public var description: String { "\(server): \(code): \(message)" }
}
