import AsyncHTTPClient
import Foundation
import Synchronization
import TauCore
import TauTesting
import Testing

@testable import TauProviders

/// What a call of a key with a budget holds and sends: the output cap on the wire is what
/// is held, thinking included, at the dearest route of the chain.
@Suite struct BudgetHoldTests {
    /// Output at $1 per million and free prompts: a hold in micro-USD is its output tokens.
    static let perOutputToken = ModelPricing(input: .usd(0), output: .usd(1_000_000))
    static let budget = CallContext(apiKeyID: "k", remainingBudget: .usd(10_000_000))
    static let http = UpstreamHTTP(client: HTTPClient.shared)

    static func route(_ kind: ProviderKind, maxOutput: Int? = 64_000, window: Int = 200_000, pricing: ModelPricing = perOutputToken) -> Route {
        let endpoint = ProviderEndpoint(kind: kind, baseURL: "http://127.0.0.1:1/v1", apiKey: "k")
        return Route(
            name: "\(kind.rawValue):m", modelID: "m", client: ProviderClients.make(endpoint, http: http), contextWindow: window,
            maxOutputTokens: maxOutput, pricing: pricing)
    }

    static func service(_ routes: [Route], cap: Int = ModelService.defaultBudgetedMaxOutputTokens) -> ModelService {
        ModelService(
            resolve: { $0 == "m" ? RouteChain(name: "m", routes: routes) : nil }, served: [], router: ModelRouter(),
            usage: InMemoryUsageRepository(), budgetedMaxOutputTokens: cap)
    }

    static func held(_ service: ModelService, maxTokens: Int? = nil, effort: String? = nil, thinking: Int? = nil) throws -> Int64 {
        var request = ChatRequest(model: "m", messages: [.text(.user, "Think hard.")], maxOutputTokens: maxTokens, reasoningEffort: effort)
        request.options.thinkingBudgetTokens = thinking
        return try service.preflight(request, context: budget).reservation.microunits
    }

    @Test func anthropicIsHeldTheMaxTokensItIsSentThinkingIncluded() throws {
        let service = Self.service([Self.route(.anthropic)])
        // Without max_tokens a budgeted call is sent (and held) the node's default cap.
        #expect(try Self.held(service) == 8192)
        // A caller's small max_tokens with thinking: Anthropic gets max_tokens + the thinking budget.
        #expect(try Self.held(service, maxTokens: 100, effort: "high") == 100 + 16384)
        #expect(try Self.held(service, effort: "high") == 8192 + 16384)
        #expect(try Self.held(service, maxTokens: 20_000, effort: "high") == 20_000)
        #expect(try Self.held(service, maxTokens: 100, thinking: 100_000) == 100 + 100_000)
    }

    @Test func geminiIsHeldItsCapAndThinkingBudget() throws {
        let service = Self.service([Self.route(.gemini)])
        #expect(try Self.held(service) == 8192)
        #expect(try Self.held(service, effort: "high") == 8192 + 24576)
        #expect(try Self.held(service, maxTokens: 500, thinking: 2000) == 2500)
        #expect(try Self.held(service, effort: "high", thinking: 0) == 8192)
    }

    @Test func openAIIsHeldItsCapWhichCoversReasoning() throws {
        let service = Self.service([Self.route(.openai)])
        #expect(try Self.held(service) == 8192)
        #expect(try Self.held(service, maxTokens: 300, effort: "high") == 300)
    }

    @Test func theDefaultCapIsConfigurableAndFitsEveryRoute() throws {
        #expect(try Self.held(Self.service([Self.route(.openai)], cap: 2000)) == 2000)
        // Lowered to the smallest largest answer of the chain, so that no route refuses it.
        #expect(try Self.held(Self.service([Self.route(.openai), Self.route(.deepseek, maxOutput: 4096)])) == 4096)
        // And to what a small window leaves after the prompt.
        let small = try Self.held(Self.service([Self.route(.local, maxOutput: nil, window: 3000)]))
        #expect(small > 2900 && small < 3000, "\(small)")
    }

    @Test func theDearestRouteOfTheChainIsHeld() throws {
        let routes = [
            Self.route(.openai, pricing: ModelPricing(input: .usd(0), output: .usd(3_000_000))),
            Self.route(.anthropic, pricing: ModelPricing(input: .usd(0), output: .usd(2_000_000))),
            Self.route(.gemini, pricing: ModelPricing(input: .usd(0), output: .usd(2_000_000))),
        ]
        // OpenAI 8,192 × 3; Anthropic 8,192 × 2 (medium thinking fits in its max_tokens);
        // Gemini (8,192 + 8,192 of thinking) × 2, the most.
        #expect(try Self.held(Self.service(routes), effort: "medium") == 32_768)
    }

    @Test func theCapHeldIsTheCapSent() async throws {
        let client = RecordingClient()
        let route = Route(name: "rec:m", modelID: "m", client: client, contextWindow: 200_000, maxOutputTokens: 64_000, pricing: Self.perOutputToken)
        let service = Self.service([route])
        let request = ChatRequest(model: "m", messages: [.text(.user, "Hi")])
        _ = try await service.complete(request, context: Self.budget)
        _ = try await service.complete(request, context: CallContext())
        #expect(client.received.map(\.maxOutputTokens) == [8192, nil])
    }

    @Test func everyWireCarriesTheCapItReportsAsItsCeiling() throws {
        var request = ChatRequest(model: "m", messages: [.text(.user, "Hi")], maxOutputTokens: 8192, reasoningEffort: "high")
        #expect(OpenAIChatFormat.encode(request, stream: true, dialect: .openAI)["max_completion_tokens"] == 8192)
        #expect(OpenAIChatFormat.encode(request, stream: true, dialect: .compatible)["max_tokens"] == 8192)
        #expect(OpenAIResponsesFormat.encode(request, stream: true)["max_output_tokens"] == 8192)
        #expect(Self.route(.openai).client.outputTokenCeiling(for: request) == 8192)
        #expect(try AnthropicFormat.encode(request, stream: true, defaultMaxTokens: 8192)["max_tokens"] == 24_576)
        #expect(Self.route(.anthropic).client.outputTokenCeiling(for: request) == 8192 + 16384)
        let gemini = GeminiFormat.encode(request)["generationConfig"]
        #expect(gemini?["maxOutputTokens"] == 8192 && gemini?["thinkingConfig"]?["thinkingBudget"] == 24576)
        #expect(Self.route(.gemini).client.outputTokenCeiling(for: request) == 8192 + 24576)
        request.maxOutputTokens = nil
        #expect(Self.route(.gemini).client.outputTokenCeiling(for: request) == nil)
        #expect(Self.route(.anthropic).client.outputTokenCeiling(for: request) == 8192 + 16384)
    }
}

/// A client that answers at once and keeps the requests it was sent.
final class RecordingClient: ModelClient {
    private let requests = Mutex<[ChatRequest]>([])

    var received: [ChatRequest] { requests.withLock { $0 } }

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        requests.withLock { $0.append(request) }
        return ChatResponse(
            id: "r", model: request.model, message: ChatMessage(role: .assistant, content: [.text("ok")]), finishReason: .stop,
            usage: Usage(inputTokens: 3, outputTokens: 1))
    }

    func stream(_ request: ChatRequest) async throws -> ChatEventStream {
        throw UpstreamFailure(.rejected, message: "not streamed here")
    }
}
