import Foundation
import Logging
import TauAgent
import TauCore
import TauProviders
import TauStore

extension NodeContext {
    /// The agent's sessions, in the node's store.
    public var sessions: SQLSessionRepository { store.sessions }

    /// `[agent]` with defaults.
    public var agentSettings: AgentSettings { AgentSettings(configuration.agent) }

    /// The tools every run is offered (before the policy filters them).
    public func builtinTools() -> [any AgentTool] {
        BuiltinTools.all()
    }

    /// Builds the node's agent for runs in `workspace`.
    /// - Parameters:
    ///   - model: from ``NodeModels/agentModel(requested:configured:)``.
    ///   - maxTurns: overrides `[agent] max_turns`.
    ///   - callContext: who pays (an API key of the runs API; nil key for the operator's CLI).
    /// - Throws: ``NodeError`` `workspace_invalid` when the workspace is not a directory.
    public func makeAgent(
        models: NodeModels, workspace: String, model: String, maxTurns: Int? = nil, callContext: CallContext = CallContext(),
        extraTools: [any AgentTool] = [], logger: Logger = Logger(label: "tau.agent")
    ) throws(NodeError) -> Agent {
        let settings = agentSettings
        let paths: PathPolicy
        do {
            // The node home holds the keystore, the database and the operator token: no tool,
            // under any profile, may read or write it.
            paths = try PathPolicy(workspace: workspace, extraRoots: settings.roots, protected: [home.path] + settings.protected)
        } catch {
            throw NodeError(error.code, error.message, category: error.category)
        }
        let configuration = AgentConfiguration(
            model: model, systemPrompt: SystemPrompt.compose(workspace: paths.workspace), maxTurns: maxTurns ?? settings.maxTurns,
            turnTimeout: settings.turnTimeout, toolTimeout: settings.toolTimeout, runTimeout: settings.runTimeout, callContext: callContext)
        let context = ToolContext(paths: paths, memory: store.memory, http: http, now: clock.now)
        return Agent(
            models: models.service, sessions: sessions, tools: builtinTools() + extraTools, toolContext: context,
            configuration: configuration, clock: clock, logger: logger)
    }
}
