import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TauAgent
import TauCore
import TauIdentity
import TauProviders

/// What the A2A front door needs besides the runs API.
public struct A2AGatewayDependencies: Sendable {
    /// Signs the card's JWS signing input with the node's key; returns the key's id (a
    /// verification method of the node's DID) and the Ed25519 signature.
    public typealias CardSigner = @Sendable ([UInt8]) async throws -> (kid: String, signature: [UInt8])
    /// Verifies a signed message (signature, recipient = the node, freshness, replay) and
    /// returns the sender's DID; throws a coded error otherwise.
    public typealias RequestVerifier = @Sendable ([UInt8]) async throws -> String

    public var card: A2ACardDescription
    /// nil serves the card unsigned (no identity or no unlocked keys).
    public var signCard: CardSigner?
    /// nil refuses `Authorization: DID …` (`did_auth_unavailable`).
    public var verifyRequest: RequestVerifier?
    /// nil makes every skill free.
    public var payments: (any A2APaymentDesk)?
    /// Whether a DID caller may start tasks of free skills. Anyone can make a DID, so by
    /// default a DID caller starts only paid tasks (`did_caller_must_pay`); API keys are the
    /// operator's grants and may call every skill.
    public var freeSkillsForDIDs: Bool
    /// The agent a DID caller's task runs on (a stranger's: the node's delegated-task policy);
    /// nil: the same agent as for API keys.
    public var makeDIDAgent: AgentGatewayDependencies.AgentFactory?

    public init(
        card: A2ACardDescription, signCard: CardSigner? = nil, verifyRequest: RequestVerifier? = nil, payments: (any A2APaymentDesk)? = nil,
        freeSkillsForDIDs: Bool = false, makeDIDAgent: AgentGatewayDependencies.AgentFactory? = nil
    ) {
        self.makeDIDAgent = makeDIDAgent
        self.card = card
        self.signCard = signCard
        self.verifyRequest = verifyRequest
        self.payments = payments
        self.freeSkillsForDIDs = freeSkillsForDIDs
    }
}

/// The A2A protocol surface (docs/a2a.md):
/// - `GET /.well-known/agent-card.json`, the agent card, signed with the node's key;
/// - `POST /a2a`, JSON-RPC 2.0 with A2A 1.0's methods (`SendMessage`, `SendStreamingMessage`,
///   `GetTask`, `CancelTask`, `SubscribeToTask`) and 0.3's (`message/send`, `message/stream`,
///   `tasks/get`, `tasks/cancel`, `tasks/resubscribe`). A task is an agent run of the runs
///   API: task id = run id, context id = session id.
struct A2ARoutes {
    let dependencies: A2AGatewayDependencies
    let agent: AgentGatewayDependencies
    /// The node's DID, version and per-address limits.
    let gateway: GatewayDependencies
    let state = A2AState()
    static let maximumBodyBytes = 1 << 20
    static let path = "/a2a"
    static let versionHeader = HTTPField.Name("A2A-Version")!
    static let paymentHeader = HTTPField.Name(A2APayment.header)!

    func register(on router: Router<GatewayRequestContext>) {
        router.get(".well-known/agent-card.json") { request, _ in try await card(request) }
        router.post("a2a") { request, context in try await call(request, client: context.clientAddress) }
    }

    // MARK: The card

    private func card(_ request: Request) async throws -> Response {
        let did = try await gateway.localDID()?.description
        var prices: [String: Money] = [:]
        if let desk = dependencies.payments {
            for skill in dependencies.card.skills {
                if let requirement = await desk.requirement(forSkill: skill.id) { prices[skill.id] = requirement.price }
            }
        }
        let card = A2AAgentCard.card(
            dependencies.card, baseURL: baseURL(request), version: gateway.version, did: did, prices: prices,
            didAuthentication: dependencies.verifyRequest != nil && did != nil)
        guard let signer = dependencies.signCard, did != nil else { return .json(card) }
        // Signing reads the node's log and key; a card that has not changed is served as signed
        // for a minute, so the unauthenticated route stays cheap (a rotation shows within it).
        let now = gateway.now()
        if let cached = await state.signedCard(for: card, at: now) { return .json(cached) }
        let (signed, kid) = try await A2AAgentCard.signed(card, signer: signer, knownKey: await state.cardKey)
        await state.setCardKey(kid)
        await state.keep(signed: signed, of: card, until: now.addingTimeInterval(60))
        return .json(signed)
    }

