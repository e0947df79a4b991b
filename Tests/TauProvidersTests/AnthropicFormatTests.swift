import TauCore
import Testing

@testable import TauProviders

@Suite struct AnthropicFormatTests {
    static func body(_ request: ChatRequest, stream: Bool = false) throws -> JSONValue {
        try AnthropicFormat.encode(request, stream: stream, defaultMaxTokens: 8192)
    }

    static func request(_ messages: [ChatMessage] = [.text(.user, "hi")], tools: [ToolDefinition] = [ToolDefinition(name: "lookup")]) -> ChatRequest {
        ChatRequest(model: "claude-sonnet-4-5", messages: messages, tools: tools)
    }

    @Test func mapsToolChoices() throws {
        var request = Self.request()
        #expect(try Self.body(request)["tool_choice"] == nil)
        request.toolChoice = .required
        #expect(try Self.body(request)["tool_choice"] == ["type": "any"])
        request.toolChoice = ToolChoice.none
        #expect(try Self.body(request)["tool_choice"] == ["type": "none"])
        request.toolChoice = .tool("lookup")
        request.parallelToolCalls = false
        #expect(try Self.body(request)["tool_choice"] == ["type": "tool", "name": "lookup", "disable_parallel_tool_use": true])
        request.toolChoice = nil
        #expect(try Self.body(request)["tool_choice"] == ["type": "auto", "disable_parallel_tool_use": true])
    }

    @Test func thinkingBudgetRules() throws {
        var request = Self.request()
        request.reasoningEffort = "high"
        request.topP = 0.97
        request.temperature = 0.2
        var body = try Self.body(request)
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 16384])
        #expect(body["max_tokens"] == .number(8192 + 16384))
        #expect(body["top_p"] == 0.97)
        #expect(body["temperature"] == nil)

        request.maxOutputTokens = 32000
        #expect(try Self.body(request)["max_tokens"] == 32000)

        request.options.thinkingBudgetTokens = 100  // below Anthropic's minimum
        #expect(try Self.body(request)["thinking"]?["budget_tokens"] == 1024)

        request.options.thinkingBudgetTokens = 0
        body = try Self.body(request)
        #expect(body["thinking"] == nil)
        #expect(body["temperature"] == 0.2)

        request.options.thinkingBudgetTokens = nil
        request.reasoningEffort = "minimal"
        #expect(try Self.body(request)["thinking"] == nil)

        request.reasoningEffort = "low"
        request.toolChoice = .tool("lookup")  // forced tool use and thinking exclude each other
        #expect(try Self.body(request)["thinking"] == nil)
    }

    @Test func aToolLoopWithoutTheSignedThinkingContinuesWithoutThinking() throws {
        let call = ToolCall(id: "toolu_1", name: "lookup", arguments: #"{"q":"tides"}"#)
        var request = ChatRequest(
            model: "claude-sonnet-4-5",
            messages: [
                .text(.user, "When is high tide?"),
                // As an OpenAI-format client sends it back: the reasoning text, no signature.
                ChatMessage(role: .assistant, content: [.thinking("I should look it up.")], toolCalls: [call]),
                ChatMessage(role: .tool, content: [.text("14:05")], toolCallID: "toolu_1"),
            ],
            reasoningEffort: "medium")
        // Anthropic would refuse thinking here ("a final assistant message must start with a thinking block").
        var body = try Self.body(request)
        #expect(body["thinking"] == nil)
        #expect(body["messages"]?.arrayValue?[1]["content"]?.arrayValue?.first?["type"] == "tool_use")

        // With the signed block sent back, thinking stays on and the block leads the turn.
        request.messages[1].content = [.thinking("I should look it up.", signature: "EqQBCkYIBxgCKkB")]
        body = try Self.body(request)
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 4096])
        #expect(body["messages"]?.arrayValue?[1]["content"]?.arrayValue?.first?["signature"] == "EqQBCkYIBxgCKkB")

        // A new user turn after the loop: the unsigned turn is history, but the rule is kept simple and safe.
        request.messages[1].content = []
        request.messages.append(.text(.user, "And low tide?"))
        #expect(try Self.body(request)["thinking"] == nil)
    }

    @Test func mergesTurnsAndDropsWhatAnthropicRefuses() throws {
        let body = try Self.body(
            Self.request([
                .text(.user, "first"),
                .text(.user, ""),
                ChatMessage(role: .user, content: [.image(.url("data:image/jpeg;base64,/9j/4AAQ"))]),
                ChatMessage(role: .assistant, content: [.thinking("from another provider"), .text("")]),
                ChatMessage(role: .assistant, content: [.thinking("kept", signature: "sig"), .text("answer")]),
                .text(.system, "late system note"),
            ]))
        #expect(body["system"] == [["type": "text", "text": "late system note"]])
        #expect(
            body["messages"] == [
                [
                    "role": "user",
                    "content": [
                        ["type": "text", "text": "first"],
                        ["type": "image", "source": ["type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"]],
                    ],
                ],
                [
                    "role": "assistant",
                    "content": [["type": "thinking", "thinking": "kept", "signature": "sig"], ["type": "text", "text": "answer"]],
                ],
            ])
    }

    @Test func toolResultsOpenTheUserTurnAndMayCarryImages() throws {
        let body = try Self.body(
            Self.request([
                .text(.user, "look"),
                ChatMessage(role: .assistant, toolCalls: [ToolCall(id: "t1", name: "lookup", arguments: "")]),
                .text(.user, "also this"),
                ChatMessage(
                    role: .tool, content: [.text("chart", cacheBreakpoint: true), .image(.base64(mediaType: "image/png", data: "AAAA"))],
                    toolCallID: "t1"),
            ]))
        let turns = try #require(body["messages"]?.arrayValue)
        #expect(turns.count == 3)
        #expect(turns[1]["content"] == [["type": "tool_use", "id": "t1", "name": "lookup", "input": [:]]])
        #expect(
            turns[2]["content"] == [
                [
                    "type": "tool_result", "tool_use_id": "t1", "cache_control": ["type": "ephemeral"],
                    "content": [
                        ["type": "text", "text": "chart"],
                        ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "AAAA"]],
                    ],
                ],
                ["type": "text", "text": "also this"],
            ])
    }

    @Test func refusesBadToolMessages() {
        let missingID = Self.request([.text(.user, "x"), ChatMessage(role: .tool, content: [.text("y")])])
        #expect(throws: ProviderError.self) { try Self.body(missingID) }
        let arrayArguments = Self.request([
            .text(.user, "x"), ChatMessage(role: .assistant, toolCalls: [ToolCall(id: "t", name: "lookup", arguments: "[1]")]),
        ])
        let error = #expect(throws: ProviderError.self) { try Self.body(arrayArguments) }
        #expect(error?.code == "invalid_request")
    }

    @Test func mapsStopReasons() {
        #expect(AnthropicFormat.finishReason("end_turn") == .stop)
        #expect(AnthropicFormat.finishReason("stop_sequence") == .stop)
        #expect(AnthropicFormat.finishReason("pause_turn") == .stop)
        #expect(AnthropicFormat.finishReason("max_tokens") == .length)
        #expect(AnthropicFormat.finishReason("tool_use") == .toolCalls)
        #expect(AnthropicFormat.finishReason("refusal") == .contentFilter)
        #expect(AnthropicFormat.finishReason("something_new") == nil)
    }
}

