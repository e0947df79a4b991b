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
}
