import Foundation
import Subprocess
import SystemPackage
import TauCore
import TauTesting
import Testing

/// The model gateway of a real `tau-node serve`, in front of a fake OpenAI upstream,
/// called by the official `openai` Python client and managed with `tau-node keys`.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct GatewayTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func writeConfig(_ home: String, upstream: String, extra: String = "") throws {
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let config = """
            [providers.openai]
            base_url = "\(upstream)"

            [routes]
            assistant = ["openai:gpt-4.1-mini"]
            \(extra)
            """
        try config.write(toFile: home + "/config.toml", atomically: true, encoding: .utf8)
    }

    @Test func theOfficialOpenAIClientGetsToolCallsStreamedAndNot() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        let upstream = FakeOpenAIUpstream { body in
            body["response_format"] == nil
                ? .init(toolCall: (name: "get_weather", arguments: #"{"city": "Paris"}"#), promptTokens: 70, completionTokens: 18)
                : .init(text: #"{"city":"Paris","temperature_c":18.5}"#, promptTokens: 70, completionTokens: 18)
        }
        try await upstream.serve { base in
            try Self.writeConfig(home, upstream: base)
            let created = try await TauNodeProcess.run(["keys", "create", "--home", home, "--name", "interop", "--json"])
            #expect(created.exitCode == 0, "\(created.standardError)")
            let key = try #require(try JSONValue(parsing: created.standardOutput)["key"]?.stringValue)

            let (output, exitCode) = try await TauNodeProcess.withServer(home: home, environment: ["TAU_OPENAI_API_KEY": "sk-fake-upstream"]) { url in
                let script = Self.repository.appendingPathComponent("scripts/interop/openai_client_check.py").path
                let result = try await Subprocess.run(
                    .name("python3"), arguments: [script, url, key, "assistant"], output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
                guard result.terminationStatus.isSuccess else {
                    throw TestingError("openai client check failed: \(result.standardError)\n\(result.standardOutput)")
                }
                return result.standardOutput
            }
            #expect(exitCode == 0)
            let result = try JSONValue(parsing: output)
            #expect(result["plain"]?["finish_reason"] == "tool_calls")
            #expect(result["plain"]?["tool"] == "get_weather")
            #expect(result["plain"]?["arguments"] == ["city": "Paris"])
            #expect(result["plain"]?["prompt_tokens"] == 70)
            #expect(result["stream"]?["finish_reason"] == "tool_calls")
            #expect(result["stream"]?["arguments"] == ["city": "Paris"])
            #expect(result["stream"]?["call_id"] == "call_Xq1f3")
            #expect(result["stream"]?["completion_tokens"] == 18)
            #expect(result["structured"] == ["city": "Paris", "temperature_c": 18.5])
            #expect(result["wrong_key"]?["status"] == 401)
            #expect(result["unknown_model"]?["status"] == 404)
            #expect(result["models"]?.arrayValue?.contains("assistant") == true)
            #expect(result["models"]?.arrayValue?.contains("gpt-4.1-mini") == true)

            // The three calls went upstream with the provider key and were charged to the key;
            // the structured one carried the client's strict schema.
            #expect(upstream.requests.count == 3)
            let format = upstream.requests.last?["response_format"]
            #expect(format?["type"] == "json_schema")
            #expect(format?["json_schema"]?["name"] == "CityWeather")
            #expect(format?["json_schema"]?["strict"] == true)
            #expect(format?["json_schema"]?["schema"]?["required"] == ["city", "temperature_c"])
            #expect(upstream.lastHeaders["authorization"] == "Bearer sk-fake-upstream")
            let listed = try await TauNodeProcess.run(["keys", "list", "--home", home, "--json"])
            let entry = try #require(try JSONValue(parsing: listed.standardOutput)["keys"]?.arrayValue?.first)
            let calls = try await TauNodeProcess.run(["usage", "--home", home, "--json"])
            #expect(try JSONValue(parsing: calls.standardOutput)["calls"]?.arrayValue?.count == 3, "\(calls.standardOutput)")
            #expect(entry["requests"] == 3)
            // gpt-4.1-mini: $0.40 in / $1.60 out per million: 70 × 0.4 + 18 × 1.6 = 56.8 micro-USD a call,
            // charged 57 (rounded up once per call), so three calls spent exactly $0.000171.
            #expect(entry["spent_usd"] == 0.000171)
        }
    }

    @Test func keysCommandsValidateAndRevoke() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        let created = try await TauNodeProcess.run(["keys", "create", "--home", home, "--budget", "5", "--rpm", "60", "--models", "a, b", "--json"])
        #expect(created.exitCode == 0)
        let json = try JSONValue(parsing: created.standardOutput)
        let token = try #require(json["key"]?.stringValue)
        #expect(token.hasPrefix("tau_"))
        #expect(json["models"] == ["a", "b"])
        #expect(json["budget_usd"] == 5)
        // The secret is not stored: only its hash. Every file of the database counts: a fresh
        // write sits in the write-ahead log (node.sqlite-wal) until a checkpoint, which a
        // process that still has the database open (a running serve) holds back.
        let files = try FileManager.default.contentsOfDirectory(atPath: home).filter { $0.hasPrefix("node.sqlite") }
        let database = try files.map { try String(contentsOfFile: home + "/" + $0, encoding: .isoLatin1) }.joined()
        // A control, so the search can fail: the key's id was written and is found.
        let id = try #require(json["id"]?.stringValue)
        #expect(database.contains(id))
        #expect(!database.contains(String(token.suffix(48))))

        #expect(try await TauNodeProcess.run(["keys", "create", "--home", home, "--budget", "-1"]).exitCode == 64)
        for (budget, message) in [
            ("0", "--budget must be a positive amount of USD."), ("abc", "--budget: \"abc\" is not an amount such as 25"),
            ("1e3", "--budget: \"1e3\" is not an amount"),
            ("0.0000001", "has more than 6 decimal places"), ("99999999999999", "is beyond the range of an amount"),
        ] {
            let refused = try await TauNodeProcess.run(["keys", "create", "--home", home, "--budget", budget])
            #expect(refused.exitCode == 64, "\(budget)")
            #expect(refused.standardError.contains(message), "\(budget): \(refused.standardError)")
        }
        // Amounts are read exactly: 0.1 is a tenth of a dollar, not the binary fraction nearest to it.
        let tenth = try await TauNodeProcess.run(["keys", "create", "--home", home, "--budget", "0.1", "--json"])
        #expect(try JSONValue(parsing: tenth.standardOutput)["budget_usd"] == 0.1)
        let table = try await TauNodeProcess.run(["keys", "list", "--home", home])
        #expect(table.standardOutput.contains("$5.0000") && table.standardOutput.contains("$0.1000"), "\(table.standardOutput)")
        #expect(try await TauNodeProcess.run(["keys", "revoke", "--home", home, "0123456789ab"]).exitCode == 66)
        let revoked = try await TauNodeProcess.run(["keys", "revoke", "--home", home, token, "--json"])
        #expect(revoked.exitCode == 0)
        let listed = try JSONValue(parsing: try await TauNodeProcess.run(["keys", "list", "--home", home, "--json"]).standardOutput)
        #expect(listed["keys"]?.arrayValue?.first?["revoked"] == true)
        #expect(listed["keys"]?.arrayValue?.first?["spent_usd"] == 0)
    }

    @Test func serveRefusesUnsafeOrIncompleteGatewayConfiguration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        try Self.writeConfig(home, upstream: "http://127.0.0.1:9/v1", extra: "\n[gateway]\nauth = \"localhost-dev\"\n")
        let exposed = try await TauNodeProcess.run(["serve", "--home", home, "--host", "0.0.0.0", "--port", "0"])
        #expect(exposed.exitCode == 65)
        #expect(exposed.standardError.contains("localhost-dev"))

        try Self.writeConfig(home, upstream: "http://127.0.0.1:9/v1", extra: "fallback = [\"anthropic:claude-haiku-4-5\"]\n")
        let missing = try await TauNodeProcess.run(
            ["serve", "--home", home, "--port", "0"], environment: ["ANTHROPIC_API_KEY": "", "TAU_ANTHROPIC_API_KEY": "", "TAU_OPENAI_API_KEY": "x"])
        #expect(missing.exitCode == 77)
        #expect(missing.standardError.contains("TAU_ANTHROPIC_API_KEY or ANTHROPIC_API_KEY"))
    }
}
