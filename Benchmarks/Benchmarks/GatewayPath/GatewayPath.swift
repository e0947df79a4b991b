import Benchmark
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TauCore
import TauGateway
import TauIdentity
import TauMesh
import TauProviders
import TauTesting

// The gateway's own cost per `POST /v1/chat/completions`, in process: Hummingbird's router
// (HummingbirdTesting `.router`: no socket, no HTTP parsing), the middleware, the API key
// check, the request's JSON, preflight and routing, the usage record and the response's JSON
// or SSE, with a model that answers at once. See docs/performance.md.
let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 100,
        maxDuration: .seconds(8), maxIterations: 20_000)

    for streamed in [false, true] {
        Benchmark(
            "gateway chat completion in process, \(streamed ? "streamed" : "plain")", configuration: configuration,
            closure: { (benchmark: Benchmark, fixture: GatewayFixture) in
                await fixture.measuredRequest(benchmark, streamed: streamed)
            }, setup: { try await GatewayFixture.make() })
    }
}

/// A gateway with the OpenAI routes in front of an instant model, one API key, and its
/// router-mode test client.
struct GatewayFixture: Sendable {
    let client: any TestClientProtocol
    let token: String
    let plainBody: ByteBuffer
    let streamedBody: ByteBuffer

    static func make() async throws -> GatewayFixture {
        let keys = InMemoryAPIKeyRepository()
        let usage = InMemoryUsageRepository()
        let secret = APIKeySecret.generate()
        try await keys.insert(
            APIKey(id: secret.id, name: "bench", secretHash: secret.hash, createdAt: Date(), budget: nil, requestsPerMinute: nil, allowedModels: nil))
        let route = Route(
            name: "bench:instant", modelID: "instant", client: InstantModel(), contextWindow: 128_000, maxOutputTokens: 16_384,
            pricing: ModelPricing(input: Money(microunits: 2_000_000, currency: .usd), output: Money(microunits: 8_000_000, currency: .usd)))
        let chain = RouteChain(name: "instant", routes: [route])
        let metrics = PrometheusExporter(
            help: MeshMetrics.help.merging(GatewayMetrics.help) { first, _ in first }, buckets: GatewayMetrics.buckets)
        let gatewayMetrics = GatewayMetrics(factory: metrics, isListed: { $0 == "instant" })
        let service = ModelService(
            resolve: { $0 == "instant" ? chain : nil }, served: [ServedModel(name: "instant", ownedBy: "bench")],
            router: ModelRouter(retry: RetryPolicy(maxAttempts: 1), logger: .quiet), usage: usage, onRecord: { gatewayMetrics.record($0) },
            logger: .quiet)
        let logs = InMemoryDIDLogRepository()
        let dependencies = GatewayDependencies(
            localDID: { nil }, logs: logs, resolver: DIDResolver(repository: logs), version: "bench", peers: InMemoryPeerRepository(),
            metrics: metrics,
            models: ModelGatewayDependencies(service: service, access: GatewayAccess(mode: .keys, keys: keys, usage: usage), metrics: gatewayMetrics),
            // Every request comes from the same (unknown) address: no per-client limit here.
            clientLimit: RateLimit(capacity: 1e12, refillPerSecond: 1e12))
        let application = Application(router: Gateway.router(dependencies, logger: .quiet), logger: .quiet)
        // The router-mode client only holds the responder (the application has no services),
        // so it stays usable after `test` returns.
        let client: any TestClientProtocol = try await application.test(.router) { client in client }
        let messages: JSONValue = [
            ["role": "system", "content": "You are a helpful assistant. Answer briefly."],
            ["role": "user", "content": "What does the node do with a signed message before a handler sees it?"],
        ]
        let plain: JSONValue = ["model": "instant", "messages": messages, "max_tokens": 256]
        let streamed: JSONValue = ["model": "instant", "messages": messages, "max_tokens": 256, "stream": true, "stream_options": ["include_usage": true]]
        return GatewayFixture(
            client: client, token: secret.token, plainBody: ByteBuffer(string: plain.canonicalString()),
            streamedBody: ByteBuffer(string: streamed.canonicalString()))
    }

    func measuredRequest(_ benchmark: Benchmark, streamed: Bool) async {
        let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(token)"]
        do {
            benchmark.startMeasurement()
            let response = try await client.executeRequest(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: streamed ? streamedBody : plainBody)
            benchmark.stopMeasurement()
            guard response.status == .ok else { return benchmark.error("status \(response.status): \(String(buffer: response.body))") }
            let text = String(buffer: response.body)
            if streamed ? !text.hasSuffix("data: [DONE]\n\n") : !text.contains(#""finish_reason":"stop""#) {
                benchmark.error("an unexpected answer: \(text.prefix(300))")
            }
        } catch {
            benchmark.stopMeasurement()
            benchmark.error("the request failed: \(error)")
        }
    }
}

/// A model that answers at once, in process (the agent benchmark's `InstantModel`, text only).
struct InstantModel: ModelClient {
    static let pieces = ["A signed ", "message is ", "parsed, ", "verified ", "and checked ", "for replay."]

    func stream(_ request: ChatRequest) async throws -> ChatEventStream {
        let (stream, continuation) = ChatEventStream.makeStream(bufferingPolicy: .unbounded)
        for event in events(request) { continuation.yield(event) }
        continuation.finish()
        return stream
    }

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var accumulator = ChatResponseAccumulator()
        for event in events(request) { accumulator.add(event) }
        return accumulator.response
    }

    private func events(_ request: ChatRequest) -> [StreamEvent] {
        [.start(id: "resp_instant", model: request.model)] + Self.pieces.map(StreamEvent.text)
            + [.usage(Usage(inputTokens: 40, outputTokens: 12)), .finish(.stop)]
    }
}

extension Logger {
    /// Prints nothing, so that log lines neither cost time nor mix with the figures.
    static var quiet: Logger {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        return logger
    }
}
