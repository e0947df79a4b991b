import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TauCore
import TauProviders
import TauTesting
import Testing

@testable import TauGateway

@Suite struct OpenAIGatewayTests {
    static let weather: JSONValue = [
        "type": "function",
        "function": ["name": "get_weather", "parameters": ["type": "object", "properties": ["city": ["type": "string"]]]],
    ]
    static let toolAnswer: @Sendable (JSONValue) -> FakeOpenAIUpstream.Answer = { _ in
        .init(toolCall: (name: "get_weather", arguments: #"{"city":"Paris"}"#), promptTokens: 80, completionTokens: 15, cachedTokens: 64)
    }

    @Test func aCompletionWithAToolCallIsPassedThroughAndCharged() async throws {
        let fixture = OpenAIGatewayFixture(answer: Self.toolAnswer)
        let key = try await fixture.key()
        try await fixture.run { client in
            let body: JSONValue = ["model": "fast", "messages": [["role": "user", "content": "Weather in Paris?"]], "tools": [Self.weather]]
            try await client.chat(body, key: key) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("x-tau-route")!] == "openai:gpt-4.1-mini")
                let json = response.json
                #expect(json["object"] == "chat.completion")
                #expect(json["id"]?.stringValue?.hasPrefix("chatcmpl-") == true)
                let choice = json["choices"]?.arrayValue?.first
                #expect(choice?["finish_reason"] == "tool_calls")
                #expect(choice?["message"]?["content"] == .null)
                let call = choice?["message"]?["tool_calls"]?.arrayValue?.first
                #expect(call?["id"] == "call_Xq1f3")
                #expect(call?["type"] == "function")
                #expect(call?["function"]?["name"] == "get_weather")
                #expect(call?["function"]?["arguments"] == #"{"city":"Paris"}"#)
                #expect(json["usage"]?["prompt_tokens"] == 80)
                #expect(json["usage"]?["completion_tokens"] == 15)
                #expect(json["usage"]?["prompt_tokens_details"]?["cached_tokens"] == 64)
            }
        }
        // The upstream got the tools and the upstream model id.
        let sent = try #require(fixture.upstream.requests.first)
        #expect(sent["model"] == "gpt-4.1-mini")
        #expect(sent["tools"]?.arrayValue?.first?["function"]?["name"] == "get_weather")
        #expect(fixture.upstream.lastHeaders["authorization"] == "Bearer sk-upstream-test")
        // 16 uncached + 64 cached input tokens and 15 output tokens at 0.4 / 0.1 / 1.6 $ per million:
        // 36.8 micro-USD, charged 37 (rounded up once per call).
        let record = try #require(fixture.usage.all.first)
        #expect(record.route == "openai:gpt-4.1-mini")
        #expect(record.requestedModel == "fast")
        #expect(record.usage.cachedInputTokens == 64)
        #expect(record.cost == usd(37))
        #expect(record.apiKeyID != nil)
    }

    @Test func aStreamedToolCallHasOpenAIsChunkFormatAndAUsageChunk() async throws {
        let fixture = OpenAIGatewayFixture(answer: Self.toolAnswer)
        let key = try await fixture.key()
        try await fixture.run { client in
            let body: JSONValue = [
                "model": "gpt-4.1-mini", "stream": true, "stream_options": ["include_usage": true],
                "messages": [["role": "user", "content": "Weather in Paris?"]], "tools": [Self.weather],
            ]
            try await client.chat(body, key: key) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream")
                let events = response.events
                #expect(events.last == "[DONE]")
                let chunks = events.dropLast().compactMap { try? JSONValue(parsing: $0) }
                #expect(chunks.allSatisfy { $0["object"] == "chat.completion.chunk" })
                #expect(Set(chunks.compactMap { $0["id"]?.stringValue }).count == 1)
                #expect(chunks.first?["choices"]?.arrayValue?.first?["delta"]?["role"] == "assistant")
                var arguments = ""
                var names: [String] = []
                var finish: [String] = []
                for chunk in chunks {
                    for choice in chunk["choices"]?.arrayValue ?? [] {
                        for call in choice["delta"]?["tool_calls"]?.arrayValue ?? [] {
                            #expect(call["index"] == 0)
                            if let name = call["function"]?["name"]?.stringValue { names.append(name) }
                            arguments += call["function"]?["arguments"]?.stringValue ?? ""
                        }
                        if let reason = choice["finish_reason"]?.stringValue { finish.append(reason) }
                    }
                }
                #expect(names == ["get_weather"])
                #expect(arguments == #"{"city":"Paris"}"#)
                #expect(finish == ["tool_calls"])
                let usage = try #require(chunks.last)
                #expect(usage["choices"] == [])
                #expect(usage["usage"]?["total_tokens"] == 95)
            }
        }
        #expect(fixture.upstream.requests.first?["stream"] == true)
        #expect(fixture.usage.all.first?.usage.outputTokens == 15)
        #expect(fixture.usage.all.first?.status == "ok")
    }

    @Test func withoutIncludeUsageThereIsNoUsageChunk() async throws {
        let fixture = OpenAIGatewayFixture()
        let key = try await fixture.key()
        try await fixture.run { client in
            try await client.chat(["model": "fast", "stream": true, "messages": [["role": "user", "content": "Hi"]]], key: key) { response in
                let chunks = response.events.dropLast().compactMap { try? JSONValue(parsing: $0) }
                #expect(chunks.allSatisfy { $0["usage"] == nil })
                let text = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
                #expect(text == "Hello there!")
            }
        }
    }

    @Test func keysAreRequiredCheckedAndRevocable() async throws {
        let fixture = OpenAIGatewayFixture()
        let key = try await fixture.key()
        let body: JSONValue = ["model": "fast", "messages": [["role": "user", "content": "Hi"]]]
        try await fixture.run { client in
            try await client.chat(body, key: nil) { response in
                #expect(response.status == .unauthorized)
                #expect(response.json["error"]?["type"] == "authentication_error")
                #expect(response.json["error"]?["code"] == "missing_api_key")
            }
            try await client.chat(body, key: "tau_000000000000_" + String(repeating: "0", count: 48)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.json["error"]?["code"] == "invalid_api_key")
            }
            // Right id, wrong secret.
            try await client.chat(body, key: String(key.dropLast()) + (key.hasSuffix("0") ? "1" : "0")) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.chat(body, key: key) { response in #expect(response.status == .ok) }
            _ = try await fixture.keys.revoke(id: APIKeySecret(presented: key)!.id, at: Date())
            try await client.chat(body, key: key) { response in
                #expect(response.status == .unauthorized)
                #expect(response.json["error"]?["code"] == "api_key_revoked")
            }
        }
        #expect(fixture.upstream.requests.count == 1)
    }

    @Test func modelAllowListRateLimitAndBudget() async throws {
        var fixture = OpenAIGatewayFixture()
        fixture.pricing = ModelPricing(input: usd(1_000_000_000), output: usd(1_000_000_000))
        let limited = try await fixture.key(rpm: 2, models: ["fast"])
        let poor = try await fixture.key(budget: usd(50_000))
        try await fixture.run { client in
            let hi: JSONValue = ["messages": [["role": "user", "content": "Hi"]]]
            var other = hi
            other["model"] = "gpt-4.1-mini"
            try await client.chat(other, key: limited) { response in
                #expect(response.status == .forbidden)
                #expect(response.json["error"]?["code"] == "model_not_allowed")
            }
            var fast = hi
            fast["model"] = "fast"
            try await client.chat(fast, key: limited) { response in
                // The forbidden call above took the first token of the bucket.
                #expect(response.status == .ok)
            }
            try await client.chat(fast, key: limited) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.json["error"]?["type"] == "rate_limit_error")
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            // 57 + 17 tokens at $1000 per million spend $0.074 of the $0.05 budget; then the key is refused before sending.
            try await client.chat(fast, key: poor) { response in #expect(response.status == .ok) }
            try await client.chat(fast, key: poor) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.json["error"]?["type"] == "insufficient_quota")
                #expect(response.json["error"]?["code"] == "budget_exceeded")
                #expect(response.headers[HTTPField.Name("x-should-retry")!] == "false")
            }
        }
        #expect(fixture.upstream.requests.count == 2)
    }

    @Test func badRequestsGetOpenAIErrorsAndNothingIsSent() async throws {
        var fixture = OpenAIGatewayFixture()
        fixture.contextWindow = 200
        let key = try await fixture.key()
        try await fixture.run { client in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                body: ByteBuffer(string: "{\"model\": \"fast\", \"messages\": [")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.json["error"]?["code"] == "invalid_json")
                #expect(response.json["error"]?["type"] == "invalid_request_error")
            }
            try await client.chat(["model": "fast"], key: key) { response in
                #expect(response.status == .badRequest)
                #expect(response.json["error"]?["message"]?.stringValue?.contains("messages") == true)
            }
            try await client.chat(["model": "nope", "messages": [["role": "user", "content": "Hi"]]], key: key) { response in
                #expect(response.status == .notFound)
                #expect(response.json["error"]?["code"] == "model_not_found")
            }
            let long = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 40)
            try await client.chat(["model": "fast", "messages": [["role": "user", "content": .string(long)]]], key: key) { response in
                #expect(response.status == .badRequest)
                #expect(response.json["error"]?["code"] == "context_length_exceeded")
            }
            try await client.chat(["model": "fast", "max_tokens": 500, "messages": [["role": "user", "content": "Hi"]]], key: key) { response in
                #expect(response.status == .badRequest)
                #expect(response.json["error"]?["code"] == "context_length_exceeded")
            }
        }
        #expect(fixture.upstream.requests.isEmpty)
    }

    @Test func modelsAreListed() async throws {
        let fixture = OpenAIGatewayFixture()
        let key = try await fixture.key()
        try await fixture.run { client in
            try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                #expect(response.status == .ok)
                #expect(response.json["object"] == "list")
                #expect(response.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["fast", "gpt-4.1-mini"])
            }
            try await client.execute(uri: "/v1/models/gpt-4.1-mini", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                #expect(response.json["owned_by"] == "openai")
            }
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func aKeyWithABudgetCannotReachUnpricedModels() async throws {
        var fixture = OpenAIGatewayFixture()
        fixture.pricing = nil
        let budgeted = try await fixture.key(budget: usd(10_000_000))
        let unlimited = try await fixture.key()
        try await fixture.run { client in
            let body: JSONValue = ["model": "fast", "messages": [["role": "user", "content": "Hi"]]]
            try await client.chat(body, key: budgeted) { response in
                #expect(response.status == .forbidden)
                #expect(response.json["error"]?["code"] == "budget_unpriced_model")
            }
            try await client.chat(body, key: unlimited) { response in #expect(response.status == .ok) }
        }
        #expect(fixture.upstream.requests.count == 1)
    }

    @Test func localhostDevModeRefusesBrowserPagesOfOtherOrigins() async throws {
        var fixture = OpenAIGatewayFixture()
        fixture.mode = .localhostDev
        try await fixture.run { client in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post,
                headers: [.contentType: "text/plain", .origin: "https://evil.example"],
                body: ByteBuffer(string: #"{"model":"fast","messages":[{"role":"user","content":"Hi"}]}"#)
            ) { response in
                #expect(response.status == .forbidden)
                #expect(response.json["error"]?["code"] == "non_local_request")
            }
        }
        #expect(fixture.upstream.requests.isEmpty)
        #expect(OpenAIRoutes.isLoopback(authority: "127.0.0.1:7420"))
        #expect(OpenAIRoutes.isLoopback(authority: "[::1]:7420"))
        #expect(OpenAIRoutes.isLoopback(authority: "localhost"))
        #expect(!OpenAIRoutes.isLoopback(authority: "attacker.example:7420"))
        #expect(OpenAIRoutes.isLoopback(origin: "http://localhost:3000"))
        #expect(!OpenAIRoutes.isLoopback(origin: "null"))
    }

    @Test func localhostDevModeNeedsNoKey() async throws {
        var fixture = OpenAIGatewayFixture()
        fixture.mode = .localhostDev
        try await fixture.run { client in
            try await client.chat(["model": "fast", "messages": [["role": "user", "content": "Hi"]]], key: nil) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(fixture.usage.all.first?.apiKeyID == nil)
    }
}
