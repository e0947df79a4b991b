import Foundation
import TauAgent
import TauCore

extension NodeContext {
    /// The enabled `[mcp.servers.*]` of config.toml.
    /// - Throws: ``NodeError`` `config_invalid` for a server the MCP client refuses.
    public func mcpServers() throws(NodeError) -> [MCPServerConfiguration] {
        var servers: [MCPServerConfiguration] = []
        for (name, server) in (configuration.mcp?.servers ?? [:]).sorted(by: { $0.key < $1.key }) where server.enabled != false {
            let transport: MCPServerConfiguration.Transport
            if let command = server.command {
                transport = .stdio(
                    command: (command as NSString).expandingTildeInPath, arguments: server.args ?? [], environment: server.env ?? [:],
                    workingDirectory: server.cwd.map { ($0 as NSString).expandingTildeInPath })
            } else {
                transport = .http(url: server.url ?? "", headers: server.headers ?? [:])
            }
            func duration(_ text: String?, _ fallback: Duration) -> Duration {
                text.flatMap { try? NodeConfiguration.duration($0) } ?? fallback
            }
            do {
                servers.append(
                    try MCPServerConfiguration(
                        name: name, transport: transport, startupTimeout: duration(server.startup_timeout, .seconds(30)),
                        callTimeout: duration(server.call_timeout, .seconds(120)), enabledTools: server.enabled_tools))
            } catch {
                throw NodeError("config_invalid", "[mcp.servers.\(name)]: \(error.message)")
            }
        }
        return servers
    }

    /// A source of the configured MCP servers' tools, not yet started; HTTP servers are
    /// reached through the node's outbound policy.
    public func mcpToolSource() throws(NodeError) -> MCPToolSource {
        MCPToolSource(servers: try mcpServers(), http: http, clock: clock.monotonic)
    }
}
