import AsyncHTTPClient
import Foundation
import TauCore
import TauTesting
import Testing

@testable import TauProviders

@Suite struct OpenAIChatClientTests {
    typealias Fake = OpenAIFakeUpstream

    static let conversation: [ChatMessage] = [
        .text(.system, "You are a concise travel assistant."),
        ChatMessage(role: .user, content: [.text("What is the weather here?"), .image(.base64(mediaType: "image/png", data: "iVBORw0KGgo="))]),
        ChatMessage(role: .assistant, toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Lisbon"}"#)]),
        ChatMessage(role: .tool, content: [.text(#"{"temperature":18}"#)], toolCallID: "call_1", name: "get_weather"),
    ]

    static let weatherTool = ToolDefinition(
        name: "get_weather", description: "Current weather for a city.",
        parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])

    // MARK: Request shape

    @Test func openAIRequestCarriesEveryField() async throws {
        let log = Fake.Log()
        let request = ChatRequest(
            model: "gpt-4.1", messages: Self.conversation, tools: [Self.weatherTool], toolChoice: .tool("get_weather"),
            maxOutputTokens: 500, temperature: 0.2, topP: 0.9, stop: ["END"], reasoningEffort: "low",
            parallelToolCalls: false, user: "user-7")
        let response = try await Fake.serve(.json(try Fake.fixture("openai-chat-completion-text.json")), log: log) { base, http in
            try await OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "sk-test"), http: http)
                .complete(request)
        }
        let sent = try #require(await log.last)
        #expect(sent.method == "POST")
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.header("Authorization") == "Bearer sk-test")
        #expect(sent.header("Content-Type") == "application/json")
        let body = sent.body
        #expect(body["model"] == "gpt-4.1")
        #expect(body["max_completion_tokens"] == 500)
        #expect(body["max_tokens"] == nil)
        #expect(body["temperature"] == 0.2)
        #expect(body["top_p"] == 0.9)
        #expect(body["stop"] == ["END"])
        #expect(body["reasoning_effort"] == "low")
        #expect(body["parallel_tool_calls"] == false)
        #expect(body["user"] == "user-7")
        #expect(body["stream"] == nil)
        #expect(body["stream_options"] == nil)
        #expect(body["provider"] == nil)
        #expect(
            body["tools"] == [
                [
                    "type": "function",
                    "function": [
                        "name": "get_weather", "description": "Current weather for a city.",
                        "parameters": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
                    ],
                ]
            ])
        #expect(body["tool_choice"] == ["type": "function", "function": ["name": "get_weather"]])
        let messages = try #require(body["messages"]?.arrayValue)
        try #require(messages.count == 4)
        #expect(messages[0] == ["role": "system", "content": "You are a concise travel assistant."])
        #expect(
            messages[1] == [
                "role": "user",
                "content": [
                    ["type": "text", "text": "What is the weather here?"],
                    ["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBORw0KGgo="]],
                ],
            ])
        #expect(
            messages[2] == [
                "role": "assistant", "content": nil,
                "tool_calls": [["id": "call_1", "type": "function", "function": ["name": "get_weather", "arguments": #"{"city":"Lisbon"}"#]]],
            ])
        #expect(messages[3] == ["role": "tool", "content": #"{"temperature":18}"#, "tool_call_id": "call_1"])

        #expect(response.id == "chatcmpl-BvX3kq9Lr7TzWm2c1pYfA0sHnE4uJ")
        #expect(response.model == "gpt-4.1-2025-04-14")
        #expect(response.message.text.hasPrefix("Lisbon is usually mild in spring"))
        #expect(response.message.toolCalls.isEmpty)
        #expect(response.finishReason == .stop)
        #expect(response.usage == Usage(inputTokens: 2048, outputTokens: 27, cachedInputTokens: 1920))
    }

    @Test(arguments: [ProviderKind.deepseek, .groq, .xai, .mistral, .local])
    func compatibleProvidersSendMaxTokens(kind: ProviderKind) async throws {
        let log = Fake.Log()
        let request = ChatRequest(
            model: "some-model", messages: [.text(.user, "hi")], toolChoice: .required, maxOutputTokens: 64, reasoningEffort: "high")
        _ = try await Fake.serve(.json(try Fake.fixture("openai-chat-completion-text.json")), log: log) { base, http in
            try await OpenAIChatClient(endpoint: ProviderEndpoint(kind: kind, baseURL: base, apiKey: "key"), http: http).complete(request)
        }
        let body = try #require(await log.last).body
        #expect(body["max_tokens"] == 64)
        #expect(body["max_completion_tokens"] == nil)
        #expect(body["reasoning_effort"] == nil)
        #expect(body["tool_choice"] == "required")
        #expect(body["tools"] == nil)
        #expect(body["messages"] == [["role": "user", "content": "hi"]])
    }

    @Test func openRouterSendsItsHeadersAndRouting() async throws {
        let log = Fake.Log()
        let endpoint = ProviderEndpoint(
            kind: .openrouter, apiKey: "sk-or-v1-test",
            headers: ["HTTP-Referer": "https://tau.example", "X-Title": "tau-node"])
        var request = ChatRequest(model: "anthropic/claude-sonnet-4", messages: [.text(.user, "hi")], maxOutputTokens: 100)
        request.options.openRouterProvider = ["order": ["anthropic", "amazon-bedrock"], "allow_fallbacks": false]
        request.options.openRouterModels = ["anthropic/claude-sonnet-4", "openai/gpt-4.1"]
        let sentRequest = request
        _ = try await Fake.serve(.json(try Fake.fixture("openai-chat-completion-text.json")), log: log) { base, http in
            var endpoint = endpoint
            endpoint.baseURL = base
            return try await OpenAIChatClient(endpoint: endpoint, http: http).complete(sentRequest)
        }
        let sent = try #require(await log.last)
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.header("HTTP-Referer") == "https://tau.example")
        #expect(sent.header("X-Title") == "tau-node")
        #expect(sent.header("Authorization") == "Bearer sk-or-v1-test")
        #expect(sent.body["provider"] == ["order": ["anthropic", "amazon-bedrock"], "allow_fallbacks": false])
        #expect(sent.body["models"] == ["anthropic/claude-sonnet-4", "openai/gpt-4.1"])
        #expect(sent.body["max_tokens"] == 100)
    }

    @Test func otherProvidersDoNotSendOpenRouterFields() async throws {
        let log = Fake.Log()
        var request = ChatRequest(model: "gpt-4.1", messages: [.text(.user, "hi")])
        request.options.openRouterProvider = ["order": ["x"]]
        request.options.openRouterModels = ["a"]
        let sentRequest = request
        _ = try await Fake.serve(.json(try Fake.fixture("openai-chat-completion-text.json")), log: log) { base, http in
            try await OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "k"), http: http).complete(sentRequest)
        }
        let body = try #require(await log.last).body
        #expect(body["provider"] == nil)
        #expect(body["models"] == nil)
    }

    @Test func localEndpointSendsNoAuthorization() async throws {
        let log = Fake.Log()
        let response = try await Fake.serve(.json(try Fake.fixture("openai-chat-completion-text.json")), log: log) { base, http in
            try await OpenAIChatClient(endpoint: ProviderEndpoint(kind: .local, baseURL: base), http: http)
                .complete(ChatRequest(model: "qwen3:8b", messages: [.text(.user, "hi")]))
        }
        let sent = try #require(await log.last)
        #expect(sent.header("Authorization") == nil)
        #expect(sent.path == "/v1/chat/completions")
        #expect(response.finishReason == .stop)
    }

    // MARK: Non-streamed answers

    @Test func deepSeekCacheHitsAndReasoning() async throws {
        let response = try await Fake.serve(.json(try Fake.fixture("openai-chat-completion-deepseek.json"))) { base, http in
            try await OpenAIChatClient(endpoint: ProviderEndpoint(kind: .deepseek, baseURL: base, apiKey: "k"), http: http)
                .complete(ChatRequest(model: "deepseek-reasoner", messages: [.text(.user, "6 × 7?")]))
        }
        #expect(response.usage == Usage(inputTokens: 640, outputTokens: 38, cachedInputTokens: 576, reasoningTokens: 29))
        #expect(response.message.content == [.thinking("The user asks for the product of 6 and 7. 6 × 7 = 42."), .text("The answer is 42.")])
    }

    @Test func toolCallAnswer() async throws {
        let response = try await Fake.serve(.json(try Fake.fixture("openai-chat-completion-toolcall.json"))) { base, http in
            try await OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "k"), http: http)
                .complete(ChatRequest(model: "gpt-4.1", messages: [.text(.user, "Weather in Lisbon?")], tools: [Self.weatherTool]))
        }
        #expect(response.finishReason == .toolCalls)
        #expect(response.message.content.isEmpty)
        #expect(
            response.message.toolCalls == [
                ToolCall(id: "call_Qm4tX8bZ1vN6rK2pL9sD3fHj", name: "get_weather", arguments: #"{"city":"Lisbon","unit":"celsius"}"#)
            ])
        #expect(response.usage == Usage(inputTokens: 112, outputTokens: 19))
    }

    // MARK: Streams

    static let expectedStreamedCalls = [
        ToolCall(id: "call_8aWfK2mNq7RtY4uP1zXc9VbE", name: "get_weather", arguments: #"{"city":"Lisbon","unit":"celsius"}"#),
        ToolCall(id: "call_3hGdS6jLp0OiU9yT5rEw2QaZ", name: "get_time", arguments: #"{"timezone":"Europe/Lisbon"}"#),
    ]

    @Test(arguments: [false, true])
    func streamedToolCalls(crlf: Bool) async throws {
        let log = Fake.Log()
        var sse = try Fake.fixture("openai-chat-stream-toolcalls.sse")
        if crlf { sse = sse.replacingOccurrences(of: "\n", with: "\r\n") }
        let (events, failure) = try await Fake.serve(.sse(sse), log: log) { base, http in
            let client = OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "sk-test"), http: http)
            return try await Fake.drain(
                client.stream(ChatRequest(model: "gpt-4.1", messages: [.text(.user, "Weather and time in Lisbon?")], tools: [Self.weatherTool])))
        }
        #expect(failure == nil)
        let sent = try #require(await log.last)
        #expect(sent.body["stream"] == true)
        #expect(sent.body["stream_options"] == ["include_usage": true])
        #expect(sent.header("Accept") == "text/event-stream")

        #expect(events.first == .start(id: "chatcmpl-BvX7rT2yU8iO4pA6sD0fG3hJ5kL", model: "gpt-4.1-2025-04-14"))
        #expect(events.filter { if case .start = $0 { true } else { false } }.count == 1)
        #expect(events.contains(.toolCallStart(index: 1, id: "call_3hGdS6jLp0OiU9yT5rEw2QaZ", name: "get_time")))
        #expect(events.filter { if case .toolCallArguments(index: 0, fragment: _) = $0 { true } else { false } }.count == 11)
        // The finish chunk comes before the usage chunk, as OpenAI sends them.
        let finish = try #require(events.firstIndex(of: .finish(.toolCalls)))
        let usage = try #require(events.firstIndex { if case .usage = $0 { true } else { false } })
        #expect(finish < usage)

        var accumulator = ChatResponseAccumulator()
        events.forEach { accumulator.add($0) }
        let response = accumulator.response
        #expect(response.message.text == "I'll check both for you.")
        #expect(response.message.toolCalls == Self.expectedStreamedCalls)
        #expect(response.finishReason == .toolCalls)
        #expect(response.usage == Usage(inputTokens: 184, outputTokens: 61, cachedInputTokens: 128))
    }

    @Test func errorChunkAfterContentInterruptsTheStream() async throws {
        let sse = """
            data: {"id":"gen-1753-abc","object":"chat.completion.chunk","created":1753120900,"model":"anthropic/claude-sonnet-4","provider":"Anthropic","choices":[{"index":0,"delta":{"role":"assistant","content":"Lisbon is"},"finish_reason":null}]}

            data: {"id":"gen-1753-abc","object":"chat.completion.chunk","created":1753120900,"model":"anthropic/claude-sonnet-4","provider":"Anthropic","error":{"code":502,"message":"Provider returned error"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}


            """
        let (events, failure) = try await Fake.serve(.sse(sse)) { base, http in
            try await Fake.drain(
                OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openrouter, baseURL: base, apiKey: "k"), http: http)
                    .stream(ChatRequest(model: "anthropic/claude-sonnet-4", messages: [.text(.user, "hi")])))
        }
        #expect(events.contains(.text("Lisbon is")))
        #expect(failure?.kind == .streamInterrupted)
        #expect(failure?.message == "Provider returned error")
    }

    static let truncatedStream = """
        data: {"id":"chatcmpl-cut","object":"chat.completion.chunk","created":1753121000,"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

        data: {"id":"chatcmpl-cut","object":"chat.completion.chunk","created":1753121000,"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"delta":{"content":"Lisbon in spring"},"finish_reason":null}]}


        """

    @Test func streamEndingWithoutFinishIsInterrupted() async throws {
        let (events, failure) = try await Fake.serve(.sse(Self.truncatedStream)) { base, http in
            try await Fake.drain(
                OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "k"), http: http)
                    .stream(ChatRequest(model: "gpt-4.1", messages: [.text(.user, "hi")])))
        }
        #expect(events.contains(.text("Lisbon in spring")))
        #expect(failure?.kind == .streamInterrupted)
    }

    @Test func droppedConnectionInterruptsTheStream() async throws {
        let (events, failure) = try await Fake.serve(.sseThenDrop(Self.truncatedStream)) { base, http in
            try await Fake.drain(
                OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "k"), http: http)
                    .stream(ChatRequest(model: "gpt-4.1", messages: [.text(.user, "hi")])))
        }
        #expect(events.contains(.text("Lisbon in spring")))
        #expect(failure?.kind == .streamInterrupted)
        // The transport saw the connection go, not a clean end of the body.
        #expect(failure?.message.hasPrefix("stream broke") == true, "\(String(describing: failure))")
    }

    // MARK: HTTP errors

    @Test func rateLimitHonoursRetryAfterMilliseconds() async throws {
        let body = #"{"error":{"message":"Rate limit reached for gpt-4.1 in organization org-x on tokens per min (TPM): Limit 30000, Used 29800, Requested 900. Please try again in 1.4s.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}"#
        let reply = Fake.Reply.json(body, status: 429, headers: ["retry-after-ms": "1400", "retry-after": "2"])
        for streaming in [false, true] {
            let failure = try await Fake.serve(reply) { base, http in
                await Fake.failure(of: OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "k"), http: http), streaming: streaming)
            }
            #expect(failure?.kind == .rateLimited)
            #expect(failure?.status == 429)
            #expect(failure?.retryAfter == .milliseconds(1400))
            #expect(failure?.message.hasPrefix("Rate limit reached for gpt-4.1") == true)
        }
    }

    @Test func serverErrorIsRetryable() async throws {
        let body = #"{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}"#
        let failure = try await Fake.serve(.json(body, status: 500)) { base, http in
            await Fake.failure(of: OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "k"), http: http), streaming: true)
        }
        #expect(failure?.kind == .serverError)
        #expect(failure?.kind.isRetryable == true)
        #expect(failure?.status == 500)
    }

    @Test func contextLengthExceeded() async throws {
        let body = #"{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#
        let failure = try await Fake.serve(.json(body, status: 400)) { base, http in
            await Fake.failure(of: OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "k"), http: http), streaming: false)
        }
        #expect(failure?.kind == .contextLengthExceeded)
        #expect(failure?.status == 400)
    }

    @Test func badKeyIsAnAuthenticationFailure() async throws {
        let body = #"{"error":{"message":"Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
        let failure = try await Fake.serve(.json(body, status: 401)) { base, http in
            await Fake.failure(of: OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "sk-test"), http: http), streaming: false)
        }
        #expect(failure?.kind == .authentication)
        #expect(failure?.message.hasPrefix("Incorrect API key provided") == true)
    }

    @Test func closedPortIsUnreachable() async throws {
        // By default async-http-client retries a refused connection until its connect
        // timeout (10 s); without retries the refusal surfaces at once.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        try await RefusingPort.with { port in
            let base = "http://127.0.0.1:\(port)/v1"
            for streaming in [false, true] {
                let failure = try await Fake.withHTTP(configuration) { http in
                    await Fake.failure(of: OpenAIChatClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "k"), http: http), streaming: streaming)
                }
                #expect(failure?.kind == .unreachable, "\(String(describing: failure))")
            }
        }
    }
}
