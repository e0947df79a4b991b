import Foundation
import TauCore
import TauTesting
import Testing

/// `tau-node run` and `tau-node sessions` as child processes, against a scripted model server
/// that speaks OpenAI's wire format.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AgentCLITests {
    /// Every provider variable set empty, so that keys in the developer's environment do not count.
    static let noProviderKeys: [String: String] = Dictionary(
        uniqueKeysWithValues: ["OPENAI", "ANTHROPIC", "GEMINI", "GOOGLE", "OPENROUTER", "DEEPSEEK", "XAI", "MISTRAL", "GROQ"].flatMap {
            [($0 + "_API_KEY", ""), ("TAU_" + $0 + "_API_KEY", "")]
        })
    static var withKey: [String: String] { noProviderKeys.merging(["TAU_OPENAI_API_KEY": "sk-scripted"]) { $1 } }

    struct Setup {
        let directory: TemporaryDirectory
        var home: String { directory.appending("node") }
        var workspace: String { directory.appending("work") }

        init(upstream: String?) throws {
            directory = try TemporaryDirectory()
            try FileManager.default.createDirectory(atPath: directory.appending("node"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: directory.appending("work"), withIntermediateDirectories: true)
            if let upstream {
                try "[providers.openai]\nbase_url = \"\(upstream)\"\n\n[agent]\nmodel = \"openai:gpt-4.1-mini\"\n"
                    .write(toFile: directory.appending("node/config.toml"), atomically: true, encoding: .utf8)
            }
        }

        func tau(_ arguments: [String], environment: [String: String] = AgentCLITests.withKey, input: String? = nil) async throws -> TauNodeProcess.Result {
            try await TauNodeProcess.run(arguments + ["--home", home], input: input, environment: environment)
        }
    }

    @Test func runEditsAFileStreamsTheAnswerAndKeepsTheSession() async throws {
        let server = ScriptedModelServer([
            .toolCalls([(name: "read_file", arguments: #"{"path":"greeting.txt"}"#)]),
            .toolCalls([(name: "edit_file", arguments: #"{"path":"greeting.txt","old_text":"Hello","new_text":"Goodbye"}"#)]),
            .text("Changed the greeting."),
            .text("It says Goodbye now."),
        ])
        try await server.serve { base in
            let setup = try Setup(upstream: base)
            defer { setup.directory.remove() }
            try "Hello, world\n".write(toFile: setup.workspace + "/greeting.txt", atomically: true, encoding: .utf8)
            let run = try await setup.tau(["run", "Change Hello to Goodbye", "--workspace", setup.workspace, "--approval", "auto"])
            #expect(run.exitCode == 0, "\(run.standardError)")
            #expect(run.standardOutput == "Changed the greeting.\n")
            #expect(run.standardError.contains("• read_file"))
            #expect(run.standardError.contains("• edit_file"))
            #expect(run.standardError.contains("[completed] 3 model calls"))
            #expect(try String(contentsOfFile: setup.workspace + "/greeting.txt", encoding: .utf8) == "Goodbye, world\n")

            let listed = try JSONValue(parsing: try await setup.tau(["sessions", "list", "--json"]).standardOutput)
            let id = try #require(listed["sessions"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(listed["sessions"]?.arrayValue?.first?["title"] == "Change Hello to Goodbye")

            // --continue resumes it; --json prints one event per line.
            let resumed = try await setup.tau(["run", "What does it say?", "--continue", "--json", "--workspace", setup.workspace])
            #expect(resumed.exitCode == 0, "\(resumed.standardError)")
            let events = try resumed.standardOutput.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
            #expect(events.first?["type"] == "run_started" && events.first?["session_id"] == .string(id))
            #expect(events.last?["type"] == "finished" && events.last?["outcome"] == "completed")
            #expect(events.contains { $0["type"] == "text_delta" })
            let lastRequest = server.requests.last?["messages"]?.arrayValue ?? []
            #expect(lastRequest.count == 8, "system, the first prompt, 3 answers, 2 tool results, the second prompt")

            let shown = try await setup.tau(["sessions", "show", id])
            #expect(shown.standardOutput.contains("[user] What does it say?"))
            #expect(shown.standardOutput.contains("→ edit_file"))

            // Export, import into another home, export again: the same bytes.
            let exported = try await setup.tau(["sessions", "export", id])
            #expect(exported.exitCode == 0)
            let other = try Setup(upstream: nil)
            defer { other.directory.remove() }
            let transcript = other.directory.appending("t.jsonl")
            try exported.standardOutput.write(toFile: transcript, atomically: true, encoding: .utf8)
            #expect(try await other.tau(["sessions", "import", transcript]).exitCode == 0)
            #expect(try await other.tau(["sessions", "export", id]).standardOutput == exported.standardOutput)
            let again = try await other.tau(["sessions", "import", transcript])
            #expect(again.exitCode == 73 && again.standardError.contains("session_exists"))

            // Branch back to the first answer, then delete.
            let entries = try JSONValue(parsing: try await setup.tau(["sessions", "show", id, "--json"]).standardOutput)["entries"]?.arrayValue ?? []
            let first = try #require(entries.first?["id"]?.stringValue)
            #expect(try await setup.tau(["sessions", "branch", id, first]).exitCode == 0)
            #expect(try JSONValue(parsing: try await setup.tau(["sessions", "list", "--json"]).standardOutput)["sessions"]?.arrayValue?.first?["head"] == .string(first))
            #expect(try await setup.tau(["sessions", "rm", id]).exitCode == 0)
            #expect(try await setup.tau(["sessions", "show", id]).exitCode == 66)
        }
    }

    @Test func withoutATerminalWritesNeedApprovalGivenInAdvance() async throws {
        let server = ScriptedModelServer([
            .toolCalls([(name: "write_file", arguments: #"{"path":"out.txt","content":"hi"}"#)]),
            .text("I could not write it."),
        ])
        try await server.serve { base in
            let setup = try Setup(upstream: base)
            defer { setup.directory.remove() }
            let run = try await setup.tau(["run", "write out.txt", "--workspace", setup.workspace])
            #expect(run.exitCode == 0, "\(run.standardError)")
            #expect(run.standardError.contains("✗ approval_required"))
            #expect(!FileManager.default.fileExists(atPath: setup.workspace + "/out.txt"))
            let audit = try await setup.tau(["audit", "--json"])
            #expect(audit.standardOutput.contains("approval_denied"), "\(audit.standardOutput)")
            #expect(try await setup.tau(["run", "x", "--approval", "sometimes"]).exitCode == 64)
        }
    }

    @Test func toolsOfAConfiguredMCPServerAreOfferedAndPoliced() async throws {
        let server = ScriptedModelServer([
            .toolCalls([(name: "mcp__kit__echo", arguments: #"{"text":"hello over stdio"}"#), (name: "mcp__kit__secret", arguments: "{}")]),
            .text("done"),
        ])
        try await server.serve { base in
            let setup = try Setup(upstream: base)
            defer { setup.directory.remove() }
            let binary = URL(fileURLWithPath: TauNodeProcess.binaryPath).deletingLastPathComponent().appendingPathComponent("tau-mcp-test-server").path
            let config = try String(contentsOfFile: setup.home + "/config.toml", encoding: .utf8)
                + "\n[mcp.servers.kit]\ncommand = \"\(binary)\"\n\n[mcp.servers.broken]\ncommand = \"/nonexistent/mcp-server\"\n"
            try config.write(toFile: setup.home + "/config.toml", atomically: true, encoding: .utf8)
            let run = try await setup.tau(["run", "use the kit", "--workspace", setup.workspace, "--approval", "auto", "--json"])
            #expect(run.exitCode == 0, "\(run.standardError)")
            // The broken server is reported; the working one serves.
            #expect(run.standardError.contains("MCP server broken"))
            let tools = server.requests.first?["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue } ?? []
            #expect(tools.contains("mcp__kit__echo") && tools.contains("read_file"))
            let results = run.standardOutput.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }.filter { $0["type"] == "tool_result" }
            #expect(results.first?["output"] == "hello over stdio")
            // The fake key the server prints never reaches the model.
            #expect(results.last?["output"]?.stringValue?.contains("[REDACTED:") == true)
            #expect(!(server.requests.last?.canonicalString().contains("sk-test-") ?? true))
        }
    }

    @Test func withoutAProviderRunSaysWhatToSet() async throws {
        let setup = try Setup(upstream: nil)
        defer { setup.directory.remove() }
        let run = try await setup.tau(["run", "hello", "--workspace", setup.workspace], environment: Self.noProviderKeys)
        #expect(run.exitCode == 69)
        #expect(run.standardError.contains("error[provider_missing]"))
        for hint in ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "[providers.", "kind = \"local\""] {
            #expect(run.standardError.contains(hint), "\(hint)")
        }
        let json = try await setup.tau(["run", "hello", "--json"], environment: Self.noProviderKeys)
        #expect(try JSONValue(parsing: json.standardOutput)["error"]?["code"] == "provider_missing")
    }

    @Test func badInputGetsReasonCodes() async throws {
        let setup = try Setup(upstream: "http://127.0.0.1:1/v1")
        defer { setup.directory.remove() }
        #expect(try await setup.tau(["run", "  "]).standardError.contains("prompt_empty"))
        #expect(try await setup.tau(["run", "x", "--workspace", "/nonexistent/dir"]).standardError.contains("workspace_invalid"))
        #expect(try await setup.tau(["run", "x", "--session", "ses_nope"]).standardError.contains("session_not_found"))
        #expect(try await setup.tau(["run", "x", "--model", "nonexistent-model-9"]).standardError.contains("agent_model_unavailable"))
        #expect(try await setup.tau(["run", "x", "--max-turns", "0"]).exitCode == 64)
        // A dead upstream: the run ends model_error, exit 69, and the prompt is kept in the session.
        let dead = try await setup.tau(["run", "hello", "--workspace", setup.workspace])
        #expect(dead.exitCode == 69, "\(dead.standardError)")
        #expect(dead.standardError.contains("[model_error]"))
        let garbage = setup.directory.appending("bad.jsonl")
        try "{nope\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        #expect(try await setup.tau(["sessions", "import", garbage]).standardError.contains("transcript_invalid"))
    }

    /// Two `run` processes on one session at once, with sessions in SQLite and in PostgreSQL.
    @Test(arguments: [false, true])
    func twoWritersOnOneSessionNeverCorruptIt(onPostgres: Bool) async throws {
        var environment = Self.withKey
        if onPostgres {
            guard let database = try await TestPostgres.createDatabase() else { return }
            environment["TAU_DATABASE_URL"] = database
        }
        let shared = environment
        let slow = ScriptedModelServer.Step.slowText(String(repeating: "chunk ", count: 30), interval: .milliseconds(20))
        let server = ScriptedModelServer([.text("first"), slow, slow, slow, slow])
        try await server.serve { base in
            let setup = try Setup(upstream: base)
            defer { setup.directory.remove() }
            #expect(try await setup.tau(["run", "start", "--workspace", setup.workspace], environment: shared).exitCode == 0)
            let listed = try JSONValue(parsing: try await setup.tau(["sessions", "list", "--json"], environment: shared).standardOutput)
            let id = try #require(listed["sessions"]?.arrayValue?.first?["id"]?.stringValue)
            async let one = setup.tau(["run", "writer one", "--session", id, "--workspace", setup.workspace], environment: shared)
            async let two = setup.tau(["run", "writer two", "--session", id, "--workspace", setup.workspace], environment: shared)
            let results = try await [one, two]
            let codes = results.map(\.exitCode).sorted()
            #expect(codes == [0, 73] || codes == [0, 0], "\(results.map(\.standardError))")
            for result in results where result.exitCode == 73 {
                #expect(result.standardError.contains("session_conflict"))
            }
            // Whatever happened, the stored tree reads back as a valid transcript, and the
            // winner's branch continues where it left off.
            let exported = try await setup.tau(["sessions", "export", id], environment: shared)
            let check = try Setup(upstream: nil)
            defer { check.directory.remove() }
            let file = check.directory.appending("t.jsonl")
            try exported.standardOutput.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try await check.tau(["sessions", "import", file]).exitCode == 0)
            let shown = try await setup.tau(["sessions", "show", id], environment: shared)
            #expect(shown.standardOutput.contains("[user] writer"))
        }
    }

    @Test func ctrlCStopsTheRunAndKeepsWhatArrived() async throws {
        let server = ScriptedModelServer([.slowText(String(repeating: "word ", count: 400), interval: .milliseconds(20))])
        try await server.serve { base in
            let setup = try Setup(upstream: base)
            defer { setup.directory.remove() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TauNodeProcess.binaryPath)
            process.arguments = ["run", "write a lot", "--home", setup.home, "--workspace", setup.workspace]
            process.environment = ProcessInfo.processInfo.environment.merging(Self.withKey) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = Pipe()
            try process.run()
            // Wait for the first words, then press Ctrl-C.
            let first = output.fileHandleForReading.availableData
            #expect(String(decoding: first, as: UTF8.self).hasPrefix("word"))
            process.interrupt()
            process.waitUntilExit()
            #expect(process.terminationStatus == 130)
            let listed = try JSONValue(parsing: try await setup.tau(["sessions", "list", "--json"]).standardOutput)
            let id = try #require(listed["sessions"]?.arrayValue?.first?["id"]?.stringValue)
            let entries = try JSONValue(parsing: try await setup.tau(["sessions", "show", id, "--json"]).standardOutput)["entries"]?.arrayValue ?? []
            #expect(entries.count == 2)
            #expect(entries.last?["content"]?["interrupted"] == true)
        }
    }
}
