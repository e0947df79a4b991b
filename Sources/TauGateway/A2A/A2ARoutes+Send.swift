import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TauAgent
import TauCore
import TauProviders

/// `SendMessage` / `SendStreamingMessage` (and 0.3's `message/send` / `message/stream`):
/// the message's text parts start an agent run, after payment when the skill is paid.
extension A2ARoutes {
    /// What a send asks for, read from `params`.
    struct SendRequest {
        var prompt: String
        var parts: JSONValue
        var skill: String
        var sessionID: String?
        var blocking: Bool
    }

    func send(_ rpc: A2ARPCRequest, caller: A2ACaller, request: Request, streaming: Bool) async throws -> Response {
        let send = try await read(rpc, caller: caller)
        var escrow: (id: String, requirement: A2APaymentRequirement)?
        let requirement = await dependencies.payments?.requirement(forSkill: send.skill)
        if case .did = caller, requirement == nil, !dependencies.freeSkillsForDIDs {
            throw GatewayError(
                status: .forbidden, code: "did_caller_must_pay",
                message: "skill \(send.skill) is free for API keys only; a DID caller may start paid skills")
        }
        if let desk = dependencies.payments, let requirement {
            let resource = baseURL(request) + Self.path
            guard let voucher = request.headers[Self.paymentHeader], !voucher.isEmpty else {
                throw A2APaymentRequired(body: A2APayment.requiredBody(requirement, resource: resource, error: "payment_required"))
            }
            do {
                let id = try await desk.accept(voucher: voucher, requirement: requirement, taskHash: A2APayment.taskHash(parts: send.parts))
                escrow = (id, requirement)
            } catch let refused as any TauError {
                throw A2APaymentRequired(body: A2APayment.requiredBody(requirement, resource: resource, error: refused.code))
            }
        }
        let started: AgentRunManager.Started
        do {
            started = try await start(send, caller: caller)
        } catch {
            // Nothing was done for the payment: the payee invoices nothing.
            if let escrow { await dependencies.payments?.finished(escrowID: escrow.id, resultHash: "", invoice: .zero(escrow.requirement.price.currency)) }
            throw error
        }
        let record = started.record
        if let escrow {
            await state.remember(escrow: escrow.id, of: record.id)
            settle(escrow.id, requirement: escrow.requirement, runID: record.id)
        }
        let first = A2ATaskView(record: record, escrowID: escrow?.id)
        if streaming {
            return Self.eventStream(started.events, first: first, model: record.model, id: rpc.id, dialect: rpc.dialect)
        }
        guard send.blocking else { return Self.rpc(A2ARPCResponse.result(first.sendResult(rpc.dialect), id: rpc.id)) }
        // Blocking: the answer once the run has ended (its end is recorded before its events close).
        var summary: AgentRunSummary?
        for await event in started.events {
            if case .finished(let finished) = event { summary = finished }
        }
        let ended: A2ATaskView
        if let stored = try await agent.runs.record(record.id), stored.status != .running {
            ended = await view(stored)
        } else if let summary {
            ended = A2ATaskView(summary: summary, model: record.model, at: Date(), escrowID: escrow?.id)
        } else {
            ended = first
        }
        return Self.rpc(A2ARPCResponse.result(ended.sendResult(rpc.dialect), id: rpc.id))
    }

