import TauCore
import Testing

@testable import TauProviders

@Suite struct GeminiStreamTests {
    static let request = ChatRequest(
        model: "gemini-2.5-flash", messages: [.text(.user, "Weather in Oslo, and what should I pack?")],
        tools: [ToolDefinition(name: "get_weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]]])],
        reasoningEffort: "low")

    @Test func foldsThoughtsTextAndAFunctionCall() async throws {
        let fixture = try GeminiFakeUpstream.fixture("gemini-stream-thinking-tool", "sse")
        try await GeminiFakeUpstream.run({ _ in .events(fixture) }) { client, log in
            let result = await GeminiFakeUpstream.drain(try await client.stream(Self.request))
            #expect(result.error == nil)
            let events = result.events
            #expect(events.first == .start(id: "8YByaJ7oLKKBz7IPpY2_gAk", model: "gemini-2.5-flash"))
            #expect(events.filter { if case .start = $0 { true } else { false } }.count == 1)
            #expect(events.filter { if case .usage = $0 { true } else { false } }.count == 1)
            let signature = "CpwBAdHtim8gTz0c8n1QyG4bL7m9mJkq0x3kQ1bF9o2ZyY5Qk2v3NfB0Y0mTfUu6tW8x9yZ0aB1c2D3e4F5g6H7i8J9k"
            let id = "call_8YByaJ7oLKKBz7IPpY2_gAk_0"
            #expect(
                Array(events.suffix(5)) == [
                    .thinking("", signature: "gemini:" + signature), .toolCallStart(index: 0, id: id, name: "get_weather"),
                    .toolCallArguments(index: 0, fragment: #"{"city":"Oslo","unit":"celsius"}"#),
                    .usage(Usage(inputTokens: 188, outputTokens: 129, reasoningTokens: 102)), .finish(.toolCalls),
                ])

            var accumulator = ChatResponseAccumulator()
            for event in events { accumulator.add(event) }
            let response = accumulator.response
            #expect(response.id == "8YByaJ7oLKKBz7IPpY2_gAk")
            #expect(response.finishReason == .toolCalls)
            #expect(response.message.text == "Let me check the current conditions in Oslo.")
            #expect(
                response.message.content.first
                    == .thinking(
                        "**Planning the answer**\n\nThe user wants the weather in Oslo and a packing tip. I should call get_weather first rather than guess.\n",
                        signature: "gemini:" + signature))
            #expect(
                response.message.toolCalls == [ToolCall(id: id, name: "get_weather", arguments: #"{"city":"Oslo","unit":"celsius"}"#)])
            #expect(response.usage == Usage(inputTokens: 188, outputTokens: 129, reasoningTokens: 102))

            let sent = try #require(log.all.first)
            #expect(sent.body["generationConfig"] == ["thinkingConfig": ["thinkingBudget": 1024, "includeThoughts": true]])
        }
    }

    @Test func aSafetyStopMidAnswerIsAContentFilterFinish() async throws {
        let stream = GeminiFakeUpstream.events([
            #"{"candidates":[{"content":{"parts":[{"text":"Here is how you"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":4,"totalTokenCount":16},"modelVersion":"gemini-2.5-flash","responseId":"s1"}"#,
            #"{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"SAFETY","index":0,"safetyRatings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH","blocked":true},{"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"}]}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":4,"totalTokenCount":16},"modelVersion":"gemini-2.5-flash","responseId":"s1"}"#,
        ])
        try await GeminiFakeUpstream.run({ _ in .events(stream) }) { client, _ in
            let result = await GeminiFakeUpstream.drain(try await client.stream(Self.request))
            #expect(result.error == nil)
            #expect(
                result.events == [
                    .start(id: "s1", model: "gemini-2.5-flash"), .text("Here is how you"),
                    .usage(Usage(inputTokens: 12, outputTokens: 4)), .finish(.contentFilter),
                ])
        }
    }

    @Test func aBlockedPromptInAStreamFinishesWithContentFilter() async throws {
        let stream = GeminiFakeUpstream.events([
            #"{"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH"}]},"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"b1"}"#
        ])
        try await GeminiFakeUpstream.run({ _ in .events(stream) }) { client, _ in
            let result = await GeminiFakeUpstream.drain(try await client.stream(Self.request))
            #expect(result.error == nil)
            #expect(
                result.events == [
                    .start(id: "b1", model: "gemini-2.5-flash"), .usage(Usage(inputTokens: 9)), .finish(.contentFilter),
                ])
        }
    }

    @Test func aStreamEndingWithoutAFinishReasonIsInterrupted() async throws {
        let stream = GeminiFakeUpstream.events([
            #"{"candidates":[{"content":{"parts":[{"text":"The forecast for"}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-flash","responseId":"t1"}"#
        ])
        try await GeminiFakeUpstream.run({ _ in .events(stream) }) { client, _ in
            let result = await GeminiFakeUpstream.drain(try await client.stream(Self.request))
            #expect(result.events == [.start(id: "t1", model: "gemini-2.5-flash"), .text("The forecast for")])
            let failure = try #require(result.error as? UpstreamFailure)
            #expect(failure.kind == .streamInterrupted)
        }
    }

    @Test func aDroppedConnectionIsInterrupted() async throws {
        let partial =
            GeminiFakeUpstream.events([
                #"{"candidates":[{"content":{"parts":[{"text":"Oslo is"}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-flash","responseId":"d1"}"#
            ]) + #"data: {"candidates":[{"content":{"parts":[{"text":" mild"#
        try await GeminiFakeUpstream.run({ _ in .brokenEvents(partial) }) { client, _ in
            let result = await GeminiFakeUpstream.drain(try await client.stream(Self.request))
            #expect(result.events == [.start(id: "d1", model: "gemini-2.5-flash"), .text("Oslo is")])
            let failure = try #require(result.error as? UpstreamFailure)
            #expect(failure.kind == .streamInterrupted)
            #expect(failure.message.hasPrefix("stream broke"), "the transport, not the decoder, saw the break")
        }
    }

    @Test func anErrorObjectAfterContentInterruptsTheStream() async throws {
        let stream = GeminiFakeUpstream.events([
            #"{"candidates":[{"content":{"parts":[{"text":"Partial"}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-flash","responseId":"e1"}"#,
            #"{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}"#,
        ])
        try await GeminiFakeUpstream.run({ _ in .events(stream) }) { client, _ in
            let result = await GeminiFakeUpstream.drain(try await client.stream(Self.request))
            #expect(result.events == [.start(id: "e1", model: "gemini-2.5-flash"), .text("Partial")])
            let failure = try #require(result.error as? UpstreamFailure)
            #expect(failure.kind == .streamInterrupted)
            #expect(failure.message == "The model is overloaded. Please try again later.")
        }
    }

    @Test func anErrorObjectBeforeContentKeepsItsStatus() async throws {
        let stream = GeminiFakeUpstream.events([
            #"{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}"#
        ])
        try await GeminiFakeUpstream.run({ _ in .events(stream) }) { client, _ in
            let result = await GeminiFakeUpstream.drain(try await client.stream(Self.request))
            #expect(result.events.isEmpty)
            let failure = try #require(result.error as? UpstreamFailure)
            #expect(failure.kind == .serverError)
            #expect(failure.status == 503)
        }
    }
}
