import Foundation
import Logging
import TauAgent
import TauCore
import TauCrypto
import TauGateway
import TauLedger
import TauMesh

extension NodeContext {
    /// The delegation desk of this node as `node` (handlers, worker, payer).
    func delegationDesk(node: MeshNode, logger: Logger) -> DelegationDesk {
        DelegationDesk(
            node: node, delegations: store.delegations, book: EscrowBook(escrows: store.escrows, now: clock.now), escrows: store.escrows,
            ledger: store.ledger, receipts: store.receipts, reputation: store.reputation, settings: delegationSettings, reputationModel: reputationModel, now: clock.now, logger: logger)
    }

    /// The mesh handlers of paid delegation (`Specs/mesh.md` section 15), each answering with
    /// the desk of the node that received the message.
    func delegationHandlers(logger: Logger) -> [any MeshHandler] {
        DelegationDesk.types.map { type in
            DeskHandler(messageType: type) { context in
                try await delegationDesk(node: context.node, logger: logger).handle(type, context)
            }
        }
    }

    /// The tool policy of work done for strangers: `[delegation] profile` (strict by default),
    /// with no approvals (nobody is there to give one).
    var delegatedPolicy: ToolPolicy {
        var policy = ToolPolicy.profile(named: delegationSettings.profile) ?? .strict
        policy.approval = .never
        return policy
    }

    /// A fresh workspace of its own for one piece of work done for a stranger.
    func strangerWorkspace(_ name: String) throws -> String {
        let workspace = NSTemporaryDirectory() + "tau-node-tasks/" + name
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return workspace
    }

    /// The agent of an A2A task started by a DID caller: the delegated-task policy, a fresh
    /// workspace, `[delegation] max_turns`.
    func strangerAgentFactory(models: NodeModels, logger: Logger) -> AgentGatewayDependencies.AgentFactory {
        let settings = delegationSettings
        return { requested, callContext in
            let model = try models.agentModel(requested: requested, configured: agentSettings.model)
            let workspace = try strangerWorkspace("a2a-" + Hex.encode(SecureRandom.bytes(8)))
            let agent = try makeAgent(
                models: models, workspace: workspace, model: model, maxTurns: settings.maxTurns, callContext: callContext, policy: delegatedPolicy,
                runTimeout: .seconds(Int64(settings.deadline)), logger: logger)
            return (agent, model)
        }
    }

    /// Runs a delegated task on the node's agent: `[delegation] profile` (strict by default)
    /// with no approvals, `max_turns`, a fresh workspace of its own, and a run timeout that
    /// ends before the escrow's deadline.
    func taskRunner(models: NodeModels, logger: Logger) -> TaskRunner {
        let settings = delegationSettings
        return { task in
            do {
                let workspace = try strangerWorkspace(task.id)
                // The answer is the product; the workspace is scratch space.
                defer { try? FileManager.default.removeItem(atPath: workspace) }
                let model = try models.agentModel(requested: nil, configured: agentSettings.model)
                let remaining = max(1, task.deadline.timeIntervalSince(clock.now()) - 2)
                let agent = try makeAgent(
                    models: models, workspace: workspace, model: model, maxTurns: settings.maxTurns, policy: delegatedPolicy,
                    runTimeout: .milliseconds(Int64(remaining * 1000)), logger: logger)
                let session = Session(title: "delegated task \(task.id) from \(task.peer.prefix(80))", createdAt: clock.now())
                try await sessions.create(session)
                let summary = await agent.run(task.prompt, in: session.id)
                guard summary.outcome == .completed else {
                    return .failed(code: summary.outcome.rawValue, message: summary.message ?? summary.outcome.rawValue)
                }
                return .answered(summary.finalText)
            } catch let error as any TauError {
                return .failed(code: error.code, message: error.message)
            } catch {
                return .failed(code: "task_failed", message: "\(error)")
            }
        }
    }
}

extension NodeContext {
    /// The payer of paid tasks, as `node`.
    public func delegator(node: MeshNode, logger: Logger) -> Delegator {
        Delegator(
            desk: delegationDesk(node: node, logger: logger), model: reputationModel, exploration: reputationExploration,
            replyTo: settings.server.publicURL)
    }
}
