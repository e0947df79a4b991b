import AsyncHTTPClient
import Foundation
import TauCore
import TauTesting
import Testing

@testable import TauProviders

/// `response_format`, `seed` and the penalties: read from an OpenAI client's request, and
/// sent in each wire format's own shape to a fake server of that format.
@Suite struct ResponseFormatTests {
    static let schema: JSONValue = [
        "type": "object",
        "properties": ["city": ["type": "string"], "temperature_c": ["type": "number"]],
        "required": ["city", "temperature_c"], "additionalProperties": false,
    ]
    static let weather = ResponseFormat.jsonSchema(
        JSONSchemaFormat(name: "CityWeather", description: "The weather in one city", schema: schema, strict: true))
    static func request(_ format: ResponseFormat?, model: String) -> ChatRequest {
        ChatRequest(
            model: model, messages: [.text(.user, "Weather in Paris as JSON")], responseFormat: format, seed: 42, presencePenalty: 0.5,
            frequencyPenalty: -0.25)
    }

    // MARK: Server side

    @Test func anOpenAIClientsResponseFormatIsRead() throws {
        let body: JSONValue = [
            "model": "m", "messages": [["role": "user", "content": "Hi"]], "seed": 7, "presence_penalty": 1.5, "frequency_penalty": -2,
            "response_format": [
                "type": "json_schema", "json_schema": ["name": "CityWeather", "schema": Self.schema, "strict": true],
            ],
        ]
        let request = try OpenAIChatFormat.decodeRequest(body).request
        #expect(request.responseFormat == .jsonSchema(JSONSchemaFormat(name: "CityWeather", schema: Self.schema, strict: true)))
        #expect(request.seed == 7)
        #expect(request.presencePenalty == 1.5)
        #expect(request.frequencyPenalty == -2)
        let mode: JSONValue = ["model": "m", "messages": [["role": "user", "content": "Hi"]], "response_format": ["type": "json_object"]]
        #expect(try OpenAIChatFormat.decodeRequest(mode).request.responseFormat == .jsonObject)
    }

    @Test(arguments: [
        (#"{"type":"xml"}"#, "response_format.type"),
        (#"{"type":"json_schema"}"#, "json_schema` is required"),
        (#"{"type":"json_schema","json_schema":{"schema":{}}}"#, "name"),
        (#"{"type":"json_schema","json_schema":{"name":"has space","schema":{}}}"#, "name"),
        (#"{"type":"json_schema","json_schema":{"name":"ok"}}"#, "json_schema.schema"),
        (#"{"type":"json_schema","json_schema":{"name":"ok","schema":{},"strict":"yes"}}"#, "strict"),
        (#""json""#, "response_format.type"),
    ])
    func badResponseFormatsAreRefusedNamingTheField(format: String, mentions: String) throws {
        let body = try JSONValue(parsing: #"{"model":"m","messages":[{"role":"user","content":"Hi"}],"response_format":"# + format + "}")
        let error = #expect(throws: ProviderError.self) { try OpenAIChatFormat.decodeRequest(body) }
        #expect(error?.code == "invalid_request")
        #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")")
    }

    @Test func badSeedsAndPenaltiesAreRefused() throws {
        for extra in [#""seed":1.5"#, #""seed":"1""#, #""presence_penalty":3"#, #""frequency_penalty":-2.5"#] {
            let body = try JSONValue(parsing: #"{"model":"m","messages":[{"role":"user","content":"Hi"}],"# + extra + "}")
            #expect(throws: ProviderError.self) { try OpenAIChatFormat.decodeRequest(body) }
        }
    }

    // MARK: Client side, one fake server per wire format

    @Test func openAIChatSendsResponseFormatSeedAndPenalties() async throws {
        let log = OpenAIFakeUpstream.Log()
        _ = try await OpenAIFakeUpstream.serve(.json(try OpenAIFakeUpstream.fixture("openai-chat-completion-text.json")), log: log) { base, http in
            try await OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "sk-test"), http: http)
                .complete(Self.request(Self.weather, model: "gpt-4.1"))
        }
        let body = try #require(await log.last).body
        #expect(
            body["response_format"] == [
                "type": "json_schema",
                "json_schema": ["name": "CityWeather", "description": "The weather in one city", "schema": Self.schema, "strict": true],
            ])
        #expect(body["seed"] == 42)
        #expect(body["presence_penalty"] == 0.5)
        #expect(body["frequency_penalty"] == -0.25)
    }

    @Test func openAIResponsesSendsTextFormatAndLeavesOutSeedAndPenalties() async throws {
        let log = OpenAIFakeUpstream.Log()
        _ = try await OpenAIFakeUpstream.serve(.json(try OpenAIFakeUpstream.fixture("openai-responses-toolcall.json")), log: log) { base, http in
            try await OpenAIResponsesClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "sk-test"), http: http)
                .complete(Self.request(Self.weather, model: "o4-mini"))
        }
        let body = try #require(await log.last).body
        #expect(
            body["text"] == [
                "format": [
                    "type": "json_schema", "name": "CityWeather", "description": "The weather in one city", "schema": Self.schema,
                    "strict": true,
                ]
            ])
        #expect(body["response_format"] == nil)
        #expect(body["seed"] == nil)
        #expect(body["presence_penalty"] == nil)
    }

    @Test func anthropicSendsOutputConfigFormat() async throws {
        let received = try await AnthropicFakeUpstream.run(.json(body: try AnthropicFakeUpstream.fixture("anthropic-message-text.json"))) {
            client, log in
            _ = try await client.complete(Self.request(Self.weather, model: "claude-sonnet-4-5"))
            return await log.requests
        }
        let body = try #require(received.first).body
        #expect(body["output_config"] == ["format": ["type": "json_schema", "schema": Self.schema]])
        #expect(body["seed"] == nil)
        #expect(body["presence_penalty"] == nil)
        #expect(body["response_format"] == nil)
    }

    @Test func geminiSendsAJSONMimeTypeAndItsSchemaSubset() async throws {
        let text = try GeminiFakeUpstream.fixture("gemini-text-response", "json")
        let log = try await GeminiFakeUpstream.run({ _ in .json(text) }) { client, log in
            _ = try await client.complete(Self.request(Self.weather, model: "gemini-2.5-flash"))
            _ = try await client.complete(Self.request(.jsonObject, model: "gemini-2.5-flash"))
            return log
        }
        let config = try #require(log.all.first?.body["generationConfig"])
        #expect(config["responseMimeType"] == "application/json")
        // Gemini's Schema: upper-case types, no additionalProperties.
        #expect(
            config["responseSchema"] == [
                "type": "OBJECT", "properties": ["city": ["type": "STRING"], "temperature_c": ["type": "NUMBER"]],
                "required": ["city", "temperature_c"],
            ])
        #expect(config["seed"] == 42)
        #expect(config["presencePenalty"] == 0.5)
        #expect(config["frequencyPenalty"] == -0.25)
        let mode = try #require(log.all.last?.body["generationConfig"])
        #expect(mode["responseMimeType"] == "application/json")
        #expect(mode["responseSchema"] == nil)
    }

    // MARK: Routing

    @Test func routesThatCannotAnswerInTheFormatAreLeftOut() throws {
        let http = UpstreamHTTP(client: HTTPClient.shared)
        let claude = Route(
            name: "anthropic:claude-haiku-4-5", modelID: "claude-haiku-4-5",
            client: AnthropicClient(endpoint: ProviderEndpoint(kind: .anthropic, baseURL: "http://127.0.0.1:1/v1", apiKey: "k"), http: http))
        let gpt = Route(
            name: "openai:gpt-4.1-mini", modelID: "gpt-4.1-mini",
            client: OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: "http://127.0.0.1:1/v1", apiKey: "k"), http: http))
        let chains = [
            "mixed": RouteChain(name: "mixed", routes: [claude, gpt]), "claude": RouteChain(name: "claude", routes: [claude]),
        ]
        let service = ModelService(resolve: { chains[$0] }, served: [], router: ModelRouter(), usage: InMemoryUsageRepository())

        // JSON mode: Anthropic has none, so the chain keeps only the OpenAI route.
        let plan = try service.preflight(Self.request(.jsonObject, model: "mixed"), context: CallContext())
        #expect(plan.chain.routes.map(\.name) == ["openai:gpt-4.1-mini"])
        // A schema: both can.
        #expect(try service.preflight(Self.request(Self.weather, model: "mixed"), context: CallContext()).chain.routes.count == 2)
        #expect(try service.preflight(Self.request(.text, model: "claude"), context: CallContext()).chain.routes.count == 1)
        // No route left: refused before anything is sent.
        let error = #expect(throws: ProviderError.self) { try service.preflight(Self.request(.jsonObject, model: "claude"), context: CallContext()) }
        #expect(error?.code == "response_format_unsupported")
        #expect(error?.category == .invalidInput)
    }

