import TauCore
import Testing

@testable import TauProviders

@Suite struct AnthropicClientTests {
    typealias Fake = AnthropicFakeUpstream

    /// A conversation using every feature the request mapping handles.
    static let conversation = ChatRequest(
        model: "claude-sonnet-4-5-20250929",
        messages: [
            ChatMessage(role: .system, content: [.text("You are a terse weather assistant.", cacheBreakpoint: true)]),
            .text(.system, "Answer in English."),
            ChatMessage(
                role: .user,
                content: [
                    .text("What's the weather where this photo was taken?"),
                    .image(.base64(mediaType: "image/png", data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")),
                    .image(.url("https://upload.example.org/paris.jpg")),
                ]),
            ChatMessage(
                role: .assistant,
                content: [.text("Checking the forecast."), .thinking("It looks like Paris.", signature: "EqQBCgIYAhIMsig1")],
                toolCalls: [ToolCall(id: "toolu_01A", name: "get_weather", arguments: #"{"location": "Paris, France"}"#)]),
            ChatMessage(role: .tool, content: [.text("18°C, sunny")], toolCallID: "toolu_01A", name: "get_weather"),
            ChatMessage(role: .user, content: [.text("And tomorrow?", cacheBreakpoint: true)]),
        ],
        tools: [
            ToolDefinition(
                name: "get_weather", description: "Current weather for a place",
                parameters: ["type": "object", "properties": ["location": ["type": "string"]], "required": ["location"]])
        ],
        toolChoice: .auto, maxOutputTokens: 1024, temperature: 0.3, topP: 0.9, stop: ["\n\nHuman:"], user: "user-42")

    @Test func sendsTheConversationInAnthropicsShape() async throws {
        let received = try await Fake.run(.json(body: try Fake.fixture("anthropic-message-text.json"))) { client, log in
            _ = try await client.complete(Self.conversation)
            return await log.requests
        }
        let request = try #require(received.first)
        #expect(received.count == 1)
        #expect(request.path == "/v1/messages")
        #expect(request.headers["x-api-key"] == Fake.apiKey)
        #expect(request.headers["anthropic-version"] == "2023-06-01")
        #expect(request.headers["anthropic-beta"] == "interleaved-thinking-2025-05-14")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["authorization"] == nil)
        let ephemeral: JSONValue = ["type": "ephemeral"]
        let expected: JSONValue = [
            "model": "claude-sonnet-4-5-20250929",
            "max_tokens": 1024,
            "system": [
                ["type": "text", "text": "You are a terse weather assistant.", "cache_control": ephemeral],
                ["type": "text", "text": "Answer in English."],
            ],
            "messages": [
                [
                    "role": "user",
                    "content": [
                        ["type": "text", "text": "What's the weather where this photo was taken?"],
                        [
                            "type": "image",
                            "source": [
                                "type": "base64", "media_type": "image/png",
                                "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                            ],
                        ],
                        ["type": "image", "source": ["type": "url", "url": "https://upload.example.org/paris.jpg"]],
                    ],
                ],
                [
                    "role": "assistant",
                    "content": [
                        ["type": "thinking", "thinking": "It looks like Paris.", "signature": "EqQBCgIYAhIMsig1"],
                        ["type": "text", "text": "Checking the forecast."],
                        ["type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": ["location": "Paris, France"]],
                    ],
                ],
                [
                    "role": "user",
                    "content": [
                        ["type": "tool_result", "tool_use_id": "toolu_01A", "content": "18°C, sunny"],
                        ["type": "text", "text": "And tomorrow?", "cache_control": ephemeral],
                    ],
                ],
            ],
            "tools": [
                [
                    "name": "get_weather", "description": "Current weather for a place",
                    "input_schema": ["type": "object", "properties": ["location": ["type": "string"]], "required": ["location"]],
                ]
            ],
            "tool_choice": ["type": "auto"],
            "temperature": 0.3,
            "top_p": 0.9,
            "stop_sequences": ["\n\nHuman:"],
            "metadata": ["user_id": "user-42"],
        ]
        #expect(request.body == expected)
    }

    @Test func readsATextAnswerWithCacheUsage() async throws {
        let response = try await Fake.run(.json(body: try Fake.fixture("anthropic-message-text.json"))) { client, _ in
            try await client.complete(ChatRequest(model: "claude-sonnet-4-5-20250929", messages: [.text(.user, "Capital of Australia?")]))
        }
        #expect(response.id == "msg_01XFDUDYJgAACzvnptvVoYEL")
        #expect(response.model == "claude-sonnet-4-5-20250929")
        #expect(
            response.message
                == ChatMessage(
                    role: .assistant,
                    content: [.text("The capital of Australia is Canberra. It was chosen as a compromise between Sydney and Melbourne.")]))
        #expect(response.finishReason == .stop)
        #expect(
            response.usage == Usage(inputTokens: 21 + 188 + 1536, outputTokens: 24, cachedInputTokens: 1536, cacheWriteTokens: 188))
    }

    @Test func readsAToolUseAnswerAndSendsTheThinkingBudget() async throws {
        let request = ChatRequest(
            model: "claude-sonnet-4-5-20250929", messages: [.text(.user, "Weather in Paris?")],
            tools: [ToolDefinition(name: "get_weather")], maxOutputTokens: 2000, temperature: 0.7, reasoningEffort: "medium")
        let (response, received) = try await Fake.run(.json(body: try Fake.fixture("anthropic-message-tool-use.json"))) { client, log in
            (try await client.complete(request), await log.requests)
        }
        let body = try #require(received.first?.body)
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 4096])
        #expect(body["max_tokens"] == .number(2000 + 4096))
        #expect(body["temperature"] == nil)
        #expect(body["stream"] == nil)

        #expect(response.finishReason == .toolCalls)
        #expect(
            response.message.content == [
                .thinking(
                    "The user wants the weather in Paris. I should call get_weather with the city and a unit.",
                    signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"),
                .redactedThinking("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr"),
                .text("Let me look that up."),
            ])
        #expect(
            response.message.toolCalls == [
                ToolCall(id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", arguments: #"{"location":"Paris, France","unit":"celsius"}"#)
            ])
        #expect(response.usage == Usage(inputTokens: 412, outputTokens: 96))
    }

    @Test func streamsThinkingTextAndToolCalls() async throws {
        let request = ChatRequest(
            model: "claude-sonnet-4-5-20250929", messages: [.text(.user, "Weather and time in Paris?")],
            tools: [ToolDefinition(name: "get_weather"), ToolDefinition(name: "get_time")],
            options: ProviderOptions(thinkingBudgetTokens: 2048))
        let (drained, received) = try await Fake.run(.events(try Fake.fixture("anthropic-stream-thinking-tool.sse"))) { client, log in
            let stream = try await client.stream(request)
            return (await Fake.drain(stream), await log.requests)
        }
        #expect(drained.error == nil)
        let body = try #require(received.first?.body)
        #expect(body["stream"] == true)
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 2048])
        #expect(body["max_tokens"] == .number(Double(AnthropicClient.defaultMaxOutputTokens)))
        #expect(received.first?.headers["accept"] == "text/event-stream")

        #expect(drained.events.first == .start(id: "msg_01Vx2b6xGdRUbYK8ZpAZeN3m", model: "claude-sonnet-4-5-20250929"))
        #expect(drained.events.contains(.toolCallStart(index: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather")))
        #expect(drained.events.contains(.toolCallStart(index: 1, id: "toolu_01QYm8zRbnPHb4L9G6mhDqKc", name: "get_time")))
        var accumulator = ChatResponseAccumulator()
        for event in drained.events { accumulator.add(event) }
        let expected = ChatResponse(
            id: "msg_01Vx2b6xGdRUbYK8ZpAZeN3m", model: "claude-sonnet-4-5-20250929",
            message: ChatMessage(
                role: .assistant,
                content: [
                    .thinking(
                        "The user asks for the weather in Paris. I will call get_weather.",
                        signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"),
                    .text("Let me check the weather in Paris — un instant."),
                ],
                toolCalls: [
                    ToolCall(
                        id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather",
                        arguments: #"{"location": "Paris, France", "unit": "celsius"}"#),
                    ToolCall(id: "toolu_01QYm8zRbnPHb4L9G6mhDqKc", name: "get_time", arguments: "{}"),
                ]),
            finishReason: .toolCalls,
            usage: Usage(inputTokens: 472 + 2048, outputTokens: 89, cachedInputTokens: 2048))
        #expect(accumulator.response == expected)
    }

    @Test func rateLimitCarriesRetryAfter() async throws {
        let body = #"{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}"#
        let failures = try await Fake.run(.json(status: 429, body: body, headers: ["retry-after": "7"])) { client, _ in
            let request = ChatRequest(model: "claude-haiku-4-5-20251001", messages: [.text(.user, "hi")])
            return [
                await Self.failure { _ = try await client.complete(request) },
                await Self.failure { _ = try await client.stream(request) },
            ]
        }
        for failure in failures {
            #expect(failure?.kind == .rateLimited)
            #expect(failure?.status == 429)
            #expect(failure?.retryAfter == .seconds(7))
            #expect(failure?.message == "Number of request tokens has exceeded your per-minute rate limit")
        }
    }

    @Test func promptTooLongIsAContextLengthFailure() async throws {
        let body = #"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 250000 tokens > 200000 maximum"}}"#
        let failure = try await Fake.run(.json(status: 400, body: body)) { client, _ in
            await Self.failure { _ = try await client.complete(ChatRequest(model: "claude-opus-4-1", messages: [.text(.user, "…")])) }
        }
        #expect(failure?.kind == .contextLengthExceeded)
        #expect(failure?.status == 400)
        #expect(failure?.message == "prompt is too long: 250000 tokens > 200000 maximum")
    }

    @Test func overloadedIsARetryableServerError() async throws {
        let body = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}"#
        let failure = try await Fake.run(.json(status: 529, body: body)) { client, _ in
            await Self.failure { _ = try await client.stream(ChatRequest(model: "claude-opus-4-1", messages: [.text(.user, "hi")])) }
        }
        #expect(failure?.kind == .serverError)
        #expect(failure?.status == 529)
        #expect(failure?.kind.isRetryable == true)
    }

    @Test func errorEventAfterTextInterruptsTheStream() async throws {
        let drained = try await Fake.run(.events(try Fake.fixture("anthropic-stream-overloaded.sse"))) { client, _ in
            await Fake.drain(try await client.stream(ChatRequest(model: "claude-sonnet-4-5", messages: [.text(.user, "A story?")])))
        }
        #expect(drained.events.contains(.text("Once upon a time")))
        let failure = try #require(drained.error as? UpstreamFailure)
        #expect(failure.kind == .streamInterrupted)
        #expect(failure.message.contains("Overloaded"))
    }

    @Test func streamWithoutMessageStopIsInterrupted() async throws {
        let drained = try await Fake.run(.events(try Fake.fixture("anthropic-stream-truncated.sse"))) { client, _ in
            await Fake.drain(try await client.stream(ChatRequest(model: "claude-haiku-4-5", messages: [.text(.user, "Explain.")])))
        }
        #expect(drained.events.contains(.text("Half an ans")))
        #expect(!drained.events.contains { if case .finish = $0 { true } else { false } })
        let failure = try #require(drained.error as? UpstreamFailure)
        #expect(failure.kind == .streamInterrupted)
    }

    @Test func invalidToolArgumentsAreRefusedBeforeSending() async throws {
        let request = ChatRequest(
            model: "claude-sonnet-4-5",
            messages: [
                .text(.user, "Weather?"),
                ChatMessage(role: .assistant, toolCalls: [ToolCall(id: "toolu_1", name: "get_weather", arguments: "{\"location\": ")]),
                ChatMessage(role: .tool, content: [.text("sunny")], toolCallID: "toolu_1"),
            ])
        let (error, received) = try await Fake.run(.json(body: "{}")) { client, log in
            do {
                _ = try await client.complete(request)
                return (nil as ProviderError?, await log.requests)
            } catch let error as ProviderError {
                return (error, await log.requests)
            }
        }
        #expect(error?.code == "invalid_request")
        #expect(error?.message.contains("toolu_1") == true)
        #expect(received.isEmpty)
    }

    /// The `UpstreamFailure` thrown by `body`, nil if it succeeded or threw something else.
    static func failure(_ body: () async throws -> Void) async -> UpstreamFailure? {
        do {
            try await body()
            return nil
        } catch {
            return error as? UpstreamFailure
        }
    }
}
