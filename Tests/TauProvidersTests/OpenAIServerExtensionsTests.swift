import Foundation
import TauCore
import TauTesting
import Testing

@testable import TauProviders

/// Provider features OpenAI's request shape has no field for, read from the fields
/// LiteLLM-style clients send: Anthropic `cache_control` and `thinking`, Gemini `cached_content`.
@Suite struct OpenAIServerExtensionsTests {
    static func decode(_ text: String) throws -> ChatRequest {
        try OpenAIChatFormat.decodeRequest(try JSONValue(parsing: text)).request
    }

    @Test func cacheControlThinkingAndCachedContentAreRead() throws {
        let request = try Self.decode(
            #"""
            {"model": "m",
             "messages": [
               {"role": "system", "content": [{"type": "text", "text": "A long handbook.", "cache_control": {"type": "ephemeral"}}]},
               {"role": "user", "content": "First question", "cache_control": {"type": "ephemeral"}},
               {"role": "user", "content": [{"type": "text", "text": "Second"}]}],
             "thinking": {"type": "enabled", "budget_tokens": 2048},
             "cached_content": "cachedContents/abc123"}
            """#)
        #expect(request.messages[0].content == [.text("A long handbook.", cacheBreakpoint: true)])
        #expect(request.messages[1].content == [.text("First question", cacheBreakpoint: true)])
        #expect(request.messages[2].content == [.text("Second")])
        #expect(request.options.thinkingBudgetTokens == 2048)
        #expect(request.options.geminiCachedContent == "cachedContents/abc123")
        let off = try Self.decode(#"{"model": "m", "messages": [{"role": "user", "content": "Hi"}], "thinking": {"type": "disabled"}}"#)
        #expect(off.options.thinkingBudgetTokens == 0)
    }

    @Test(arguments: [
        #""messages": [{"role": "user", "content": "Hi", "cache_control": {"type": "forever"}}]"#,
        #""messages": [{"role": "user", "content": "Hi"}], "thinking": {"type": "enabled"}"#,
        #""messages": [{"role": "user", "content": "Hi"}], "thinking": {"type": "max"}"#,
        #""messages": [{"role": "user", "content": "Hi"}], "cached_content": "my-cache""#,
    ])
    func malformedExtensionsAreRefused(fields: String) throws {
        let error = #expect(throws: ProviderError.self) { try Self.decode(#"{"model": "m", "# + fields + "}") }
        #expect(error?.code == "invalid_request")
    }

    @Test func anAnthropicRouteGetsTheBreakpointsAndTheBudget() async throws {
        let request = try Self.decode(
            #"""
            {"model": "claude-sonnet-4-5", "max_tokens": 1000,
             "messages": [
               {"role": "system", "content": [{"type": "text", "text": "A long handbook.", "cache_control": {"type": "ephemeral"}}]},
               {"role": "user", "content": "Question", "cache_control": {"type": "ephemeral"}}],
             "thinking": {"type": "enabled", "budget_tokens": 2048}}
            """#)
        let received = try await AnthropicFakeUpstream.run(.json(body: try AnthropicFakeUpstream.fixture("anthropic-message-text.json"))) {
            client, log in
            _ = try await client.complete(request)
            return await log.requests
        }
        let body = try #require(received.first).body
        #expect(body["system"] == [["type": "text", "text": "A long handbook.", "cache_control": ["type": "ephemeral"]]])
        #expect(
            body["messages"] == [["role": "user", "content": [["type": "text", "text": "Question", "cache_control": ["type": "ephemeral"]]]]])
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 2048])
        // The budget does not fit under max_tokens, so it is added on top.
        #expect(body["max_tokens"] == 3048)
    }

    /// A streamed Claude answer with thinking and tool calls goes out as OpenAI chunks with
    /// `thinking_blocks`; the caller sends the assistant turn back with them and the tool
    /// results; the next Anthropic request carries the signed block first, and thinking stays on.
    @Test func signedThinkingRoundTripsThroughTheOpenAIFormat() async throws {
        let signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"
        let first = ChatRequest(
            model: "claude-sonnet-4-5", messages: [.text(.user, "Weather and time in Paris?")],
            tools: [ToolDefinition(name: "get_weather"), ToolDefinition(name: "get_time")], reasoningEffort: "medium")
        let events = try await AnthropicFakeUpstream.run(.events(try AnthropicFakeUpstream.fixture("anthropic-stream-thinking-tool.sse"))) {
            client, _ in
            try await AnthropicFakeUpstream.drain(try await client.stream(first)).events
        }
        var encoder = OpenAIChatFormat.ChunkEncoder(id: "chatcmpl-1", model: "claude-sonnet-4-5", created: 0, includeUsage: false)
        let deltas = events.flatMap { encoder.chunks(for: $0) }.compactMap { $0["choices"]?.arrayValue?.first?["delta"] }
        let blocks = deltas.compactMap { $0["thinking_blocks"]?.arrayValue }.flatMap { $0 }
        #expect(
            blocks == [
                ["type": "thinking", "thinking": "The user asks for the weather in Paris. I will call get_weather.", "signature": .string(signature)]
            ])
        let reasoning = deltas.compactMap { $0["reasoning_content"]?.stringValue }.joined()
        #expect(reasoning == "The user asks for the weather in Paris. I will call get_weather.")

        // The caller's next request, as an agent loop replays the assistant message.
        let next: JSONValue = [
            "model": "claude-sonnet-4-5", "reasoning_effort": "medium",
            "messages": [
                ["role": "user", "content": "Weather and time in Paris?"],
                [
                    "role": "assistant", "content": nil, "thinking_blocks": .array(blocks),
                    "tool_calls": [["id": "toolu_1", "type": "function", "function": ["name": "get_weather", "arguments": #"{"city":"Paris"}"#]]],
                ],
                ["role": "tool", "tool_call_id": "toolu_1", "content": "18 °C, clear"],
            ],
        ]
        let decoded = try OpenAIChatFormat.decodeRequest(next).request
        let body = try AnthropicFormat.encode(decoded, stream: false, defaultMaxTokens: 8192)
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 4096])
        let assistant = try #require(body["messages"]?.arrayValue?[1]["content"]?.arrayValue)
        #expect(assistant.first?["type"] == "thinking")
        #expect(assistant.first?["signature"] == .string(signature))
        #expect(assistant.last?["type"] == "tool_use")
    }

    @Test func aWholeAnswerCarriesItsSignedThinkingBlocks() {
        let response = ChatResponse(
            id: "msg_1", model: "claude-sonnet-4-5",
            message: ChatMessage(role: .assistant, content: [.thinking("Plan.", signature: "c2ln"), .thinking("unsigned"), .text("Done.")]),
            finishReason: .stop, usage: Usage())
        let message = OpenAIChatFormat.encodeResponse(response, id: "chatcmpl-1", model: "m", created: 0)["choices"]?.arrayValue?.first?["message"]
        #expect(message?["reasoning_content"] == "Plan.unsigned")
        #expect(message?["thinking_blocks"] == [["type": "thinking", "thinking": "Plan.", "signature": "c2ln"]])
    }

    /// Redacted thinking keeps its place among the thinking blocks, streamed and whole, and
    /// goes back to Anthropic unchanged; it also counts as signed reasoning for the tool turn.
    @Test func redactedThinkingRoundTripsInOrder() async throws {
        let sse = [
            #"{"type":"message_start","message":{"id":"msg_r","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":40,"output_tokens":1}}}"#,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Checking the tool."}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"c2lnLTE="}}"#,
            #"{"type":"content_block_stop","index":0}"#,
            #"{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4a"}}"#,
            #"{"type":"content_block_stop","index":1}"#,
            #"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_9","name":"lookup","input":{}}}"#,
            #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"q\":\"tides\"}"}}"#,
            #"{"type":"content_block_stop","index":2}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}}"#,
            #"{"type":"message_stop"}"#,
        ].map { "event: x\ndata: \($0)\n\n" }.joined()
        let request = ChatRequest(model: "claude-sonnet-4-5", messages: [.text(.user, "Tides?")], reasoningEffort: "low")
        let events = try await AnthropicFakeUpstream.run(.events(sse)) { client, _ in
            try await AnthropicFakeUpstream.drain(try await client.stream(request)).events
        }
        var accumulator = ChatResponseAccumulator()
        for event in events { accumulator.add(event) }
        #expect(
            accumulator.response.message.content == [
                .thinking("Checking the tool.", signature: "c2lnLTE="), .redactedThinking("EmwKAhgBEgy3va3pzix/LafPsn4a"),
            ])

        var encoder = OpenAIChatFormat.ChunkEncoder(id: "chatcmpl-1", model: "m", created: 0, includeUsage: false)
        let blocks = events.flatMap { encoder.chunks(for: $0) }
            .compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["thinking_blocks"]?.arrayValue }.flatMap { $0 }
        let expected: JSONValue = [
            ["type": "thinking", "thinking": "Checking the tool.", "signature": "c2lnLTE="],
            ["type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4a"],
        ]
        #expect(JSONValue.array(blocks) == expected)
        let whole = OpenAIChatFormat.encodeResponse(accumulator.response, id: "chatcmpl-1", model: "m", created: 0)
        #expect(whole["choices"]?.arrayValue?.first?["message"]?["thinking_blocks"] == expected)

        let next: JSONValue = [
            "model": "claude-sonnet-4-5", "reasoning_effort": "low",
            "messages": [
                ["role": "user", "content": "Tides?"],
                [
                    "role": "assistant", "content": nil, "thinking_blocks": expected,
                    "tool_calls": [["id": "toolu_9", "type": "function", "function": ["name": "lookup", "arguments": #"{"q":"tides"}"#]]],
                ],
                ["role": "tool", "tool_call_id": "toolu_9", "content": "14:05"],
            ],
        ]
        let body = try AnthropicFormat.encode(try OpenAIChatFormat.decodeRequest(next).request, stream: false, defaultMaxTokens: 8192)
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 1024])
        let assistant = try #require(body["messages"]?.arrayValue?[1]["content"]?.arrayValue)
        #expect(assistant.map { $0["type"] } == ["thinking", "redacted_thinking", "tool_use"])
        #expect(assistant[1]["data"] == "EmwKAhgBEgy3va3pzix/LafPsn4a")
    }

    @Test func aWholeAnthropicAnswerKeepsItsRedactedThinking() throws {
        let json = try JSONValue(
            parsing: #"""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_reason":"end_turn",
                 "content":[{"type":"redacted_thinking","data":"EmwKAhgB"},{"type":"thinking","thinking":"Then this.","signature":"c2ln"},
                            {"type":"text","text":"Done."}],
                 "usage":{"input_tokens":10,"output_tokens":5}}
                """#)
        let response = try AnthropicFormat.decodeResponse(json)
        #expect(response.message.content == [.redactedThinking("EmwKAhgB"), .thinking("Then this.", signature: "c2ln"), .text("Done.")])
    }

    /// After a fallback between Claude and Gemini, each provider only gets back its own
    /// signatures: Anthropic would refuse Gemini's, and Gemini Anthropic's.
    @Test func signaturesOnlyGoBackToTheProviderThatIssuedThem() throws {
        let call = ToolCall(id: "call_1", name: "lookup", arguments: #"{"q":"tides"}"#)
        let fromGemini = ChatRequest(
            model: "m",
            messages: [
                .text(.user, "Tides?"),
                ChatMessage(role: .assistant, content: [.thinking("", signature: ReasoningSignature.geminiPrefix + "R2VtaW5p")], toolCalls: [call]),
                ChatMessage(role: .tool, content: [.text("14:05")], toolCallID: "call_1"),
            ],
            reasoningEffort: "low")
        let anthropic = try AnthropicFormat.encode(fromGemini, stream: false, defaultMaxTokens: 8192)
        #expect(anthropic["thinking"] == nil)
        #expect(anthropic["messages"]?.arrayValue?[1]["content"]?.arrayValue?.map { $0["type"] } == ["tool_use"])

        var fromClaude = fromGemini
        fromClaude.messages[1].content = [.thinking("Look it up.", signature: "QW50aHJvcGlj")]
        let gemini = GeminiFormat.contents(fromClaude.messages, model: "gemini-3-pro-preview")
        let callPart = gemini[1]["parts"]?.arrayValue?.last
        #expect(callPart?["thoughtSignature"] == .string(GeminiFormat.placeholderSignature))
    }
}

extension OpenAIServerExtensionsTests {
    /// The gateway's server-sent events are the chunks' canonical JSON, byte for byte, also
    /// where a text delta is written straight into the bytes.
    @Test func sseBytesAreTheChunksCanonicalJSON() {
        let events: [StreamEvent] = [
            .start(id: "u", model: "m"), .text("Hel"), .text("lo \"quoted\" \\ back\u{1}slash"), .text(""), .text("é 日本 🙂\n\t"),
            .toolCallStart(index: 0, id: "call_1", name: "f"), .toolCallArguments(index: 0, fragment: "{\"a\":1}"),
            .text("</script>\u{2028}"), .usage(Usage(inputTokens: 5, outputTokens: 7)), .finish(.toolCalls),
        ]
        for (id, model) in [("chatcmpl-1", "gpt-4.1-mini"), ("chatcmpl-\u{e9}\"", "m/\u{1F600}")] {
            var generic = OpenAIChatFormat.ChunkEncoder(id: id, model: model, created: 1_733_400_000, includeUsage: true)
            var fast = generic
            var expected: [UInt8] = []
            var bytes: [UInt8] = []
            for event in events {
                for chunk in generic.chunks(for: event) { expected += Array("data: ".utf8) + chunk.canonicalBytes() + Array("\n\n".utf8) }
                fast.appendSSE(for: event, to: &bytes)
            }
            for chunk in generic.closingChunks() { expected += Array("data: ".utf8) + chunk.canonicalBytes() + Array("\n\n".utf8) }
            fast.appendClosingSSE(to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            #expect(fast.usage == generic.usage && fast.finishReason == generic.finishReason)
        }
    }
}
