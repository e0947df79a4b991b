import Foundation
import MCP
import TauCore

/// The tools of the operator's MCP servers, as agent tools.
///
/// ``start()`` starts every configured server at once (a stdio server as a child process in a
/// process group of its own, with a scrubbed environment; an HTTP server through the node's
/// ``OutboundHTTP`` client), performs the MCP handshake, lists the tools and offers them as
/// `mcp__<server>__<tool>`. A server that fails is reported in the problems and left out; the
/// others still serve. ``shutdown()`` ends every server and its children.
///
/// Reason codes of calls: `mcp_tool_error` (the tool or server refused the call; the text is
/// the server's), `mcp_server_unavailable` (the server died, was shut down, or its transport
/// failed), `mcp_timeout` (no answer within the call timeout), `mcp_cancelled`.
public actor MCPToolSource {
    private let configurations: [MCPServerConfiguration]
    private let http: (any OutboundHTTP)?
    private let clock: any Clock<Duration>
    private var connections: [MCPServerConnection] = []
    private var started = false
    private var offered: [any AgentTool] = []
    private var reported: [MCPServerProblem] = []

    /// - Parameters:
    ///   - servers: the configured servers; names must differ.
    ///   - http: the client for HTTP servers; without one, HTTP servers fail to start.
    ///   - clock: measures the startup and call timeouts.
    public init(servers: [MCPServerConfiguration], http: (any OutboundHTTP)? = nil, clock: any Clock<Duration> = ContinuousClock()) {
        self.configurations = servers
        self.http = http
        self.clock = clock
    }

    /// Starts every server and collects their tools; returns what went wrong, one entry per
    /// problem (a server may have several, e.g. two unknown names in its tool filter).
    /// Calling it again returns the first answer.
    @discardableResult
    public func start() async -> [MCPServerProblem] {
        guard !started else { return reported }
        started = true
        var seen: Set<String> = []
        var unique: [MCPServerConfiguration] = []
        for configuration in configurations {
            if seen.insert(configuration.name).inserted {
                unique.append(configuration)
            } else {
                reported.append(MCPServerProblem(server: configuration.name, code: "mcp_config_invalid", message: "the server is configured twice"))
            }
        }
        let http = self.http
        let clock = self.clock
        let connections = unique.map { MCPServerConnection(configuration: $0, http: http, clock: clock) }
        self.connections = connections
        let results = await withTaskGroup(of: (Int, Result<[Tool], AgentError>).self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask {
                    do throws(AgentError) {
                        return (index, .success(try await connection.start()))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [Int: Result<[Tool], AgentError>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        var names: Set<String> = []
        for (index, connection) in connections.enumerated() {
            let configuration = connection.configuration
            switch results[index] {
            case .some(.success(let tools)):
                offer(tools, of: connection, names: &names)
            case .some(.failure(let error)):
                reported.append(MCPServerProblem(server: configuration.name, code: error.code, message: error.message))
            case .none:
                break
            }
        }
        return reported
    }

    private func offer(_ tools: [Tool], of connection: MCPServerConnection, names: inout Set<String>) {
        let server = connection.configuration.name
        var chosen = tools
        if let enabled = connection.configuration.enabledTools {
            let available = Set(tools.map(\.name))
            for missing in enabled where !available.contains(missing) {
                reported.append(MCPServerProblem(server: server, code: "mcp_tool_not_found", message: "the server has no tool `\(missing)`"))
            }
            let wanted = Set(enabled)
            chosen = tools.filter { wanted.contains($0.name) }
        }
        for tool in chosen {
            let exposed = MCPToolNaming.exposedName(server: server, tool: tool.name)
            guard names.insert(exposed).inserted else {
                reported.append(
                    MCPServerProblem(
                        server: server, code: "mcp_tool_name_collision",
                        message: "tool `\(tool.name)` would be offered as `\(exposed)`, which another tool already is; it is left out"))
                continue
            }
            offered.append(MCPTool(tool, exposedName: exposed, connection: connection))
        }
    }

    /// The tools of the servers that started, in configuration order, then server order.
    public var tools: [any AgentTool] { offered }

    /// What went wrong at startup (see ``start()``).
    public var problems: [MCPServerProblem] { reported }

    /// Ends every server: stdio servers get SIGTERM on their whole process group, then SIGKILL
    /// after a grace of two seconds, and are reaped before this returns. Calls afterwards fail
    /// with `mcp_server_unavailable`.
    public func shutdown() async {
        let connections = self.connections
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { await connection.stop() }
            }
        }
    }
}
