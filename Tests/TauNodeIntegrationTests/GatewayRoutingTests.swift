import Foundation
import Synchronization
import TauCore
import TauTesting
import Testing

/// Fallback, retries, rate limits and provider keys of a real `tau-node serve` in front of
/// fake OpenAI upstreams.
@Suite(.serialized)
struct GatewayRoutingTests {
    /// Writes `config` to a new home and creates a key (with `keyOptions`); returns the home and the key.
    static func home(_ directory: TemporaryDirectory, _ config: String, keyOptions: [String] = []) async throws -> (home: String, key: String) {
        let home = directory.appending("node")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try config.write(toFile: home + "/config.toml", atomically: true, encoding: .utf8)
        let created = try await TauNodeProcess.run(["keys", "create", "--home", home, "--json"] + keyOptions)
        try #require(created.exitCode == 0, "\(created.standardError)")
        return (home, try #require(try JSONValue(parsing: created.standardOutput)["key"]?.stringValue))
    }

    static func chat(_ url: String, key: String, model: String = "assistant") async throws -> HTTPProbe.Answer {
        try await HTTPProbe.postJSON(
            url + "/v1/chat/completions", body: ["model": .string(model), "messages": [["role": "user", "content": "Hi"]]],
            headers: ["Authorization": "Bearer \(key)"])
    }

    /// No real provider key of the test machine may reach a fake, nor count as set.
    static let cleanEnvironment = [
        "OPENAI_API_KEY": "", "TAU_OPENAI_API_KEY": "", "TAU_BACKUP_API_KEY": "", "TAU_PROXY_API_KEY": "", "TAU_EXPLICIT_API_KEY": "",
    ]

    @Test func aFirstRouteThatFailsFallsBackToTheNextUpstream() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let primary = FakeOpenAIUpstream { _ in .error(500, "The server had an error while processing your request.") }
        let backup = FakeOpenAIUpstream { _ in .init(text: "From the backup.") }
        try await primary.serve { primaryURL in
            try await backup.serve { backupURL in
                let (home, key) = try await Self.home(
                    directory,
                    """
                    [gateway]
                    max_attempts = 2
                    retry_base_delay = "10ms"

                    [providers.openai]
                    base_url = "\(primaryURL)"

                    [providers.backup]
                    kind = "openai"
                    base_url = "\(backupURL)"
                    api_key = "sk-backup"

                    [routes]
                    assistant = ["openai:gpt-4.1-mini", "backup:gpt-4.1-mini"]
                    """)
                var environment = Self.cleanEnvironment
                environment["TAU_OPENAI_API_KEY"] = "sk-primary"
                let (answer, _) = try await TauNodeProcess.withServer(home: home, environment: environment) { url in
                    try await Self.chat(url, key: key)
                }
                #expect(answer.status == 200, "\(answer.body)")
                #expect(answer.headers["x-tau-route"] == "backup:gpt-4.1-mini")
                #expect(try JSONValue(parsing: answer.body)["choices"]?.arrayValue?.first?["message"]?["content"] == "From the backup.")
                // Tried twice (max_attempts) on the first route, then once on the backup, with its own key.
                #expect(primary.requests.count == 2)
                #expect(backup.requests.count == 1)
                #expect(backup.lastHeaders["authorization"] == "Bearer sk-backup")
            }
        }
    }

