import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TauAgent
import TauCore
import TauProviders

/// What the runs API needs from the node.
public struct AgentGatewayDependencies: Sendable {
    /// Builds the agent for a run: the model asked for (nil: the node's default) and who pays.
    /// Returns the agent and the model it runs.
    public typealias AgentFactory = @Sendable (_ model: String?, _ context: CallContext) throws -> (agent: Agent, model: String)

    public var runs: AgentRunManager
    public var runRecords: any AgentRunRepository
    public var sessions: any SessionRepository
    public var access: GatewayAccess
    public var makeAgent: AgentFactory

    public init(
        runs: AgentRunManager, runRecords: any AgentRunRepository, sessions: any SessionRepository, access: GatewayAccess,
        makeAgent: @escaping AgentFactory
    ) {
        self.runs = runs
        self.runRecords = runRecords
        self.sessions = sessions
        self.access = access
        self.makeAgent = makeAgent
    }
}

/// The runs API (docs/agent.md), authenticated with the gateway's API keys; a key sees only
/// the runs it started and the sessions they ran in:
/// - `POST /agent/v1/runs` starts a run (`stream: true` answers with its events as SSE);
/// - `GET /agent/v1/runs/{id}`, `GET /agent/v1/runs/{id}/events` (SSE again, on the replica
///   running it), `POST /agent/v1/runs/{id}/cancel`;
/// - `GET /agent/v1/sessions`, `GET /agent/v1/sessions/{id}`.
struct AgentRoutes {
    let dependencies: AgentGatewayDependencies
    static let maximumBodyBytes = 1 << 20
    static let maximumPromptBytes = 256 << 10
    /// Most entries `GET /agent/v1/sessions/{id}` sends (the latest).
    static let maximumEntries = 2_000

    func register(on router: Router<GatewayRequestContext>) {
        let group = router.group("agent/v1")
        group.post("runs") { request, _ in try await answering { try await start(request) } }
        group.get("runs/:id") { request, context in
            try await answering {
                let caller = try await authenticate(request)
                return .json(try await ownedRun(context.parameters.get("id") ?? "", caller: caller).json)
            }
        }
        group.get("runs/:id/events") { request, context in
            try await answering {
                let caller = try await authenticate(request)
                let id = context.parameters.get("id") ?? ""
                let record = try await ownedRun(id, caller: caller)
                guard record.status == .running else {
                    throw AgentError("run_finished", "run \(id) has ended; GET /agent/v1/runs/\(id) has its summary", category: .conflict)
                }
                guard let events = await dependencies.runs.events(of: id) else {
                    throw AgentError(
                        "run_on_other_replica", "run \(id) runs on replica \(record.replica); its events are streamed there",
                        category: .conflict)
                }
                return Self.eventStream(events, runID: id)
            }
        }
        group.post("runs/:id/cancel") { request, context in
            try await answering {
                let caller = try await authenticate(request)
                let id = context.parameters.get("id") ?? ""
                let record = try await ownedRun(id, caller: caller)
                guard record.status == .running, try await dependencies.runs.cancel(id) else {
                    throw AgentError("run_finished", "run \(id) has already ended", category: .conflict)
                }
                return .json(try await ownedRun(id, caller: caller).json, status: .accepted)
            }
        }
        group.get("sessions") { request, _ in
            try await answering {
                let caller = try await authenticate(request)
                var listed: [JSONValue] = []
                for id in try await dependencies.runRecords.sessionIDs(apiKeyID: caller.apiKeyID, limit: 100) {
                    if let session = try await dependencies.sessions.session(id) { listed.append(Self.json(session)) }
                }
                return .json(["object": "list", "data": .array(listed)])
            }
        }
        group.get("sessions/:id") { request, context in
            try await answering {
                let caller = try await authenticate(request)
                let session = try await ownedSession(context.parameters.get("id") ?? "", caller: caller)
                var json = Self.json(session)
                // A long session is sent by its latest entries; the whole tree is `tau-node sessions export`'s.
                let entries = try await dependencies.sessions.entries(of: session.id)
                json["entries"] = .array(entries.suffix(Self.maximumEntries).map(SessionTranscript.entryLine))
                json["entries_omitted"] = .number(Double(max(0, entries.count - Self.maximumEntries)))
                return .json(json)
            }
        }
    }

