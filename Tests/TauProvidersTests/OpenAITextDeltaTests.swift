import TauCore
import Testing

@testable import TauProviders

/// The text-delta fast path against the full parse and `decodeChunk`, which it must agree with.
struct OpenAITextDeltaTests {
    @Test func acceptsTheTextChunksProvidersSend() {
        let openAI =
            #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1-mini","service_tier":"default","#
            + #""system_fingerprint":null,"choices":[{"index":0,"delta":{"content":"Hel\"lo \u00e9😀"},"logprobs":null,"finish_reason":null}],"#
            + #""usage":null,"obfuscation":"ab12"}"#
        #expect(OpenAIChatFormat.textDelta(in: Array(openAI.utf8)) == "Hel\"lo é😀")
        let openRouter =
            #"{ "id": "gen-1", "provider": "OpenAI", "model": "openai/gpt-4o", "object": "chat.completion.chunk", "created": 1, "#
            + #""choices": [ { "index": 0, "delta": { "role": "assistant", "content": "" }, "finish_reason": null } ] }"#
        #expect(OpenAIChatFormat.textDelta(in: Array(openRouter.utf8)) == "")
    }

    @Test(arguments: [
        #"{"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null}}]}"#,
        #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"reasoning_content":"hm"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"a"}}],"error":{"message":"boom"}}"#,
        #"{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}"#,
        #"{"choices":[{"index":1,"delta":{"content":"a"}}]}"#,
        #"{"choices":[{"delta":{"content":"a"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"a","content":"b"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"a"}}],"id":"x","id":"y"}"#,
        #"{"choices":[{"index":0,"delta":{"content":"a"}}]} x"#,
        #"{"choices":[{"index":0,"delta":{"content":"a"}}],"model":{"name":"m"}}"#,
        #"{"choices":[{"index":0,"delta":{"content":"\ud800"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"a"}}"#,
    ])
    func leavesEverythingElseToTheFullPath(chunk: String) {
        #expect(OpenAIChatFormat.textDelta(in: Array(chunk.utf8)) == nil)
    }