@Suite struct AnthropicStreamDecoderTests {
    static func decodeAll(_ text: String, pieceSize: Int) throws -> [StreamEvent] {
        var parser = SSEParser()
        var decoder = AnthropicStreamDecoder()
        var events: [StreamEvent] = []
        for piece in AnthropicFakeUpstream.split(Array(text.utf8), sizes: [pieceSize]) {
            for event in try parser.feed(piece) { events += try decoder.decode(event) }
        }
        if let last = parser.finish() { events += try decoder.decode(last) }
        #expect(decoder.isComplete)
        return events
    }

    @Test func sameEventsWhateverTheSplit() throws {
        let text = try AnthropicFakeUpstream.fixture("anthropic-stream-thinking-tool.sse")
        let whole = try Self.decodeAll(text, pieceSize: text.utf8.count)
        #expect(whole.last == .usage(Usage(inputTokens: 2520, outputTokens: 89, cachedInputTokens: 2048)))
        #expect(whole.contains(.finish(.toolCalls)))
        #expect(try Self.decodeAll(text, pieceSize: 1) == whole)
        #expect(try Self.decodeAll(text, pieceSize: 5) == whole)
    }

    @Test func errorBeforeContentIsRetryable() throws {
        var decoder = AnthropicStreamDecoder()
        _ = try decoder.decode(SSEEvent(event: "message_start", data: #"{"type":"message_start","message":{"id":"msg_1","model":"m"}}"#))
        #expect(!decoder.producedContent)
        #expect(throws: UpstreamFailure(.serverError, message: "Overloaded")) {
            try decoder.decode(SSEEvent(event: "error", data: #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#))
        }
        var limited = AnthropicStreamDecoder()
        #expect(throws: UpstreamFailure(.rateLimited, message: "slow down")) {
            try limited.decode(SSEEvent(event: "error", data: #"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#))
        }
    }

    @Test func skipsPingsUnknownEventsAndRefusesJunk() throws {
        var decoder = AnthropicStreamDecoder()
        #expect(try decoder.decode(SSEEvent(event: "ping", data: #"{"type": "ping"}"#)) == [])
        #expect(try decoder.decode(SSEEvent(event: "future_event", data: #"{"type":"future_event","x":1}"#)) == [])
        #expect(
            try decoder.decode(
                SSEEvent(data: #"{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}"#)) == [])
        let failure = #expect(throws: UpstreamFailure.self) { try decoder.decode(SSEEvent(event: "message_delta", data: "not json")) }
        #expect(failure?.kind == .badResponse)
    }

    @Test func finishesEvenWithoutAStopReason() throws {
        var decoder = AnthropicStreamDecoder()
        let delta = SSEEvent(
            event: "message_delta",
            data: #"{"type":"message_delta","delta":{},"usage":{"input_tokens":10,"cache_read_input_tokens":90,"output_tokens":5}}"#)
        #expect(try decoder.decode(delta) == [.usage(Usage(inputTokens: 100, outputTokens: 5, cachedInputTokens: 90))])
        #expect(try decoder.decode(SSEEvent(event: "message_stop", data: #"{"type":"message_stop"}"#)) == [.finish(.stop)])
        #expect(decoder.isComplete)
        #expect(try decoder.decode(SSEEvent(data: #"{"type":"content_block_delta"}"#)) == [])
    }
}
