import Foundation
import TauCore
import Testing

@testable import TauProviders

@Suite struct OpenAIResponsesClientTests {
    typealias Fake = OpenAIFakeUpstream

    static func client(_ base: String, _ http: UpstreamHTTP) -> OpenAIResponsesClient {
        OpenAIResponsesClient(endpoint: ProviderEndpoint(kind: .openai, baseURL: base, apiKey: "sk-test", wire: .openAIResponses), http: http)
    }

    static let weatherTool = ToolDefinition(
        name: "get_weather", description: "Current weather for a city.",
        parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])

    static let expectedCall = ToolCall(
        id: "call_Zk3PqR7vT1wX9yB5nM2cL8dF", name: "get_weather", arguments: #"{"city":"Lisbon","unit":"celsius"}"#)

    static let expectedThinking = """
        **Checking the forecast**

        The user wants to know whether to pack an umbrella for Lisbon tomorrow.

        **Calling the weather tool**

        I should look up the current conditions before answering.
        """

    // MARK: Request shape

    @Test func requestCarriesEveryField() async throws {
        let log = Fake.Log()
        let request = ChatRequest(
            model: "o4-mini",
            messages: [
                .text(.system, "You are a concise travel assistant."),
                ChatMessage(role: .user, content: [.text("Pack for this?"), .image(.base64(mediaType: "image/jpeg", data: "/9j/4AAQ"))]),
                ChatMessage(
                    role: .assistant, content: [.thinking("hidden"), .text("Checking.")],
                    toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Lisbon"}"#)]),
                ChatMessage(role: .tool, content: [.text(#"{"temperature":18}"#)], toolCallID: "call_1", name: "get_weather"),
                .text(.system, "Answer in one sentence."),
                ChatMessage(role: .user, content: [.image(.url("https://example.com/sky.png"))]),
            ],
            tools: [Self.weatherTool], toolChoice: .tool("get_weather"), maxOutputTokens: 2048, temperature: 0.5, topP: 0.8,
            stop: ["END"], reasoningEffort: "medium", parallelToolCalls: true, user: "user-7")
        _ = try await Fake.serve(.json(try Fake.fixture("openai-responses-toolcall.json")), log: log) { base, http in
            try await Self.client(base, http).complete(request)
        }
        let sent = try #require(await log.last)
        #expect(sent.path == "/v1/responses")
        #expect(sent.header("Authorization") == "Bearer sk-test")
        let body = sent.body
        #expect(body["model"] == "o4-mini")
        #expect(body["instructions"] == "You are a concise travel assistant.\n\nAnswer in one sentence.")
        #expect(body["max_output_tokens"] == 2048)
        #expect(body["temperature"] == 0.5)
        #expect(body["top_p"] == 0.8)
        #expect(body["reasoning"] == ["effort": "medium"])
        #expect(body["parallel_tool_calls"] == true)
        #expect(body["store"] == false)
        #expect(body["stream"] == false)
        #expect(body["user"] == "user-7")
        #expect(body["stop"] == nil)
        #expect(body["messages"] == nil)
        #expect(
            body["tools"] == [
                [
                    "type": "function", "name": "get_weather", "description": "Current weather for a city.",
                    "parameters": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
                ]
            ])
        #expect(body["tool_choice"] == ["type": "function", "name": "get_weather"])
        let input = try #require(body["input"]?.arrayValue)
        #expect(
            input == [
                [
                    "type": "message", "role": "user",
                    "content": [
                        ["type": "input_text", "text": "Pack for this?"],
                        ["type": "input_image", "image_url": "data:image/jpeg;base64,/9j/4AAQ", "detail": "auto"],
                    ],
                ],
                ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "Checking."]]],
                ["type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": #"{"city":"Lisbon"}"#],
                ["type": "function_call_output", "call_id": "call_1", "output": #"{"temperature":18}"#],
                [
                    "type": "message", "role": "user",
                    "content": [["type": "input_image", "image_url": "https://example.com/sky.png", "detail": "auto"]],
                ],
            ])
    }

    @Test func simpleToolChoicesAreStrings() {
        for (choice, wire) in [(ToolChoice.auto, "auto"), (.none, "none"), (.required, "required")] as [(ToolChoice, JSONValue)] {
            let body = OpenAIResponsesFormat.encode(
                ChatRequest(model: "m", messages: [.text(.user, "hi")], tools: [Self.weatherTool], toolChoice: choice), stream: true)
            #expect(body["tool_choice"] == wire)
            #expect(body["stream"] == true)
            #expect(body["instructions"] == nil)
            #expect(body["reasoning"] == nil)
        }
    }

    // MARK: Non-streamed answers

    @Test func reasoningTextAndFunctionCall() async throws {
        let response = try await Fake.serve(.json(try Fake.fixture("openai-responses-toolcall.json"))) { base, http in
            try await Self.client(base, http).complete(ChatRequest(model: "o4-mini", messages: [.text(.user, "Umbrella?")]))
        }
        #expect(response.id == "resp_68b0c4e2a9d48190b1f3c7e5d2a4b6c80e9f1a2b3c4d5e6f")
        #expect(response.model == "o4-mini-2025-04-16")
        #expect(response.message.content == [.thinking(Self.expectedThinking), .text("Let me check the current weather in Lisbon.")])
        #expect(response.message.toolCalls == [Self.expectedCall])
        #expect(response.finishReason == .toolCalls)
        #expect(response.usage == Usage(inputTokens: 312, outputTokens: 148, cachedInputTokens: 256, reasoningTokens: 64))
    }

    @Test func incompleteAnswers() async throws {
        let response = try await Fake.serve(.json(try Fake.fixture("openai-responses-incomplete.json"))) { base, http in
            try await Self.client(base, http).complete(ChatRequest(model: "o4-mini", messages: [.text(.user, "Spring?")]))
        }
        #expect(response.finishReason == .length)
        #expect(response.message.content == [.text("Lisbon in spring is mild, with")])
        #expect(response.usage == Usage(inputTokens: 96, outputTokens: 64, reasoningTokens: 48))

        var filtered = try JSONValue(parsing: try Fake.fixture("openai-responses-incomplete.json"))
        filtered["incomplete_details"] = ["reason": "content_filter"]
        #expect(try OpenAIResponsesFormat.decodeResponse(filtered).finishReason == .contentFilter)
    }

    @Test func failedResponseIsAServerError() throws {
        let json: JSONValue = [
            "id": "resp_1", "object": "response", "status": "failed", "output": [],
            "error": ["code": "server_error", "message": "The model failed to generate a response."],
        ]
        #expect(throws: UpstreamFailure(.serverError, message: "The model failed to generate a response.")) {
            try OpenAIResponsesFormat.decodeResponse(json)
        }
        #expect(throws: UpstreamFailure.self) { try OpenAIResponsesFormat.decodeResponse(["id": "resp_1"]) }
    }

    // MARK: Streams

    @Test(arguments: [false, true])
    func streamedReasoningTextAndFunctionCall(crlf: Bool) async throws {
        let log = Fake.Log()
        var sse = try Fake.fixture("openai-responses-stream-toolcall.sse")
        if crlf { sse = sse.replacingOccurrences(of: "\n", with: "\r\n") }
        let (events, failure) = try await Fake.serve(.sse(sse, pieceBytes: 41), log: log) { base, http in
            try await Fake.drain(
                Self.client(base, http).stream(ChatRequest(model: "o4-mini", messages: [.text(.user, "Umbrella?")], tools: [Self.weatherTool])))
        }
        #expect(failure == nil)
        let sent = try #require(await log.last)
        #expect(sent.path == "/v1/responses")
        #expect(sent.body["stream"] == true)
        #expect(sent.header("Accept") == "text/event-stream")

        #expect(events.first == .start(id: "resp_68b0c4e2a9d48190b1f3c7e5d2a4b6c80e9f1a2b3c4d5e6f", model: "o4-mini-2025-04-16"))
        #expect(events.contains(.toolCallStart(index: 0, id: "call_Zk3PqR7vT1wX9yB5nM2cL8dF", name: "get_weather")))
        #expect(events.filter { if case .toolCallArguments = $0 { true } else { false } }.count == 10)
        #expect(
            Array(events.suffix(2)) == [
                .usage(Usage(inputTokens: 312, outputTokens: 148, cachedInputTokens: 256, reasoningTokens: 64)), .finish(.toolCalls),
            ])

        // The collected stream equals the non-streamed reading of the final response.
        var accumulator = ChatResponseAccumulator()
        events.forEach { accumulator.add($0) }
        let complete = try OpenAIResponsesFormat.decodeResponse(try JSONValue(parsing: try Fake.fixture("openai-responses-toolcall.json")))
        #expect(accumulator.response == complete)
    }

    @Test func streamedIncompleteAnswer() async throws {
        let sse = Self.events([
            ["type": "response.created", "response": ["id": "resp_2", "model": "o4-mini-2025-04-16", "status": "in_progress", "output": []]],
            ["type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Lisbon in spring"],
            [
                "type": "response.incomplete",
                "response": [
                    "id": "resp_2", "status": "incomplete", "incomplete_details": ["reason": "max_output_tokens"],
                    "usage": ["input_tokens": 20, "output_tokens": 16, "output_tokens_details": ["reasoning_tokens": 0]],
                ],
            ],
        ])
        let (events, failure) = try await Fake.serve(.sse(sse)) { base, http in
            try await Fake.drain(Self.client(base, http).stream(ChatRequest(model: "o4-mini", messages: [.text(.user, "Spring?")])))
        }
        #expect(failure == nil)
        #expect(
            events == [
                .start(id: "resp_2", model: "o4-mini-2025-04-16"), .text("Lisbon in spring"),
                .usage(Usage(inputTokens: 20, outputTokens: 16)), .finish(.length),
            ])
    }

    @Test func failureBeforeContentIsAServerError() async throws {
        let sse = Self.events([
            ["type": "response.created", "response": ["id": "resp_3", "model": "o4-mini-2025-04-16", "status": "in_progress"]],
            [
                "type": "response.failed",
                "response": ["id": "resp_3", "status": "failed", "error": ["code": "server_error", "message": "The model is overloaded."]],
            ],
        ])
        let (events, failure) = try await Fake.serve(.sse(sse)) { base, http in
            try await Fake.drain(Self.client(base, http).stream(ChatRequest(model: "o4-mini", messages: [.text(.user, "hi")])))
        }
        #expect(events == [.start(id: "resp_3", model: "o4-mini-2025-04-16")])
        #expect(failure == UpstreamFailure(.serverError, message: "The model is overloaded."))
    }

    @Test func errorEventAfterContentInterruptsTheStream() async throws {
        let sse = Self.events([
            ["type": "response.created", "response": ["id": "resp_4", "model": "o4-mini-2025-04-16", "status": "in_progress"]],
            ["type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Lisbon"],
            ["type": "error", "code": "server_error", "message": "An error occurred while processing your request.", "param": nil],
        ])
        let (events, failure) = try await Fake.serve(.sse(sse)) { base, http in
            try await Fake.drain(Self.client(base, http).stream(ChatRequest(model: "o4-mini", messages: [.text(.user, "hi")])))
        }
        #expect(events.last == .text("Lisbon"))
        #expect(failure == UpstreamFailure(.streamInterrupted, message: "An error occurred while processing your request."))
    }

    @Test func streamEndingBeforeCompletedIsInterrupted() async throws {
        let sse = Self.events([
            ["type": "response.created", "response": ["id": "resp_5", "model": "o4-mini-2025-04-16", "status": "in_progress"]],
            ["type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Lisbon"],
        ])
        for reply in [Fake.Reply.sse(sse), .sseThenDrop(sse)] {
            let (events, failure) = try await Fake.serve(reply) { base, http in
                try await Fake.drain(Self.client(base, http).stream(ChatRequest(model: "o4-mini", messages: [.text(.user, "hi")])))
            }
            #expect(events.last == .text("Lisbon"))
            #expect(failure?.kind == .streamInterrupted)
        }
    }

    @Test func httpErrorsAreClassified() async throws {
        let tooLong = #"{"error":{"message":"Your input exceeds the context window of this model. Please adjust your input and try again.","type":"invalid_request_error","param":"input","code":"context_length_exceeded"}}"#
        let cases: [(Fake.Reply, UpstreamFailureKind)] = [
            (.json(tooLong, status: 400), .contextLengthExceeded),
            (.json(#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#, status: 429), .rateLimited),
            (.json(#"{"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}}"#, status: 401), .authentication),
        ]
        for (reply, kind) in cases {
            for streaming in [false, true] {
                let failure = try await Fake.serve(reply) { base, http in
                    await Fake.failure(of: Self.client(base, http), streaming: streaming)
                }
                #expect(failure?.kind == kind)
            }
        }
    }

    // MARK: Decoder, without sockets

    @Test func callsAreNumberedAmongFunctionCalls() throws {
        var decoder = OpenAIResponsesFormat.StreamDecoder()
        var events: [StreamEvent] = []
        let wire: [JSONValue] = [
            ["type": "response.created", "response": ["id": "r", "model": "m"]],
            ["type": "response.output_item.added", "output_index": 0, "item": ["id": "rs_1", "type": "reasoning", "summary": []]],
            [
                "type": "response.output_item.added", "output_index": 1,
                "item": ["id": "fc_a", "type": "function_call", "call_id": "call_a", "name": "first", "arguments": ""],
            ],
            [
                "type": "response.output_item.added", "output_index": 2,
                "item": ["id": "fc_b", "type": "function_call", "call_id": "call_b", "name": "second", "arguments": ""],
            ],
            // Deltas found by output_index alone, and interleaved.
            ["type": "response.function_call_arguments.delta", "output_index": 2, "delta": "{\"b\":"],
            ["type": "response.function_call_arguments.delta", "item_id": "fc_a", "output_index": 1, "delta": "{}"],
            ["type": "response.function_call_arguments.delta", "output_index": 2, "delta": "2}"],
            // `done` events repeat the whole arguments; they must not be added again.
            ["type": "response.function_call_arguments.done", "item_id": "fc_a", "output_index": 1, "arguments": "{}"],
            [
                "type": "response.output_item.done", "output_index": 2,
                "item": ["id": "fc_b", "type": "function_call", "call_id": "call_b", "name": "second", "arguments": "{\"b\":2}"],
            ],
            ["type": "response.completed", "response": ["id": "r", "status": "completed", "output": []]],
        ]
        for json in wire { events += try decoder.decode(json) }
        #expect(decoder.finished)
        var accumulator = ChatResponseAccumulator()
        events.forEach { accumulator.add($0) }
        #expect(
            accumulator.response.message.toolCalls == [
                ToolCall(id: "call_a", name: "first", arguments: "{}"), ToolCall(id: "call_b", name: "second", arguments: "{\"b\":2}"),
            ])
        #expect(accumulator.response.finishReason == .toolCalls)
    }

    @Test func argumentsOnlyInDoneEventsAreKept() throws {
        var decoder = OpenAIResponsesFormat.StreamDecoder()
        var events: [StreamEvent] = []
        let wire: [JSONValue] = [
            ["type": "response.output_item.added", "output_index": 0, "item": ["id": "fc_a", "type": "function_call", "call_id": "call_a", "name": "f"]],
            ["type": "response.function_call_arguments.done", "item_id": "fc_a", "output_index": 0, "arguments": "{\"x\":1}"],
            ["type": "response.output_item.done", "output_index": 0, "item": ["id": "fc_a", "type": "function_call", "arguments": "{\"x\":1}"]],
        ]
        for json in wire { events += try decoder.decode(json) }
        #expect(
            events == [
                .start(id: "", model: ""), .toolCallStart(index: 0, id: "call_a", name: "f"), .toolCallArguments(index: 0, fragment: "{\"x\":1}"),
            ])
        #expect(!decoder.finished)
        #expect(throws: UpstreamFailure.self) {
            try decoder.decode(["type": "response.function_call_arguments.delta", "item_id": "fc_zz", "output_index": 9, "delta": "{"])
        }
    }

    @Test func rateLimitErrorEventBeforeContentIsRetryable() throws {
        var decoder = OpenAIResponsesFormat.StreamDecoder()
        #expect(throws: UpstreamFailure(.rateLimited, message: "Slow down.")) {
            try decoder.decode(["type": "error", "code": "rate_limit_exceeded", "message": "Slow down."])
        }
    }

    /// An event stream of `event:` + `data:` pairs, as OpenAI writes them.
    static func events(_ events: [JSONValue]) -> String {
        events.map { "event: \($0["type"]?.stringValue ?? "")\ndata: \($0.canonicalString())\n\n" }.joined()
    }
}
