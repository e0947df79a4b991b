import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import TauAgent
import TauCore
import TauCrypto
import TauEnvelope
import TauIdentity
import TauProviders
import TauTesting
import Testing

@testable import TauGateway

/// A gateway with the runs API and the A2A front door, its agent answering from a scripted
/// model server, the node a did:key whose key signs the card, and a payment desk double
/// that prices the `review` skill.
struct A2AFixture {
    let keys = InMemoryAPIKeyRepository()
    let usage = InMemoryUsageRepository()
    let runs = InMemoryAgentRunRepository()
    let sessions = InMemorySessionRepository()
    let node: (key: Ed25519.PrivateKey, did: DID, keyID: String)
    let desk = TestPaymentDesk()
    let model: ScriptedModelServer
    let directory: TemporaryDirectory
    /// Whether DID callers may start free skills (the node's default is no).
    var freeSkillsForDIDs = true

    init(_ steps: [ScriptedModelServer.Step], then fallback: ScriptedModelServer.Step = .text("Done.")) throws {
        model = ScriptedModelServer(steps, then: fallback)
        node = try Self.didKey()
        directory = try TemporaryDirectory()
    }

    /// A did:key of a fresh Ed25519 key and the id of its verification method.
    static func didKey() throws -> (key: Ed25519.PrivateKey, did: DID, keyID: String) {
        let key = try Ed25519.PrivateKey()
        let did = DIDKey.did(for: key.publicKey)
        return (key, did, "\(did)#\(key.publicKey.multibase)")
    }

    /// Creates an API key and returns its bearer token.
    func key() async throws -> String {
        let secret = APIKeySecret.generate()
        try await keys.insert(APIKey(id: secret.id, name: "test", secretHash: secret.hash, createdAt: Date()))
        return secret.token
    }

    func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { directory.remove() }
        try await model.serve { base in
            try await self.application(base).test(.live) { client in try await body(client) }
        }
    }

    private func application(_ base: String) throws -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let quiet = logger
        let manager = AgentRunManager(repository: runs, sessions: sessions, clock: .system, heartbeatInterval: .milliseconds(200), logger: quiet)
        let paths = try PathPolicy(workspace: directory.path, protected: [directory.appending(".tau")])
        let sessions = self.sessions
        let agent = AgentGatewayDependencies(
            runs: manager, runRecords: runs, sessions: sessions, access: GatewayAccess(mode: .keys, keys: keys, usage: usage),
            makeAgent: { _, _ in
                let agent = Agent(
                    models: ScriptedModelServer.modelService(baseURL: base), sessions: sessions, tools: [ListDirTool()],
                    toolContext: ToolContext(paths: paths),
                    configuration: AgentConfiguration(model: "scripted", turnTimeout: .seconds(30), runTimeout: .seconds(60)), logger: quiet)
                return (agent, "scripted")
            })
        let node = self.node
        let verifier = EnvelopeVerifier(
            resolver: DIDResolver(repository: InMemoryDIDLogRepository()), replayCache: InMemoryReplayCache())
        let a2a = A2AGatewayDependencies(
            card: A2ACardDescription(
                name: "test node", description: "a node under test",
                skills: [.agent, A2ASkill(id: "review", name: "Review", description: "Reviews a text.", tags: ["review"])]),
            signCard: { input in (node.keyID, node.key.signature(for: input)) },
            verifyRequest: { bytes in try await verifier.verify(bytes, recipient: node.did).plaintext.from.description },
            payments: desk, freeSkillsForDIDs: freeSkillsForDIDs)
        let repository = InMemoryDIDLogRepository()
        let dependencies = GatewayDependencies(
            localDID: { node.did }, logs: repository, resolver: DIDResolver(repository: repository), version: "test",
            peers: InMemoryPeerRepository(), agent: agent, a2a: a2a)
        return Application(router: Gateway.router(dependencies, logger: quiet))
    }
}

/// A payment desk that prices `review` at 2.5 credits and accepts the voucher `good`.
final class TestPaymentDesk: A2APaymentDesk {
    static let price = Money(microunits: 2_500_000, currency: .credits)
    struct Accepted: Sendable, Equatable {
        var voucher: String
        var taskHash: String
    }
    struct Finished: Sendable, Equatable {
        var escrowID: String
        var resultHash: String
        var invoice: Money
    }
    let accepted = Mutex<[Accepted]>([])
    let finishedCalls = Mutex<[Finished]>([])
    let payTo: String

    init(payTo: String = "did:example:payee") {
        self.payTo = payTo
    }

    func requirement(forSkill skill: String) async -> A2APaymentRequirement? {
        guard skill == "review" else { return nil }
        return A2APaymentRequirement(skill: skill, price: Self.price, payTo: payTo, timeoutSeconds: 600, description: "one review")
    }

    func accept(voucher: String, requirement: A2APaymentRequirement, taskHash: String) async throws -> String {
        guard voucher == "good" else { throw AgentError("voucher_rejected", "the voucher does not pay for this task") }
        accepted.withLock { $0.append(Accepted(voucher: voucher, taskHash: taskHash)) }
        return "esc_test1"
    }

    func finished(escrowID: String, resultHash: String, invoice: Money) async {
        finishedCalls.withLock { $0.append(Finished(escrowID: escrowID, resultHash: resultHash, invoice: invoice)) }
    }
}

extension TestClientProtocol {
    /// POSTs a JSON-RPC call to `/a2a` and returns the HTTP response.
    func a2a(
        _ method: String, _ params: JSONValue, key: String?, headers extra: HTTPFields = [:], id: JSONValue = "1"
    ) async throws -> TestResponse {
        let body: JSONValue = ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": params]
        return try await a2aRaw(Array(body.canonicalString().utf8), key: key, headers: extra)
    }

    func a2aRaw(_ body: [UInt8], key: String?, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        headers.append(contentsOf: extra)
        return try await execute(uri: "/a2a", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}

enum A2AMessages {
    /// SendMessage params (1.0) with one text part.
    static func send(_ text: String, skill: String? = nil, returnImmediately: Bool = false, contextID: String? = nil) -> JSONValue {
        var message: JSONValue = ["messageId": .string(UUID().uuidString), "role": "ROLE_USER", "parts": [["text": .string(text)]]]
        if let contextID { message["contextId"] = .string(contextID) }
        var params: JSONValue = ["message": message]
        if returnImmediately { params["configuration"] = ["returnImmediately": true] }
        if let skill { params["metadata"] = ["skill": .string(skill)] }
        return params
    }
}

extension JSONValue {
    /// The element at `index`, if this is an array that long.
    subscript(_ index: Int) -> JSONValue? {
        guard let elements = arrayValue, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
