import Foundation
import Subprocess
import SystemPackage
import TauCore
import TauTesting
import Testing

/// The official A2A Python SDK (a2a-sdk 1.3.0, in the virtual environment
/// scripts/install-deps.sh makes: `$TAU_A2A_VENV`, by default `~/.cache/tau-node/a2a-venv`)
/// against a real `tau-node serve` with an identity, an API key and a scripted model:
/// it verifies the signed card and sends tasks over A2A 1.0 (plain and streamed) and 0.3.
/// Without the environment the test fails, as the DIDComm interop tests do.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct A2AInteropTests {
    static let passphrase = "a2a interop passphrase"

    static var python: String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["TAU_A2A_VENV"], !explicit.isEmpty { return explicit + "/bin/python3" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/tau-node/a2a-venv/bin/python3"
    }

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/interop/a2a_client_check.py").path

    @Test func theOfficialClientVerifiesTheCardAndGetsCompletedTasks() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw TestingError("no Python with a2a-sdk at \(Self.python): run scripts/install-deps.sh")
        }
        let server = ScriptedModelServer([.text("Plain answer."), .text("Streamed answer."), .text("Legacy answer.")])
        try await server.serve { base in
            let setup = try AgentCLITests.Setup(upstream: nil)
            defer { setup.directory.remove() }
            let created = try await TauNodeProcess.run(["init", "--home", setup.home, "--name", "a2a", "--json"], passphrase: Self.passphrase)
            #expect(created.exitCode == 0, "\(created.standardError)")
            let did = try #require(try JSONValue(parsing: created.standardOutput)["did"]?.stringValue)
            let config = try String(contentsOfFile: setup.home + "/config.toml", encoding: .utf8)
                + "\n[providers.openai]\nbase_url = \"\(base)\"\n\n[agent]\nmodel = \"openai:gpt-4.1-mini\"\nworkspace = \"\(setup.workspace)\"\napproval = \"auto\"\n"
            try config.write(toFile: setup.home + "/config.toml", atomically: true, encoding: .utf8)
            let key = try await RunsAPITests.key(setup)

            let (output, exitCode) = try await TauNodeProcess.withServer(
                home: setup.home, passphrase: Self.passphrase, environment: RunsAPITests.environment
            ) { url in
                let result = try await Subprocess.run(
                    .path(FilePath(Self.python)), arguments: [Self.script, url, key], output: .string(limit: 1 << 20),
                    error: .string(limit: 1 << 20))
                guard result.terminationStatus.isSuccess else {
                    throw TestingError("a2a client check failed: \(result.standardError)\n\(result.standardOutput)")
                }
                return result.standardOutput
            }
            #expect(exitCode == 0)
            let seen = try JSONValue(parsing: output)
            #expect(seen["card"]?["verified"] == true && seen["card"]?["forged_verified"] == false)
            #expect(seen["card"]?["did"] == .string(did))
            #expect(seen["card"]?["streaming"] == true)
            #expect(seen["card"]?["skills"]?.arrayValue?.contains("agent") == true)
            #expect(seen["plain"]?["state"] == "TASK_STATE_COMPLETED" && seen["plain"]?["answer"] == "Plain answer.", "\(seen)")
            #expect(seen["plain"]?["events"] == ["task"])
            #expect(seen["stream"]?["state"] == "TASK_STATE_COMPLETED" && seen["stream"]?["answer"] == "Streamed answer.", "\(seen)")
            #expect(seen["stream"]?["events"]?.arrayValue?.first == "task")
            #expect(seen["stream"]?["events"]?.arrayValue?.contains("artifact_update") == true)
            #expect(seen["stream"]?["events"]?.arrayValue?.last == "status_update")
            #expect(seen["legacy"]?["state"] == "TASK_STATE_COMPLETED" && seen["legacy"]?["answer"] == "Legacy answer.", "\(seen)")
            #expect(seen["unknown_task"] == "TaskNotFoundError")
            #expect(seen["plain"]?["task_id"]?.stringValue?.hasPrefix("run_") == true)
        }
    }
}
