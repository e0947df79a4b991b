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

    /// The tool policy of `[agent]`: its profile, with the table's settings on top.
    /// - Parameter approval: overrides the profile's and the table's approval mode.
    public func toolPolicy(approval: ToolPolicy.Approval? = nil) -> ToolPolicy {
        let settings = configuration.agent
        var policy = ToolPolicy.profile(named: agentSettings.profile) ?? .balanced
        if let explicit = approval ?? settings?.approval.flatMap(ToolPolicy.Approval.init(rawValue:)) { policy.approval = explicit }
        if let allow = settings?.allow { policy.allow = allow.map { ToolPattern($0) } }
        // Deny lists only add: a table cannot lift what the profile forbids.
        policy.deny += (settings?.deny ?? []).map { ToolPattern($0) }
        policy.extraRoots += agentSettings.roots
        policy.extraProtected += agentSettings.protected
        policy.rateLimits += (settings?.rate_limits ?? [:]).sorted { $0.key < $1.key }.map {
            ToolRateLimit(tool: ToolPattern($0.key), perMinute: $0.value)
        }
        if let injection = settings?.injection.flatMap(ToolPolicy.InjectionHandling.init(rawValue:)) { policy.injection = injection }
        return policy
    }

    /// Builds the node's agent for runs in `workspace`.
    /// - Parameters:
    ///   - model: from ``NodeModels/agentModel(requested:configured:)``.
    ///   - maxTurns: overrides `[agent] max_turns`.
    ///   - approval: overrides the approval mode of the profile and `[agent]`.
    ///   - approver: who answers approval questions; nil refuses calls that need one.
    ///   - callContext: who pays (an API key of the runs API; nil key for the operator's CLI).
    ///   - policy: the tool policy, instead of `[agent]`'s (delegated tasks run under `[delegation] profile`).
    ///   - runTimeout: overrides `[agent] run_timeout`.
    /// - Throws: ``NodeError`` `workspace_invalid` when the workspace is not a directory.
    public func makeAgent(
        models: NodeModels, workspace: String, model: String, maxTurns: Int? = nil, approval: ToolPolicy.Approval? = nil,
        approver: ToolApprover? = nil, callContext: CallContext = CallContext(), extraTools: [any AgentTool] = [],
        policy: ToolPolicy? = nil, runTimeout: Duration? = nil, logger: Logger = Logger(label: "tau.agent")
    ) throws(NodeError) -> Agent {
        let settings = agentSettings
        let policy = policy ?? toolPolicy(approval: approval)
        let paths: ToolPaths
        do {
            // The node home holds the keystore, the database and the operator token: no tool,
            // under any profile, may read or write it.
            paths = try policy.paths(workspace: workspace, protected: [home.path])
        } catch {
            throw NodeError(error.code, error.message, category: error.category)
        }
        let operatorToken = (try? String(contentsOfFile: OperatorToken.path(in: home), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let safety = AgentSafety(
            gate: ToolGate(policy: policy, limiter: store.rateLimiter, scope: "node", now: clock.now), paths: paths,
            redactor: SecretRedactor(literals: models.providerKeys + [operatorToken].compactMap { $0 }), audit: store.audit,
            approver: approver)
        let configuration = AgentConfiguration(
            model: model, systemPrompt: SystemPrompt.compose(workspace: paths.read.workspace, today: clock.now()), maxTurns: maxTurns ?? settings.maxTurns,
            turnTimeout: settings.turnTimeout, toolTimeout: settings.toolTimeout, runTimeout: runTimeout ?? settings.runTimeout, callContext: callContext)
        let context = ToolContext(paths: paths.write, memory: store.memory, http: http, now: clock.now)
        return Agent(
            models: models.service, sessions: sessions, tools: builtinTools() + extraTools, toolContext: context,
            configuration: configuration, safety: safety, clock: clock, logger: logger)
    }
}