    /// Checks `params` and reads the prompt, skill, context and mode.
    private func read(_ rpc: A2ARPCRequest, caller: A2ACaller) async throws -> SendRequest {
        let params = rpc.params
        guard let message = params["message"], message.objectValue != nil else {
            throw A2ARPCError.invalidParams("message_missing", "`params.message` must be a message object")
        }
        guard let parts = message["parts"], let list = parts.arrayValue, !list.isEmpty else {
            throw A2ARPCError.invalidParams("parts_empty", "`params.message.parts` must hold at least one part")
        }
        let texts = list.compactMap { $0["text"]?.stringValue }
        guard !texts.isEmpty else { throw A2ARPCError.contentType("only text parts are read; send the task as text") }
        let prompt = texts.joined(separator: "\n\n")
        guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw A2ARPCError.invalidParams("prompt_empty", "the message's text is empty")
        }
        guard prompt.utf8.count <= AgentRoutes.maximumPromptBytes else {
            throw A2ARPCError.invalidParams("prompt_too_large", "the message's text may have at most \(AgentRoutes.maximumPromptBytes) bytes")
        }
        if let taskID = message["taskId"]?.stringValue, !taskID.isEmpty {
            throw A2ARPCError.unsupported(
                "task_continuation_unsupported", "a task ends with its answer; continue the conversation with its contextId in a new message")
        }
        let skill = params["metadata"]?["skill"]?.stringValue ?? message["metadata"]?["skill"]?.stringValue ?? A2ASkill.agent.id
        guard dependencies.card.skills.contains(where: { $0.id == skill }) else {
            throw A2ARPCError.invalidParams("skill_unknown", "no skill \(skill.prefix(64)) (the agent card lists them)")
        }
        var sessionID: String?
        if let context = message["contextId"]?.stringValue, !context.isEmpty {
            guard Session.isValidID(context, prefix: "ses_"), try await agent.runRecords.hasRuns(in: context, apiKeyID: caller.owner) else {
                throw A2ARPCError.invalidParams("context_not_found", "no context \(context.prefix(64)) of yours; leave contextId out to start one")
            }
            sessionID = context
        }
        let configuration = params["configuration"]
        let blocking: Bool
        switch rpc.dialect {
        case .v1: blocking = configuration?["returnImmediately"]?.boolValue != true
        case .v03: blocking = configuration?["blocking"]?.boolValue != false
        }
        return SendRequest(prompt: prompt, parts: parts, skill: skill, sessionID: sessionID, blocking: blocking)
    }

    /// Starts the run as the caller, within its key's model list and budget.
    private func start(_ send: SendRequest, caller: A2ACaller) async throws -> AgentRunManager.Started {
        var remaining: Money?
        if case .gateway(let gateway) = caller { remaining = try await agent.access.remainingBudget(gateway) }
        let context = CallContext(apiKeyID: caller.owner, sessionID: send.sessionID, remainingBudget: remaining, budget: caller.budget)
        var factory = agent.makeAgent
        if case .did = caller, let strangers = dependencies.makeDIDAgent { factory = strangers }
        let (runAgent, model) = try factory(nil, context)
        if case .gateway(let gateway) = caller { try agent.access.authorize(gateway, request: ChatRequest(model: model, messages: [])) }
        return try await agent.runs.start(send.prompt, sessionID: send.sessionID, agent: runAgent, model: model, apiKeyID: caller.owner)
    }

    /// Tells the desk how a paid task ended: the result hash of its answer, invoiced at the
    /// price when it completed and at zero otherwise.
    private func settle(_ escrowID: String, requirement: A2APaymentRequirement, runID: String) {
        guard let desk = dependencies.payments else { return }
        let runs = agent.runs
        Task {
            var summary: AgentRunSummary?
            if let events = await runs.events(of: runID) {
                for await event in events {
                    if case .finished(let finished) = event { summary = finished }
                }
            }
            var completed = summary?.outcome == .completed
            var text = summary?.finalText ?? ""
            if summary == nil, let record = try? await runs.record(runID), let stored = record.summary {
                // The run ended before it could be watched.
                completed = stored["outcome"]?.stringValue == AgentOutcome.completed.rawValue
                text = stored["final_text"]?.stringValue ?? ""
            }
            await desk.finished(
                escrowID: escrowID, resultHash: completed ? A2APayment.resultHash(finalText: text) : "",
                invoice: completed ? requirement.price : .zero(requirement.price.currency))
        }
    }

    /// A run's events as A2A stream responses over SSE: the task first, a `working` status
    /// for each tool call, then the answer artifact and the final status. The run belongs to
    /// the node: a client that goes away stops reading, and the run goes on.
    static func eventStream(
        _ events: AsyncStream<AgentEvent>, first: A2ATaskView, model: String, id: JSONValue, dialect: A2ADialect
    ) -> Response {
        let escrowID = first.metadata["escrowId"]?.stringValue
        let body = ResponseBody { writer in
            func send(_ result: JSONValue) async throws {
                try await writer.write(ByteBuffer(string: "data: \(A2ARPCResponse.result(result, id: id).canonicalString())\n\n"))
            }
            try await send(first.taskEvent(dialect))
            for await event in events {
                switch event {
                case .toolCall(_, let name, _):
                    try await send(first.statusEvent(dialect, state: .working, note: "running tool \(name)"))
                case .finished(let summary):
                    let done = A2ATaskView(summary: summary, model: model, at: Date(), escrowID: escrowID)
                    if let artifact = done.artifactEvent(dialect) { try await send(artifact) }
                    try await send(done.statusEvent(dialect, state: done.state))
                default:
                    break
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("x-accel-buffering")!: "no",
                HTTPField.Name("x-tau-run-id")!: first.id,
            ], body: body)
    }
}
