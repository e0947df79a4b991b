import Foundation
import TauCore
import TauTesting
import Testing

/// keys-example/ is what the docs point newcomers to; it must keep working.
@Suite(.timeLimit(.minutes(10)))
struct KeysExampleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func exampleIdentityRestoresAndVerifies() async throws {
        let example = Self.repository + "/keys-example"
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("example")
        let restored = try await TauNodeProcess.run(
            ["init", "--home", home, "--restore-keystore", example + "/keystore.json", "--restore-log", example + "/did-log.jsonl", "--json"],
            passphrase: "tau-example-passphrase")
        #expect(restored.exitCode == 0, "\(restored.standardError)")
        let did = try JSONValue(parsing: restored.standardOutput)["did"]?.stringValue
        #expect(did == "did:tau:QmZVTUAe9AuEFp7S7o7EHzDdAy2eWa1f9BCjc9KVwb7baA")
        let signature = try JSONValue(parsing: Array(FileManager.default.contents(atPath: example + "/hello.txt.sig.json") ?? Data()))
        let verified = try await TauNodeProcess.run([
            "id", "verify", example + "/hello.txt", "--home", home, "--did", did ?? "",
            "--signature", signature["signature"]?.stringValue ?? "",
        ])
        #expect(verified.exitCode == 0, "\(verified.standardError)")
        let wrong = try await TauNodeProcess.run(
            ["init", "--home", directory.appending("other"), "--restore-keystore", example + "/keystore.json", "--restore-log", example + "/did-log.jsonl"],
            passphrase: "not the example passphrase")
        #expect(wrong.exitCode == 77)
    }
}