    /// Runs a handler, turning refusals into their status and JSON error body.
    private func answering(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as GatewayError {
            throw error
        } catch let failed as AuthenticationFailed {
            throw GatewayError(status: .unauthorized, code: failed.code, message: failed.message, headers: [.wwwAuthenticate: "Bearer"])
        } catch let limited as RateLimited {
            throw GatewayError(
                status: .tooManyRequests, code: limited.code, message: limited.message,
                headers: [.retryAfter: String(limited.retryAfterSeconds)])
        } catch let coded as any TauError {
            throw GatewayError(coded)
        }
    }

    private func authenticate(_ request: Request) async throws -> GatewayCaller {
        try await OpenAIRoutes.admit(request, access: dependencies.access)
    }

    private func start(_ request: Request) async throws -> Response {
        let caller = try await authenticate(request)
        guard request.headers[.contentType].map({ $0.lowercased().hasPrefix("application/json") }) ?? true else {
            throw GatewayError(status: .unsupportedMediaType, code: "content_type_unsupported", message: "send the run as application/json")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBodyBytes)
        } catch {
            throw GatewayError(status: .contentTooLarge, code: "request_too_large", message: "a run request may have at most \(Self.maximumBodyBytes) bytes")
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: Array(buffer: body))
        } catch {
            throw AgentError("invalid_json", "the body is not valid JSON")
        }
        guard let prompt = json["prompt"]?.stringValue, !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AgentError("prompt_empty", "`prompt` must be a non-empty string")
        }
        guard prompt.utf8.count <= Self.maximumPromptBytes else {
            throw AgentError("prompt_too_large", "`prompt` may have at most \(Self.maximumPromptBytes) bytes")
        }
        for (key, value) in [("session_id", json["session_id"]), ("model", json["model"])] where value != nil && value != .null && value?.stringValue == nil {
            throw AgentError("invalid_request", "`\(key)` must be a string")
        }
        if let stream = json["stream"], stream != .null, stream.boolValue == nil { throw AgentError("invalid_request", "`stream` must be a boolean") }
        var sessionID = json["session_id"]?.stringValue
        if let id = sessionID { sessionID = try await ownedSession(id, caller: caller).id }
        let requestedModel = json["model"]?.stringValue
        let context = CallContext(
            apiKeyID: caller.apiKeyID, sessionID: sessionID, remainingBudget: try await dependencies.access.remainingBudget(caller),
            budget: caller.budget)
        let (agent, model) = try dependencies.makeAgent(requestedModel, context)
        try dependencies.access.authorize(caller, request: ChatRequest(model: model, messages: []))
        let started = try await dependencies.runs.start(prompt, sessionID: sessionID, agent: agent, model: model, apiKeyID: caller.apiKeyID)
        guard json["stream"]?.boolValue == true else {
            return .json(started.record.json, status: .accepted)
        }
        return Self.eventStream(started.events, runID: started.record.id)
    }

    /// A run's events as SSE, from the first. The run belongs to the node, not to this
    /// request: a client that goes away stops reading, and the run goes on.
    static func eventStream(_ events: AsyncStream<AgentEvent>, runID: String) -> Response {
        let stream = ResponseBody { writer in
            for await event in events {
                let payload = event.json
                let type = payload["type"]?.stringValue ?? "event"
                try await writer.write(ByteBuffer(string: "event: \(type)\ndata: \(payload.canonicalString())\n\n"))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("x-accel-buffering")!: "no",
                HTTPField.Name("x-tau-run-id")!: runID,
            ], body: stream)
    }

    /// The run, if the caller started it (others' runs are not found, not forbidden, so that
    /// their ids are not confirmed).
    private func ownedRun(_ id: String, caller: GatewayCaller) async throws -> AgentRunRecord {
        guard Session.isValidID(id, prefix: "run_"), let record = try await dependencies.runs.record(id), record.apiKeyID == caller.apiKeyID else {
            throw AgentError("run_not_found", "no run \(id.prefix(64))", category: .notFound)
        }
        return record
    }

    /// The session, if the caller ran something in it.
    private func ownedSession(_ id: String, caller: GatewayCaller) async throws -> Session {
        guard Session.isValidID(id, prefix: "ses_"), try await dependencies.runRecords.hasRuns(in: id, apiKeyID: caller.apiKeyID),
            let session = try await dependencies.sessions.session(id)
        else {
            throw AgentError("session_not_found", "no session \(id.prefix(64))", category: .notFound)
        }
        return session
    }

    static func json(_ session: Session) -> JSONValue {
        [
            "id": .string(session.id), "object": "agent.session", "title": .string(session.title),
            "created_at": .string(Timestamp.format(session.createdAt)), "updated_at": .string(Timestamp.format(session.updatedAt)),
            "head": session.headID.map(JSONValue.string) ?? .null, "entries": .number(Double(session.entryCount)),
        ]
    }
}
