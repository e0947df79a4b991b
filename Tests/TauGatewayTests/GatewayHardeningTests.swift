import Foundation
import HTTPTypes
import HummingbirdTesting
import TauCore
import TauProviders
import TauTesting
import Testing

@testable import TauGateway

/// What callers of the gateway are shown and charged: output caps of budgeted keys, provider
/// error text kept in the log, Gemini caches, and usage when an upstream reports none.
struct GatewayHardeningTests {
    static let hi: JSONValue = ["model": "fast", "messages": [["role": "user", "content": "Hi"]]]

    @Test func aBudgetedKeysCallAlwaysCarriesAnOutputCapAndOthersAsTheyAsked() async throws {
        let fixture = OpenAIGatewayFixture()
        let budgeted = try await fixture.key(budget: usd(5_000_000))
        let unlimited = try await fixture.key()
        try await fixture.run { client in
            try await client.chat(Self.hi, key: budgeted) { #expect($0.status == .ok) }
            var capped = Self.hi
            capped["max_tokens"] = 100
            try await client.chat(capped, key: budgeted) { #expect($0.status == .ok) }
            try await client.chat(Self.hi, key: unlimited) { #expect($0.status == .ok) }
        }
        let sent = fixture.upstream.requests.map { $0["max_completion_tokens"] }
        // The node's default for budgeted keys (8,192, within the route's 32,768), the caller's own
        // cap, and no cap for a key without a budget, as before.
        #expect(sent == [8192, 100, nil])
    }

    @Test func anUpstreamsErrorTextGoesToTheLogNotToTheCaller() async throws {
        let secret = "Organization org-Xq81 (billing owner jane@example.com) has no access to this model"
        let long = secret + String(repeating: " and more", count: 200)
        var fixture = OpenAIGatewayFixture { _ in .error(400, long) }
        let logs = LogCapture()
        fixture.logs = logs
        let key = try await fixture.key()
        try await fixture.run { client in
            try await client.chat(Self.hi, key: key) { response in
                #expect(response.status == .badRequest)
                #expect(response.json["error"]?["code"] == "upstream_rejected")
                #expect(response.json["error"]?["type"] == "invalid_request_error")
                let message = response.json["error"]?["message"]?.stringValue ?? ""
                #expect(!message.contains("org-Xq81") && !message.contains("jane@"), "\(message)")
                #expect(message.contains("HTTP 400"), "\(message)")
            }
            var streamed = Self.hi
            streamed["stream"] = true
            try await client.chat(streamed, key: key) { response in
                #expect(response.status == .badRequest)
                #expect(!String(buffer: response.body).contains("org-Xq81"))
            }
        }
        let logged = logs.all.filter { $0.text.contains("org-Xq81") }
        #expect(logged.count == 2, "\(logs.all.map(\.text))")
        // Kept, but cut: an upstream cannot fill the log with a megabyte per call.
        #expect(logged.allSatisfy { $0.text.count < 800 }, "\(logged.map(\.text.count))")
    }

    @Test func aKeyCannotNameAGeminiCache() async throws {
        var fixture = OpenAIGatewayFixture()
        let key = try await fixture.key()
        let cached: JSONValue = [
            "model": "fast", "messages": [["role": "user", "content": "Hi"]], "cached_content": "cachedContents/4kd8s0x2lq",
        ]
        try await fixture.run { client in
            try await client.chat(cached, key: key) { response in
                #expect(response.status == .forbidden)
                #expect(response.json["error"]?["type"] == "permission_error")
                #expect(response.json["error"]?["code"] == "cached_content_not_allowed")
            }
        }
        #expect(fixture.upstream.requests.isEmpty)
        #expect(fixture.usage.all.isEmpty)

        // The operator, without keys on loopback, may name the caches of its own account.
        fixture.mode = .localhostDev
        try await fixture.run { client in
            try await client.chat(cached, key: nil) { #expect($0.status == .ok) }
        }
    }

    @Test func aStreamWithoutUpstreamUsageReportsWhatTheNodeRecords() async throws {
        let fixture = OpenAIGatewayFixture { _ in .init(text: "Hello there, this is a llama.", sendsUsage: false) }
        let key = try await fixture.key()
        try await fixture.run { client in
            var streamed = Self.hi
            streamed["stream"] = true
            streamed["stream_options"] = ["include_usage": true]
            try await client.chat(streamed, key: key) { response in
                #expect(response.status == .ok)
                let chunks = response.events.dropLast().compactMap { try? JSONValue(parsing: $0) }
                let usage = try #require(chunks.last?["usage"])
                let recorded = try #require(fixture.usage.all.last?.usage)
                #expect(recorded.inputTokens > 0 && recorded.outputTokens > 0)
                #expect(usage["prompt_tokens"]?.intValue == recorded.inputTokens)
                #expect(usage["completion_tokens"]?.intValue == recorded.outputTokens)
            }
            // A whole answer without counts is charged and reported alike.
            try await client.chat(Self.hi, key: key) { response in
                #expect(response.status == .ok)
                let recorded = try #require(fixture.usage.all.last?.usage)
                #expect(recorded.outputTokens > 0)
                #expect(response.json["usage"]?["prompt_tokens"]?.intValue == recorded.inputTokens)
                #expect(response.json["usage"]?["completion_tokens"]?.intValue == recorded.outputTokens)
            }
        }
        #expect(fixture.usage.all.allSatisfy { $0.cost?.isPositive == true })
    }
}
