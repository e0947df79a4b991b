import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TauCore
import TauIdentity
import TauMesh
import TauProviders
import TauTesting
import Testing

@testable import TauGateway

/// An amount in micro-USD: `usd(400_000)` is $0.40.
func usd(_ microunits: Int64) -> Money {
    Money(microunits: microunits, currency: .usd)
}

/// A gateway with the OpenAI API in front of a real fake OpenAI upstream.
struct OpenAIGatewayFixture {
    let keys = InMemoryAPIKeyRepository()
    let usage = InMemoryUsageRepository()
    let upstream: FakeOpenAIUpstream
    var mode: GatewayAuthMode = .keys
    var contextWindow = 128_000
    var pricing: ModelPricing? = ModelPricing(input: usd(400_000), output: usd(1_600_000), cachedInput: usd(100_000))
    var breakerFailures = 5
    /// Where the model service logs; nowhere when nil.
    var logs: LogCapture?
    static let operatorToken = "operator-test-token"
    /// `/metrics`, shared by the mesh and the gateway as on a node.
    let metrics = PrometheusExporter(
        help: MeshMetrics.help.merging(GatewayMetrics.help) { first, _ in first }, buckets: GatewayMetrics.buckets)

    init(answer: @escaping @Sendable (JSONValue) -> FakeOpenAIUpstream.Answer = { _ in .init(text: "Hello there!") }) {
        upstream = FakeOpenAIUpstream(answer: answer)
    }

    /// Creates a key and returns its bearer token.
    func key(budget: Money? = nil, rpm: Int? = nil, models: [String]? = nil) async throws -> String {
        let secret = APIKeySecret.generate()
        try await keys.insert(
            APIKey(id: secret.id, name: "test", secretHash: secret.hash, createdAt: Date(), budget: budget, requestsPerMinute: rpm, allowedModels: models))
        return secret.token
    }

    func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await upstream.serve { base in
            var configuration = HTTPClient.Configuration()
            // A refused connection (the `dead` route) fails at once instead of retrying until the connect timeout.
            configuration.connectionPool.retryConnectionEstablishment = false
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                try await self.application(base, http).test(.live) { client in try await body(client) }
                try await http.shutdown()
            } catch {
                try? await http.shutdown()
                throw error
            }
        }
    }

    private func application(_ base: String, _ http: HTTPClient) -> some ApplicationProtocol {
        let endpoint = ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "sk-upstream-test")
        let route = Route(
            name: "openai:gpt-4.1-mini", modelID: "gpt-4.1-mini", client: OpenAIChatClient(endpoint: endpoint, http: UpstreamHTTP(client: http)),
            contextWindow: contextWindow, maxOutputTokens: 32_768, pricing: pricing)
        // Port 1 on loopback: nothing listens there, so every call is refused.
        let dead = Route(
            name: "openai:dead", modelID: "dead",
            client: OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: "http://127.0.0.1:1/v1", apiKey: "k"), http: UpstreamHTTP(client: http)),
            contextWindow: contextWindow, maxOutputTokens: 32_768, pricing: pricing)
        let chains = [
            "gpt-4.1-mini": RouteChain(name: "gpt-4.1-mini", routes: [route]), "fast": RouteChain(name: "fast", routes: [route]),
            "dead": RouteChain(name: "dead", routes: [dead]),
            // Resolves like a caller-made `<provider>:<model>` name, which metrics do not label.
            "openai:gpt-4.1-mini": RouteChain(name: "openai:gpt-4.1-mini", routes: [route]),
        ]
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let gatewayMetrics = GatewayMetrics(factory: metrics, isListed: { ["fast", "gpt-4.1-mini", "dead"].contains($0) })
        let service = ModelService(
            resolve: { chains[$0] }, served: [ServedModel(name: "fast", ownedBy: "tau-node"), ServedModel(name: "gpt-4.1-mini", ownedBy: "openai")],
            router: ModelRouter(retry: RetryPolicy(maxAttempts: 1), breakers: BreakerBoard(failureThreshold: breakerFailures), logger: quiet),
            usage: usage, onRecord: { gatewayMetrics.record($0) }, logger: logs?.logger(label: "tau.providers.service") ?? quiet)
        let repository = InMemoryDIDLogRepository()
        let dependencies = GatewayDependencies(
            localDID: { nil }, logs: repository, resolver: DIDResolver(repository: repository), version: "test", peers: InMemoryPeerRepository(),
            metrics: metrics, operatorToken: Self.operatorToken,
            models: ModelGatewayDependencies(service: service, access: GatewayAccess(mode: mode, keys: keys, usage: usage), metrics: gatewayMetrics))
        return Application(router: Gateway.router(dependencies, logger: quiet))
    }
}

extension TestClientProtocol {
    /// POSTs a chat-completions body with an optional bearer key.
    func chat(_ body: JSONValue, key: String?, _ check: @escaping @Sendable (TestResponse) async throws -> Void) async throws {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        try await execute(
            uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: body.canonicalString()),
            testCallback: check)
    }
}

extension TestResponse {
    var json: JSONValue { (try? JSONValue(parsing: Array(buffer: body))) ?? .null }

    /// The `data:` payloads of an SSE body.
    var events: [String] {
        String(buffer: body).components(separatedBy: "\n\n").compactMap { block in
            block.hasPrefix("data: ") ? String(block.dropFirst(6)) : nil
        }
    }
}