    /// What a chunk that is not an answer becomes: the reason codes routers and callers see.
    @Test func chunksThatAreNotAnswersFailWithTheirKind() {
        func kind(_ chunk: String, started: Bool) -> UpstreamFailureKind? {
            do {
                _ = try OpenAIChatFormat.events(ofChunk: Array(chunk.utf8), started: started)
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(kind(#"{"choices":[{"index":0,"delta":{"content":"a"}"#, started: true) == .badResponse)
        #expect(kind(#"{"error":{"message":"overloaded"}}"#, started: false) == .serverError)
        #expect(kind(#"{"error":{"message":"overloaded"}}"#, started: true) == .streamInterrupted)
        #expect(kind(#"{"choices":[{"index":0,"delta":{"content":"a"}}],"error":null}"#, started: true) == nil)
    }

    /// Random chunks, valid and broken: whenever the fast path answers, the full parse
    /// succeeds and `decodeChunk` makes exactly that text event of it.
    @Test func agreesWithTheFullDecodeOnRandomChunks() throws {
        var random = SplitMix64(seed: 14)
        var accepted = 0
        var refused = 0
        for _ in 0..<20_000 {
            var text = Array(ChunkGenerator.chunk(using: &random).utf8)
            if random.next() % 8 == 0, !text.isEmpty {
                // Break it: cut it short or change one byte.
                let at = Int(random.next() % UInt64(text.count))
                if random.next() % 2 == 0 { text.removeSubrange(at...) } else { text[at] = UInt8(truncatingIfNeeded: random.next()) }
            }
            guard let fast = OpenAIChatFormat.textDelta(in: text) else {
                refused += 1
                continue
            }
            accepted += 1
            let json = try JSONValue(parsing: text)
            #expect(json["error"] == nil)
            #expect(OpenAIChatFormat.decodeChunk(json, started: true) == (fast.isEmpty ? [] : [.text(fast)]))
        }
        // Both paths are exercised, or the comparison above proves nothing.
        #expect(accepted > 1_000)
        #expect(refused > 1_000)
    }
}

/// Chat-completions chunks put together from the members providers send and some they do
/// not, with duplicates and whitespace, as text (so that duplicates can be written).
private enum ChunkGenerator {
    static func chunk(using random: inout SplitMix64) -> String {
        if random.next() % 2 == 0 { return typical(using: &random) }
        var members: [(String, String)] = [("choices", choices(using: &random))]
        let optional: [(String, [String])] = [
            ("id", [#""chatcmpl-9""#, "7", "{}"]), ("object", [#""chat.completion.chunk""#]), ("created", ["1700000000", "1.5e3"]),
            ("model", [#""gpt-4.1-mini""#, "null", "[]"]), ("system_fingerprint", ["null", #""fp_1""#]),
            ("service_tier", [#""default""#]), ("obfuscation", [#""x1""#]), ("provider", [#""OpenAI""#, "true"]),
            ("usage", ["null", #"{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}"#]),
            ("error", [#"{"message":"boom"}"#, "null"]), ("citations", [#"["a"]"#]),
        ]
        for (name, values) in optional where random.next() % 3 == 0 { members.append((name, pick(values, &random))) }
        return object(members, using: &random)
    }

    /// A text chunk as providers send most of them, members in any order.
    static func typical(using random: inout SplitMix64) -> String {
        let texts = [#""""#, #""word ""#, #""a\"b\\c\n\u00e9\ud83d\ude00""#, "\"é😀\""]
        var delta: [(String, String)] = [("content", pick(texts, &random))]
        if random.next() % 4 == 0 { delta.append(("role", #""assistant""#)) }
        var choice: [(String, String)] = [("index", "0"), ("delta", object(delta, using: &random))]
        if random.next() % 2 == 0 { choice.append(("finish_reason", "null")) }
        if random.next() % 2 == 0 { choice.append(("logprobs", "null")) }
        var members: [(String, String)] = [("choices", "[" + object(choice, using: &random) + "]")]
        for (name, value) in [("id", #""chatcmpl-9""#), ("object", #""chat.completion.chunk""#), ("created", "1700000000"),
            ("model", #""gpt-4.1-mini""#), ("usage", "null"), ("obfuscation", #""x1""#)] where random.next() % 2 == 0 {
            members.append((name, value))
        }
        return object(members, using: &random)
    }

    static func choices(using random: inout SplitMix64) -> String {
        switch random.next() % 10 {
        case 0: return "[]"
        case 1: return "[" + choice(using: &random) + "," + choice(using: &random) + "]"
        case 2: return "null"
        default: return "[" + choice(using: &random) + "]"
        }
    }

    static func choice(using random: inout SplitMix64) -> String {
        var members: [(String, String)] = []
        if random.next() % 8 != 0 { members.append(("index", pick(["0", "0", "0", "1", "-0", "0.0", #""0""#], &random))) }
        if random.next() % 8 != 0 { members.append(("delta", delta(using: &random))) }
        if random.next() % 2 == 0 { members.append(("finish_reason", pick(["null", "null", #""stop""#, #""length""#], &random))) }
        if random.next() % 3 == 0 { members.append(("logprobs", pick(["null", "{}"], &random))) }
        if random.next() % 20 == 0 { members.append(("message", "{}")) }
        return object(members, using: &random)
    }

    static func delta(using random: inout SplitMix64) -> String {
        var members: [(String, String)] = []
        let texts = [#""""#, #""word ""#, #""a\"b\\c\n\u00e9\ud83d\ude00""#, "\"é😀\"", "null", "3"]
        if random.next() % 6 != 0 { members.append(("content", pick(texts, &random))) }
        if random.next() % 4 == 0 { members.append(("role", pick([#""assistant""#, #""user""#, "null"], &random))) }
        if random.next() % 12 == 0 { members.append(("reasoning_content", #""hm""#)) }
        if random.next() % 12 == 0 { members.append(("tool_calls", #"[{"index":0,"id":"c1","function":{"name":"f","arguments":""}}]"#)) }
        if random.next() % 12 == 0 { members.append(("refusal", "null")) }
        return object(members, using: &random)
    }

    /// Members in random order, one sometimes written twice, with random whitespace.
    static func object(_ members: [(String, String)], using random: inout SplitMix64) -> String {
        var members = members
        if let first = members.first, random.next() % 25 == 0 { members.append(first) }
        for index in members.indices.reversed() where index > 0 {
            members.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        let space = { (random: inout SplitMix64) -> String in random.next() % 5 == 0 ? " \n" : "" }
        var text = "{" + space(&random)
        for (offset, (name, value)) in members.enumerated() {
            if offset > 0 { text += "," + space(&random) }
            text += "\"\(name)\"" + space(&random) + ":" + space(&random) + value + space(&random)
        }
        return text + "}"
    }

    static func pick(_ values: [String], _ random: inout SplitMix64) -> String {
        values[Int(random.next() % UInt64(values.count))]
    }
}
