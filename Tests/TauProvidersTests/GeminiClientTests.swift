import TauCore
import Testing

@testable import TauProviders

@Suite struct GeminiClientTests {
    static let textAnswer = #"{"candidates":[{"content":{"parts":[{"text":"Pack a light jacket."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":310,"candidatesTokenCount":6,"totalTokenCount":316},"modelVersion":"gemini-2.5-pro","responseId":"a1"}"#

    @Test func sendsTheConversationToolsAndConfigInGeminiShape() async throws {
        let request = ChatRequest(
            model: "models/gemini-2.5-pro",
            messages: [
                .text(.system, "You are a weather assistant."),
                .text(.user, "What's the weather in Oslo?"),
                ChatMessage(
                    role: .user,
                    content: [
                        .text("And what is in these pictures?"), .image(.url("data:image/png;base64,iVBORw0KGgo=")),
                        .image(.url("https://example.com/photos/fjord.JPG?size=large")),
                        .image(.base64(mediaType: "image/webp", data: "UklGRg==")),
                    ]),
                .text(.system, "Answer in metric units."),
                ChatMessage(
                    role: .assistant, content: [.thinking("I need the weather tool.", signature: "gemini:c2lnLUE="), .text("Checking.")],
                    toolCalls: [
                        ToolCall(id: "call_r1_0", name: "get_weather", arguments: #"{"city":"Oslo"}"#),
                        ToolCall(id: "call_r1_1", name: "get_local_time", arguments: #"{"timezone":"Europe/Oslo"}"#),
                    ]),
                ChatMessage(role: .tool, content: [.text(#"{"temperature":21,"conditions":"sunny"}"#)], toolCallID: "call_r1_0"),
                ChatMessage(role: .tool, content: [.text("14:05")], toolCallID: "call_r1_1", name: "get_local_time"),
                .text(.user, "Thanks! What should I pack?"),
            ],
            tools: [
                ToolDefinition(
                    name: "get_weather", description: "Current weather for a city",
                    parameters: [
                        "$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                        "properties": [
                            "city": ["type": "string", "description": "City name"],
                            "unit": ["type": ["string", "null"], "enum": ["celsius", "fahrenheit"]],
                        ],
                        "required": ["city"], "additionalProperties": false,
                    ]),
                ToolDefinition(
                    name: "get_local_time",
                    parameters: ["type": "object", "properties": ["timezone": ["type": "string"]], "required": ["timezone"]]),
                ToolDefinition(name: "ping", description: "Checks the service"),
            ],
            toolChoice: .tool("get_weather"), maxOutputTokens: 2048, temperature: 0.4, topP: 0.9, stop: ["END"],
            reasoningEffort: "medium", parallelToolCalls: true, user: "user-17")

        try await GeminiFakeUpstream.run({ _ in .json(Self.textAnswer) }) { client, log in
            let response = try await client.complete(request)
            #expect(response.message.text == "Pack a light jacket.")

            let sent = try #require(log.all.first)
            #expect(sent.path == "/v1beta/models/gemini-2.5-pro:generateContent")
            #expect(sent.query == nil)
            #expect(sent.headers["x-goog-api-key"] == GeminiFakeUpstream.apiKey)
            #expect(sent.headers["x-goog-user-project"] == "tau-tests")
            #expect(sent.headers["content-type"] == "application/json")
            #expect(sent.headers["authorization"] == nil)

            let expected: JSONValue = [
                "systemInstruction": ["parts": [["text": "You are a weather assistant."], ["text": "Answer in metric units."]]],
                "contents": [
                    [
                        "role": "user",
                        "parts": [
                            ["text": "What's the weather in Oslo?"], ["text": "And what is in these pictures?"],
                            ["inlineData": ["mimeType": "image/png", "data": "iVBORw0KGgo="]],
                            [
                                "fileData": [
                                    "fileUri": "https://example.com/photos/fjord.JPG?size=large", "mimeType": "image/jpeg",
                                ]
                            ],
                            ["inlineData": ["mimeType": "image/webp", "data": "UklGRg=="]],
                        ],
                    ],
                    [
                        "role": "model",
                        "parts": [
                            ["text": "Checking."],
                            ["functionCall": ["name": "get_weather", "args": ["city": "Oslo"]], "thoughtSignature": "c2lnLUE="],
                            ["functionCall": ["name": "get_local_time", "args": ["timezone": "Europe/Oslo"]]],
                        ],
                    ],
                    [
                        "role": "user",
                        "parts": [
                            [
                                "functionResponse": [
                                    "name": "get_weather", "response": ["temperature": 21, "conditions": "sunny"],
                                ]
                            ],
                            ["functionResponse": ["name": "get_local_time", "response": ["result": "14:05"]]],
                            ["text": "Thanks! What should I pack?"],
                        ],
                    ],
                ],
                "tools": [
                    [
                        "functionDeclarations": [
                            [
                                "name": "get_weather", "description": "Current weather for a city",
                                "parameters": [
                                    "type": "OBJECT",
                                    "properties": [
                                        "city": ["type": "STRING", "description": "City name"],
                                        "unit": ["type": "STRING", "nullable": true, "enum": ["celsius", "fahrenheit"]],
                                    ],
                                    "required": ["city"],
                                ],
                            ],
                            [
                                "name": "get_local_time",
                                "parameters": [
                                    "type": "OBJECT", "properties": ["timezone": ["type": "STRING"]], "required": ["timezone"],
                                ],
                            ],
                            ["name": "ping", "description": "Checks the service"],
                        ]
                    ]
                ],
                "toolConfig": ["functionCallingConfig": ["mode": "ANY", "allowedFunctionNames": ["get_weather"]]],
                "generationConfig": [
                    "maxOutputTokens": 2048, "temperature": 0.4, "topP": 0.9, "stopSequences": ["END"],
                    "thinkingConfig": ["thinkingBudget": 8192, "includeThoughts": true],
                ],
            ]
            #expect(sent.body == expected)
        }
    }

    @Test func cachedContentLeavesOutWhatTheCacheHoldsAndGeminiIDsGoBack() async throws {
        let request = ChatRequest(
            model: "gemini-3-pro-preview",
            messages: [
                .text(.system, "Cached system prompt that must not be sent again."),
                .text(.user, "Summarise chapter 2."),
                ChatMessage(
                    role: .assistant, toolCalls: [ToolCall(id: "fc-7Hq2", name: "read_chapter", arguments: #"{"n":2}"#)]),
                ChatMessage(role: .tool, content: [.text("[1,2,3]")], toolCallID: "fc-7Hq2"),
            ],
            tools: [ToolDefinition(name: "read_chapter", parameters: ["type": "object", "properties": ["n": ["type": "integer"]]])],
            toolChoice: .auto, reasoningEffort: "high",
            options: ProviderOptions(geminiCachedContent: "cachedContents/4kd8s0x2lq", thinkingBudgetTokens: 2000))
        let answer = GeminiFakeUpstream.events([
            #"{"candidates":[{"content":{"parts":[{"text":"Chapter 2 covers the voyage."}],"role":"model"},"finishReason":"STOP","index":0}],"modelVersion":"gemini-3-pro-preview","responseId":"r2"}"#
        ])
        try await GeminiFakeUpstream.run({ _ in .events(answer) }) { client, log in
            let result = await GeminiFakeUpstream.drain(try await client.stream(request))
            #expect(result.error == nil)

            let sent = try #require(log.all.first)
            #expect(sent.path == "/v1beta/models/gemini-3-pro-preview:streamGenerateContent")
            #expect(sent.query == "alt=sse")
            #expect(sent.headers["accept"] == "text/event-stream")
            let expected: JSONValue = [
                "cachedContent": "cachedContents/4kd8s0x2lq",
                "contents": [
                    ["role": "user", "parts": [["text": "Summarise chapter 2."]]],
                    [
                        "role": "model",
                        "parts": [
                            [
                                "functionCall": ["name": "read_chapter", "args": ["n": 2], "id": "fc-7Hq2"],
                                "thoughtSignature": "skip_thought_signature_validator",
                            ]
                        ],
                    ],
                    [
                        "role": "user",
                        "parts": [
                            ["functionResponse": ["name": "read_chapter", "id": "fc-7Hq2", "response": ["result": "[1,2,3]"]]]
                        ],
                    ],
                ],
                "generationConfig": ["thinkingConfig": ["thinkingBudget": 2000, "includeThoughts": true]],
            ]
            #expect(sent.body == expected)
        }
    }

    @Test func decodesATextAnswerWithThoughtsAndCachedUsage() async throws {
        let fixture = try GeminiFakeUpstream.fixture("gemini-text-response", "json")
        try await GeminiFakeUpstream.run({ _ in .json(fixture) }) { client, _ in
            let response = try await client.complete(
                ChatRequest(model: "gemini-2.5-flash", messages: [.text(.user, "How warm is Oslo in July?")]))
            #expect(response.id == "kX9yaPqYAeOWz7IP3t2xgQ4")
            #expect(response.model == "gemini-2.5-flash")
            #expect(response.finishReason == .stop)
            #expect(response.message.role == .assistant)
            #expect(
                response.message.text
                    == "In July, Oslo's average daytime high is about 22 °C, with nights around 13 °C. Warm spells above 28 °C happen most summers."
            )
            let thinking = try #require(response.message.content.first)
            guard case .thinking(let thought, let signature) = thinking else {
                Issue.record("expected a thinking part first, got \(thinking)")
                return
            }
            #expect(thought.hasPrefix("**Recalling Oslo's summer climate**"))
            #expect(signature == nil)
            #expect(response.message.toolCalls.isEmpty)
            #expect(
                response.usage
                    == Usage(inputTokens: 2104, outputTokens: 443, cachedInputTokens: 2048, reasoningTokens: 412))
        }
    }

    @Test func decodesFunctionCallsAndSendsTheirSignatureBack() async throws {
        let fixture = try GeminiFakeUpstream.fixture("gemini-function-call-response", "json")
        try await GeminiFakeUpstream.run({ recorded in
            recorded.body["contents"]?.arrayValue?.count == 1 ? .json(fixture) : .json(Self.textAnswer)
        }) { client, log in
            let question = ChatMessage.text(.user, "Weather and time in Oslo?")
            let tools = [
                ToolDefinition(name: "get_weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]]]),
                ToolDefinition(name: "get_local_time", parameters: ["type": "object", "properties": ["timezone": ["type": "string"]]]),
            ]
            let first = try await client.complete(ChatRequest(model: "gemini-3-pro-preview", messages: [question], tools: tools))
            #expect(first.finishReason == .toolCalls)
            #expect(first.id == "Zn1yaNzKG-2mz7IP0r-TsQs")
            #expect(first.model == "gemini-3-pro-preview")
            #expect(
                first.message.toolCalls == [
                    ToolCall(id: "call_Zn1yaNzKG-2mz7IP0r-TsQs_0", name: "get_weather", arguments: #"{"city":"Oslo","unit":"celsius"}"#),
                    ToolCall(id: "call_Zn1yaNzKG-2mz7IP0r-TsQs_1", name: "get_local_time", arguments: #"{"timezone":"Europe/Oslo"}"#),
                ])
            let signature =
                "CtwCAdHtim9Ks2PzK6yDqkkyJb3cUjGvFc0tM1rOYLhHCpd4J0Kb0QmW7CZl+7qoy9B3Zk2N0o5vhEp1l3T6qYw2w=="
            // Kept with Gemini's prefix, so that it only ever goes back to Gemini.
            #expect(first.message.content == [.thinking("", signature: "gemini:" + signature)])
            #expect(first.usage == Usage(inputTokens: 161, outputTokens: 173, reasoningTokens: 131))

            let history = [
                question, first.message,
                ChatMessage(role: .tool, content: [.text(#"{"temperature":19}"#)], toolCallID: first.message.toolCalls[0].id),
                ChatMessage(role: .tool, content: [.text("21:40")], toolCallID: first.message.toolCalls[1].id),
            ]
            _ = try await client.complete(ChatRequest(model: "gemini-3-pro-preview", messages: history, tools: tools))
            let sent = try #require(log.all.last)
            let contents = try #require(sent.body["contents"]?.arrayValue)
            #expect(
                contents[1]
                    == [
                        "role": "model",
                        "parts": [
                            [
                                "functionCall": ["name": "get_weather", "args": ["city": "Oslo", "unit": "celsius"]],
                                "thoughtSignature": .string(signature),
                            ],
                            ["functionCall": ["name": "get_local_time", "args": ["timezone": "Europe/Oslo"]]],
                        ],
                    ])
            #expect(
                contents[2]
                    == [
                        "role": "user",
                        "parts": [
                            ["functionResponse": ["name": "get_weather", "response": ["temperature": 19]]],
                            ["functionResponse": ["name": "get_local_time", "response": ["result": "21:40"]]],
                        ],
                    ])
        }
    }

    @Test func aBlockedPromptIsAContentFilterStopWithNoContent() async throws {
        let fixture = try GeminiFakeUpstream.fixture("gemini-prompt-blocked", "json")
        try await GeminiFakeUpstream.run({ _ in .json(fixture) }) { client, _ in
            let response = try await client.complete(ChatRequest(model: "gemini-2.5-flash", messages: [.text(.user, "…")]))
            #expect(response.finishReason == .contentFilter)
            #expect(response.message.content.isEmpty)
            #expect(response.message.toolCalls.isEmpty)
            #expect(response.id == "qYJyaNbpAtqWz7IPn-mQuQc")
            #expect(response.usage == Usage(inputTokens: 23))
        }
    }

    @Test func resourceExhaustedIsRateLimitedWithTheRetryInfoDelay() async throws {
        // Passes once UpstreamHTTP.failure(status:headers:body:) falls back to
        // GeminiFormat.retryDelay(inError:) when there is no Retry-After header.
        let fixture = try GeminiFakeUpstream.fixture("gemini-error-429", "json")
        try await GeminiFakeUpstream.run({ _ in .json(fixture, status: 429) }) { client, _ in
            let failure = try await #require(throws: UpstreamFailure.self) {
                try await client.complete(ChatRequest(model: "gemini-2.5-flash", messages: [.text(.user, "hi")]))
            }
            #expect(failure.kind == .rateLimited)
            #expect(failure.status == 429)
            #expect(failure.message.hasPrefix("You exceeded your current quota"))
            #expect(failure.retryAfter == .seconds(13))
        }
    }

    @Test func aRetryAfterHeaderWinsOverRetryInfo() async throws {
        let fixture = try GeminiFakeUpstream.fixture("gemini-error-429", "json")
        try await GeminiFakeUpstream.run({ _ in .json(fixture, status: 429, headers: ["Retry-After": "7"]) }) { client, _ in
            let failure = try await #require(throws: UpstreamFailure.self) {
                _ = try await client.stream(ChatRequest(model: "gemini-2.5-flash", messages: [.text(.user, "hi")]))
            }
            #expect(failure.kind == .rateLimited)
            #expect(failure.retryAfter == .seconds(7))
        }
    }

    @Test func anOversizedPromptIsContextLengthExceeded() async throws {
        let fixture = try GeminiFakeUpstream.fixture("gemini-error-context-length", "json")
        try await GeminiFakeUpstream.run({ _ in .json(fixture, status: 400) }) { client, _ in
            let failure = try await #require(throws: UpstreamFailure.self) {
                try await client.complete(ChatRequest(model: "gemini-2.5-pro", messages: [.text(.user, "…")]))
            }
            #expect(failure.kind == .contextLengthExceeded)
            #expect(failure.status == 400)
            #expect(failure.message == "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).")
        }
    }
}