    @Test func aRateLimitedCallIsRetriedOnTheSameRoute() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let calls = Mutex(0)
        let upstream = FakeOpenAIUpstream { _ in
            calls.withLock { count -> Int in
                count += 1
                return count
            } == 1
                ? .error(429, "Rate limit reached for requests", headers: ["retry-after-ms": "50"]) : .init(text: "After the wait.")
        }
        try await upstream.serve { base in
            let (home, key) = try await Self.home(
                directory,
                """
                [gateway]
                retry_base_delay = "10ms"

                [providers.openai]
                base_url = "\(base)"

                [routes]
                assistant = ["openai:gpt-4.1-mini"]
                """)
            var environment = Self.cleanEnvironment
            environment["TAU_OPENAI_API_KEY"] = "sk-fake"
            let (answer, _) = try await TauNodeProcess.withServer(home: home, environment: environment) { url in
                try await Self.chat(url, key: key)
            }
            #expect(answer.status == 200, "\(answer.body)")
            #expect(try JSONValue(parsing: answer.body)["choices"]?.arrayValue?.first?["message"]?["content"] == "After the wait.")
            #expect(upstream.requests.count == 2)
            let usage = try await TauNodeProcess.run(["usage", "--home", home, "--json"])
            let statuses = try JSONValue(parsing: usage.standardOutput)["calls"]?.arrayValue?.compactMap { $0["status"]?.stringValue }
            #expect(statuses == ["ok"], "\(usage.standardOutput)")
        }
    }

    @Test func aKeysRequestsPerMinuteAreLimitedWithTheReasonCode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let upstream = FakeOpenAIUpstream { _ in .init(text: "ok") }
        try await upstream.serve { base in
            let (home, key) = try await Self.home(
                directory, "[providers.openai]\nbase_url = \"\(base)\"\n[routes]\nassistant = [\"openai:gpt-4.1-mini\"]\n",
                keyOptions: ["--rpm", "3"])
            var environment = Self.cleanEnvironment
            environment["TAU_OPENAI_API_KEY"] = "sk-fake"
            let (answers, _) = try await TauNodeProcess.withServer(home: home, environment: environment) { url in
                var answers: [HTTPProbe.Answer] = []
                for _ in 0..<4 { answers.append(try await Self.chat(url, key: key)) }
                return answers
            }
            #expect(answers.map(\.status) == [200, 200, 200, 429])
            let refused = try #require(answers.last)
            #expect(try JSONValue(parsing: refused.body)["error"]?["code"] == "rate_limited", "\(refused.body)")
            #expect(try JSONValue(parsing: refused.body)["error"]?["type"] == "rate_limit_error")
            #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1)
            #expect(upstream.requests.count == 3)
        }
    }

    @Test func aProviderWithABaseURLOfItsOwnGetsNoKeyOfItsKindFromTheEnvironment() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let upstream = FakeOpenAIUpstream { _ in .init(text: "ok") }
        try await upstream.serve { base in
            let (home, key) = try await Self.home(
                directory,
                """
                # A third-party server under OpenAI's own table, and under a table of its own.
                [providers.openai]
                base_url = "\(base)"

                [providers.proxy]
                kind = "openai"
                base_url = "\(base)"
                """)
            var environment = Self.cleanEnvironment
            environment["OPENAI_API_KEY"] = "sk-real-openai-key"
            let (answers, exitCode) = try await TauNodeProcess.withServer(home: home, environment: environment) { url in
                [try await Self.chat(url, key: key, model: "openai:gpt-4.1-mini"), try await Self.chat(url, key: key, model: "proxy:gpt-4.1-mini")]
            }
            #expect(exitCode == 0)
            // OPENAI_API_KEY is for api.openai.com: no table with a base_url of its own sends it
            // anywhere else, so the calls fail for want of a key and nothing reaches the server.
            for answer in answers {
                #expect(answer.status == 502, "\(answer.body)")
                #expect(answer.body.contains("upstream_auth_failed"), "\(answer.body)")
            }
            #expect(upstream.requests.isEmpty, "\(upstream.lastHeaders)")
        }
    }

    @Test func aVariableNamedWithAPIKeyEnvIsSentToItsTablesBaseURL() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let upstream = FakeOpenAIUpstream { _ in .init(text: "ok") }
        try await upstream.serve { base in
            let (home, key) = try await Self.home(
                directory,
                """
                [providers.explicit]
                kind = "openai"
                base_url = "\(base)"
                api_key_env = "OPENAI_API_KEY"
                """)
            var environment = Self.cleanEnvironment
            environment["OPENAI_API_KEY"] = "sk-real-openai-key"
            let (answer, _) = try await TauNodeProcess.withServer(home: home, environment: environment) { url in
                try await Self.chat(url, key: key, model: "explicit:gpt-4.1-mini")
            }
            #expect(answer.status == 200, "\(answer.body)")
            #expect(upstream.lastHeaders["authorization"] == "Bearer sk-real-openai-key")
        }
    }

    @Test func aRouteThroughAProviderWithoutItsOwnKeyStopsServeWithTheVariablesToSet() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (home, _) = try await Self.home(
            directory,
            """
            [providers.proxy]
            kind = "openai"
            base_url = "http://127.0.0.1:9/v1"

            [routes]
            assistant = ["proxy:gpt-4.1-mini"]
            """)
        var environment = Self.cleanEnvironment
        environment["OPENAI_API_KEY"] = "sk-real-openai-key"
        environment["TAU_OPENAI_API_KEY"] = "sk-real-openai-key"
        let refused = try await TauNodeProcess.run(["serve", "--home", home, "--port", "0"], environment: environment)
        #expect(refused.exitCode == 77, "\(refused.standardError)")
        #expect(refused.standardError.contains("TAU_PROXY_API_KEY"), "\(refused.standardError)")
        #expect(refused.standardError.contains("api_key_env"), "\(refused.standardError)")
    }
}