    @Test func aThinkingBudgetIsHeldFromTheCallersBudget() throws {
        let priced = Route(
            name: "anthropic:claude-haiku-4-5", modelID: "claude-haiku-4-5",
            client: AnthropicClient(
                endpoint: ProviderEndpoint(kind: .anthropic, baseURL: "http://127.0.0.1:1/v1", apiKey: "k"), http: UpstreamHTTP(client: HTTPClient.shared)),
            contextWindow: 200_000, pricing: ModelPricing(input: .usd(1_000_000), output: .usd(5_000_000)))
        let service = ModelService(
            resolve: { $0 == "claude" ? RouteChain(name: "claude", routes: [priced]) : nil }, served: [], router: ModelRouter(),
            usage: InMemoryUsageRepository())
        var request = ChatRequest(model: "claude", messages: [.text(.user, "Think hard.")], maxOutputTokens: 1)
        let budget = CallContext(apiKeyID: "k", remainingBudget: .usd(10_000_000))
        let plain = try service.preflight(request, context: budget).reservation
        request.options.thinkingBudgetTokens = 100_000
        let thinking = try service.preflight(request, context: budget).reservation
        // 100,000 more output tokens at $5 per million: $0.50, exactly.
        #expect(try thinking.subtracting(plain) == .usd(500_000))
    }

    @Test func openRouterIsAskedForUpstreamsThatHonourTheFormat() {
        var request = Self.request(Self.weather, model: "openai/gpt-4.1")
        #expect(OpenAIChatFormat.encode(request, stream: false, dialect: .openRouter)["provider"] == ["require_parameters": true])
        request.options.openRouterProvider = ["order": ["openai"]]
        #expect(
            OpenAIChatFormat.encode(request, stream: false, dialect: .openRouter)["provider"]
                == ["order": ["openai"], "require_parameters": true])
        // The caller's own choice stands; free text needs nothing; other providers never get the field.
        request.options.openRouterProvider = ["require_parameters": false]
        #expect(OpenAIChatFormat.encode(request, stream: false, dialect: .openRouter)["provider"] == ["require_parameters": false])
        request.options.openRouterProvider = nil
        request.responseFormat = .text
        #expect(OpenAIChatFormat.encode(request, stream: false, dialect: .openRouter)["provider"] == nil)
        request.responseFormat = .jsonObject
        #expect(OpenAIChatFormat.encode(request, stream: false, dialect: .openAI)["provider"] == nil)
    }
}