    /// The node's base URL as clients reach it.
    func baseURL(_ request: Request) -> String {
        if let url = dependencies.card.publicURL, !url.isEmpty { return url.hasSuffix("/") ? String(url.dropLast()) : url }
        return "http://" + (request.head.authority ?? "localhost")
    }

    // MARK: JSON-RPC

    private func call(_ request: Request, client: String) async throws -> Response {
        let bytes: [UInt8]
        do {
            bytes = Array(buffer: try await request.body.collect(upTo: Self.maximumBodyBytes))
        } catch {
            return Self.rpc(
                A2ARPCResponse.error(.invalidRequest("request_too_large", "a request may have at most \(Self.maximumBodyBytes) bytes"), id: .null),
                status: .contentTooLarge)
        }
        let caller = try await authenticate(request, body: bytes, client: client)
        let rpc: A2ARPCRequest
        do {
            rpc = try A2ARPCRequest.parse(bytes)
        } catch {
            return Self.rpc(A2ARPCResponse.error(error.error, id: error.id))
        }
        guard A2ARPCResponse.isServed(version: request.headers[Self.versionHeader]) else {
            return Self.rpc(A2ARPCResponse.error(.version(request.headers[Self.versionHeader] ?? ""), id: rpc.id))
        }
        do {
            return try await dispatch(rpc, caller: caller, request: request)
        } catch let error as A2ARPCError {
            return Self.rpc(A2ARPCResponse.error(error, id: rpc.id))
        } catch let required as A2APaymentRequired {
            return .json(required.body, status: .paymentRequired)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as any TauError {
            return Self.rpc(A2ARPCResponse.error(A2ARPCError(error), id: rpc.id))
        }
    }

    private func dispatch(_ rpc: A2ARPCRequest, caller: A2ACaller, request: Request) async throws -> Response {
        switch rpc.method {
        case .sendMessage: return try await send(rpc, caller: caller, request: request, streaming: false)
        case .sendStreamingMessage: return try await send(rpc, caller: caller, request: request, streaming: true)
        case .getTask:
            let record = try await ownedRun(rpc.params, caller: caller)
            return Self.rpc(A2ARPCResponse.result(await view(record).json(rpc.dialect), id: rpc.id))
        case .cancelTask: return Self.rpc(A2ARPCResponse.result(try await cancel(rpc.params, caller: caller).json(rpc.dialect), id: rpc.id))
        case .subscribeToTask: return try await subscribe(rpc, caller: caller)
        case .listTasks: throw A2ARPCError.unsupported("list_tasks_unsupported", "tasks are not listed; keep the ids SendMessage returns")
        case .pushNotificationConfig: throw A2ARPCError.pushNotSupported()
        case .getExtendedAgentCard: throw A2ARPCError.noExtendedCard()
        }
    }

    /// A JSON-RPC response body.
    static func rpc(_ body: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        .json(body, status: status)
    }

    // MARK: Authentication

    /// An API key (as the OpenAI and runs APIs admit it) or a DID-signed request.
    private func authenticate(_ request: Request, body: [UInt8], client: String) async throws -> A2ACaller {
        let authorization = request.headers[.authorization]
        if let authorization, authorization.lowercased().hasPrefix(A2ADIDAuthentication.scheme) {
            // Verifying resolves the sender's DID, which may fetch from the network: such
            // requests share the per-address bucket of the resolution routes.
            if case .refused(let wait) = try await gateway.clientLimiter.take("http/address/" + client, limit: gateway.clientLimit, at: gateway.now()) {
                let seconds = String(Int(wait.rounded(.up)))
                throw GatewayError(
                    status: .tooManyRequests, code: "rate_limited", message: "too many requests from \(client); retry in \(seconds) s",
                    headers: [.retryAfter: seconds])
            }
            return .did(
                try await A2ADIDAuthentication.verify(
                    authorization: authorization, body: body, path: Self.path, nodeDID: try await gateway.localDID()?.description,
                    verifier: dependencies.verifyRequest))
        }
        do {
            return .gateway(try await OpenAIRoutes.admit(request, access: agent.access))
        } catch let failed as AuthenticationFailed {
            throw GatewayError(status: .unauthorized, code: failed.code, message: failed.message, headers: [.wwwAuthenticate: "Bearer, DID"])
        } catch let limited as RateLimited {
            throw GatewayError(
                status: .tooManyRequests, code: limited.code, message: limited.message, headers: [.retryAfter: String(limited.retryAfterSeconds)])
        }
    }

    // MARK: Tasks

    /// The run named by `params.id`, if the caller started it (others' runs are not found).
    func ownedRun(_ params: JSONValue, caller: A2ACaller) async throws -> AgentRunRecord {
        guard let id = params["id"]?.stringValue else { throw A2ARPCError.invalidParams("task_id_missing", "`params.id` must be a task id") }
        guard Session.isValidID(id, prefix: "run_"), let record = try await agent.runs.record(id), record.apiKeyID == caller.owner else {
            throw A2ARPCError.taskNotFound(id)
        }
        return record
    }

    func view(_ record: AgentRunRecord) async -> A2ATaskView {
        A2ATaskView(record: record, escrowID: await state.escrow(of: record.id))
    }

    /// Asks the run to stop and, when it runs on this replica, waits until it has.
    private func cancel(_ params: JSONValue, caller: A2ACaller) async throws -> A2ATaskView {
        let record = try await ownedRun(params, caller: caller)
        guard record.status == .running, try await agent.runs.cancel(record.id) else { throw A2ARPCError.taskNotCancelable(record.id) }
        if let events = await agent.runs.events(of: record.id) {
            for await _ in events {}
        }
        return await view(try await agent.runs.record(record.id) ?? record)
    }

    private func subscribe(_ rpc: A2ARPCRequest, caller: A2ACaller) async throws -> Response {
        let record = try await ownedRun(rpc.params, caller: caller)
        guard record.status == .running else {
            throw A2ARPCError.unsupported("task_finished", "task \(record.id) has ended; GetTask has its result")
        }
        guard let events = await agent.runs.events(of: record.id) else {
            throw A2ARPCError.unsupported("task_on_other_replica", "task \(record.id) runs on replica \(record.replica); subscribe there")
        }
        return Self.eventStream(events, first: await view(record), model: record.model, id: rpc.id, dialect: rpc.dialect)
    }
}

/// What the routes remember between requests, in this process: the escrow of each paid
/// task (for its metadata) and the key the card was last signed with.
actor A2AState {
    private var escrows: [String: String] = [:]
    private(set) var cardKey: String?

    func escrow(of taskID: String) -> String? { escrows[taskID] }
    func remember(escrow: String, of taskID: String) { escrows[taskID] = escrow }
    func setCardKey(_ kid: String) { cardKey = kid }

    private var signed: (card: JSONValue, signed: JSONValue, until: Date)?

    /// The signed form of `card` kept until its time ran out.
    func signedCard(for card: JSONValue, at time: Date) -> JSONValue? {
        guard let signed, signed.card == card, time < signed.until else { return nil }
        return signed.signed
    }

    func keep(signed: JSONValue, of card: JSONValue, until: Date) { self.signed = (card, signed, until) }
}

extension HTTPResponse.Status {
    /// 402, which x402 answers a call that needs payment with.
    static let paymentRequired = HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required")
}

/// A paid skill was called without a voucher the desk accepted: HTTP 402 with `body`.
struct A2APaymentRequired: Error {
    let body: JSONValue
}
