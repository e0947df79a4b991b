import Foundation
import Synchronization
import TauCore
import TauTesting
import Testing

/// A budget through a real `tau-node serve`: parallel streamed calls against an upstream
/// that bills every call the most it may.
@Suite(.serialized)
struct GatewayBudgetTests {
    /// What the fake upstream bills a call that sets no cap: gpt-4.1-mini's largest answer.
    static let upstreamLargestAnswer = 32_768
    /// gpt-4.1-mini repriced for the test: $1 per million prompt tokens, $30 per million output.
    static let config = """
        [providers.openai]
        base_url = "UPSTREAM"

        [routes]
        assistant = ["openai:gpt-4.1-mini"]

        [catalog.models."gpt-4.1-mini"]
        input_price_per_million = 1
        output_price_per_million = 30
        """

    @Test func twentyParallelStreamsOnADollarKeyNeverSpendPastItsBudgetAndOneCall() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        // Bills each call the full cap it was sent (or the model's largest answer without one),
        // after a pause long enough for all twenty calls to be in flight together.
        let upstream = FakeOpenAIUpstream { body in
            let cap = body["max_completion_tokens"]?.intValue ?? body["max_tokens"]?.intValue ?? Self.upstreamLargestAnswer
            return .init(text: "A long answer.", promptTokens: 12, completionTokens: cap, delay: .milliseconds(400))
        }
        try await upstream.serve { base in
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            try Self.config.replacingOccurrences(of: "UPSTREAM", with: base).write(toFile: home + "/config.toml", atomically: true, encoding: .utf8)
            let created = try await TauNodeProcess.run(["keys", "create", "--home", home, "--budget", "1", "--json"])
            try #require(created.exitCode == 0, "\(created.standardError)")
            let key = try #require(try JSONValue(parsing: created.standardOutput)["key"]?.stringValue)

            let (answers, exitCode) = try await TauNodeProcess.withServer(home: home, environment: ["TAU_OPENAI_API_KEY": "sk-fake-upstream"]) { url in
                try await withThrowingTaskGroup(of: HTTPProbe.Answer.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            try await HTTPProbe.postJSON(
                                url + "/v1/chat/completions",
                                body: [
                                    "model": "assistant", "stream": true, "stream_options": ["include_usage": true],
                                    "messages": [["role": "user", "content": .string("Write at length about topic \(index).")]],
                                ], headers: ["Authorization": "Bearer \(key)"])
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(exitCode == 0)
            let served = answers.filter { $0.status == 200 }
            let refused = answers.filter { $0.status != 200 }
            #expect(!served.isEmpty && !refused.isEmpty, "\(answers.map(\.status))")
            #expect(served.allSatisfy { $0.body.hasSuffix("data: [DONE]\n\n") })
            for answer in refused {
                let error = try JSONValue(parsing: answer.body)["error"]
                #expect(answer.status == 429 && error?["code"] == "budget_exceeded" && error?["type"] == "insufficient_quota", "\(answer.body)")
                #expect(answer.headers["x-should-retry"] == "false")
            }
            // Every call that went upstream carried an output cap: the node's default for budgeted keys.
            #expect(upstream.requests.count == served.count)
            #expect(upstream.requests.allSatisfy { $0["max_completion_tokens"] == 8192 }, "\(upstream.requests.map { $0["max_completion_tokens"] })")

            let usage = try await TauNodeProcess.run(["usage", "--home", home, "--key", key, "--json"])
            let spent = try #require(try JSONValue(parsing: usage.standardOutput)["cost_usd"]?.doubleValue, "\(usage.standardOutput)")
            // One call costs at most its prompt (a few dozen tokens at $1 per million) and 8,192 output
            // tokens at $30 per million: $0.24576 and change.
            let oneCall = 8192 * 30 / 1e6 + 0.0001
            #expect(spent <= 1 + oneCall, "spent $\(spent) of a $1 budget in \(served.count) calls")
            #expect(spent > 0.5, "spent $\(spent): the budget was used")
        }
    }
}
