import Foundation
import Logging
import ServiceLifecycle
import TauAgent
import TauCore
import TauGateway
import TauProviders

/// Keeps the runs API's runs for the life of the server; on graceful shutdown it cancels the
/// runs of this replica and waits until each has recorded its end, before the HTTP server
/// (whose event streams those runs feed) stops.
struct AgentRunService: Service {
    let manager: AgentRunManager
    let mcp: MCPToolSource

    func run() async throws {
        try? await gracefulShutdown()
        await manager.shutdown()
        await mcp.shutdown()
    }
}

extension NodeContext {
    /// The runs API of `serve`: a run manager on the store and agents built per run, working in
    /// `[agent] workspace` with the configured MCP servers' tools. Nobody can answer approval
    /// questions over HTTP, so calls that need approval are refused unless the operator set
    /// `[agent] approval` to `auto` or `never`.
    func agentGateway(
        models: NodeModels, access: GatewayAccess, metrics: GatewayMetrics, logger: Logger
    ) async throws -> (AgentGatewayDependencies, AgentRunService) {
        let mcp = try mcpToolSource()
        for problem in await mcp.start() {
            logger.warning("MCP server not started", metadata: ["server": "\(problem.server)", "code": "\(problem.code)", "detail": "\(problem.message)"])
        }
        let mcpTools = await mcp.tools
        let manager = AgentRunManager(
            repository: store.agentRuns, sessions: sessions, clock: clock, maximumConcurrentRuns: agentSettings.maxRuns, logger: logger,
            observe: { ended, running in
                if let ended { metrics.agentRunEnded(outcome: ended.rawValue, running: running) } else { metrics.agentRunStarted(running: running) }
            })
        let workspace = agentSettings.workspace ?? FileManager.default.currentDirectoryPath
        let configured = agentSettings.model
        let dependencies = AgentGatewayDependencies(
            runs: manager, runRecords: store.agentRuns, sessions: sessions, access: access,
            makeAgent: { [self] requested, callContext in
                let model = try models.agentModel(requested: requested, configured: configured)
                let agent = try makeAgent(models: models, workspace: workspace, model: model, callContext: callContext, extraTools: mcpTools, logger: logger)
                return (agent, model)
            })
        return (dependencies, AgentRunService(manager: manager, mcp: mcp))
    }
}
