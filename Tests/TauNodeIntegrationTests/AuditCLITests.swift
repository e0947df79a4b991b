import Foundation
import TauAgent
import TauCore
import TauStore
import TauTesting
import Testing

/// `tau-node audit` as a child process, reading events a test wrote through the store API:
/// SQLite in the home, and PostgreSQL through `TAU_DATABASE_URL`.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AuditCLITests {
    /// A fake key that must never come back out.
    static let fakeKey = "sk-proj-AUDITTEST0123456789abcdefghijKLMN"

    /// Four events over the last three hours, newest last.
    static func events(now: Date) -> [AuditEvent] {
        [
            AuditEvent(
                id: "aud_1", time: now.addingTimeInterval(-3 * 3600), kind: .toolBlocked, sessionID: "s1", runID: "r1", tool: "bash",
                detail: ["code": "tool_denied", "message": "bash may not be called"]),
            AuditEvent(
                id: "aud_2", time: now.addingTimeInterval(-1800), kind: .redaction, sessionID: "s1", runID: "r1", tool: "bash",
                detail: ["source": "tool_output", "findings": [["kind": "openai_key", "count": 1]], "note": .string("saw \(fakeKey)")]),
            AuditEvent(
                id: "aud_3", time: now.addingTimeInterval(-600), kind: .injectionFlagged, sessionID: "s2", runID: "r2", tool: "http_fetch",
                detail: ["handling": "flag", "count": 1]),
            AuditEvent(id: "aud_4", time: now.addingTimeInterval(-60), kind: .approvalGranted, sessionID: "s2", tool: "write_file", detail: ["by": "operator"]),
        ]
    }

    func tau(_ arguments: [String], environment: [String: String] = [:]) async throws -> TauNodeProcess.Result {
        try await TauNodeProcess.run(["audit"] + arguments, environment: environment)
    }

    func ids(_ result: TauNodeProcess.Result) throws -> [String] {
        try JSONValue(parsing: result.standardOutput)["events"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test func showsEventsFromTheHomesDatabase() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let now = Date()
        let store = try await Store.open(.sqlite(path: home + "/node.sqlite"))
        for event in Self.events(now: now) { try await store.audit.record(event) }
        await store.close()

        let all = try await tau(["--home", home, "--json"])
        #expect(all.exitCode == 0, "\(all.standardError)")
        let body = try JSONValue(parsing: all.standardOutput)
        #expect(body["count"] == 4)
        #expect(try ids(all) == ["aud_4", "aud_3", "aud_2", "aud_1"])
        let newest = try #require(body["events"]?.arrayValue?.first)
        #expect(newest["kind"] == "approval_granted" && newest["session_id"] == "s2" && newest["run_id"] == .null && newest["tool"] == "write_file")
        #expect(newest["time"] == .string(Timestamp.format(now.addingTimeInterval(-60))))
        #expect(newest["detail"] == ["by": "operator"])
        #expect(!all.standardOutput.contains(Self.fakeKey), "the secret never reaches the log")
        #expect(all.standardOutput.contains("saw [REDACTED:openai_key]"))

        #expect(try ids(try await tau(["--home", home, "--json", "--kind", "redaction"])) == ["aud_2"])
        #expect(try ids(try await tau(["--home", home, "--json", "--session", "s1"])) == ["aud_2", "aud_1"])
        #expect(try ids(try await tau(["--home", home, "--json", "--since", "1h"])) == ["aud_4", "aud_3", "aud_2"])
        #expect(try ids(try await tau(["--home", home, "--json", "--since", Timestamp.format(now.addingTimeInterval(-1200))])) == ["aud_4", "aud_3"])
        #expect(try ids(try await tau(["--home", home, "--json", "--limit", "1"])) == ["aud_4"])
        #expect(try ids(try await tau(["--home", home, "--json", "--kind", "tool_blocked", "--session", "s2"])) == [])

        let text = try await tau(["--home", home, "--session", "s2"])
        #expect(text.exitCode == 0)
        let lines = text.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(text.standardOutput)")
        #expect(lines.first?.hasPrefix("TIME") == true && lines.first?.contains("KIND") == true)
        #expect(lines[1].contains("approval_granted") && lines[1].contains("write_file") && lines[1].contains(#"{"by":"operator"}"#))
        #expect(lines[2].contains("injection_flagged") && lines[2].contains("http_fetch"))

        let none = try await tau(["--home", home, "--kind", "path_refused"])
        #expect(none.exitCode == 0)
        #expect(none.standardOutput == "No audit events match.\n")
    }

    @Test func aFreshHomeHasNoEvents() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let empty = try await tau(["--home", directory.appending("node")])
        #expect(empty.exitCode == 0, "\(empty.standardError)")
        #expect(empty.standardOutput == "No audit events yet.\n")
        let json = try await tau(["--home", directory.appending("node"), "--json"])
        #expect(try JSONValue(parsing: json.standardOutput) == ["count": 0, "events": []])
    }

    @Test func badFlagsFailWithAReasonCode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")

        let kind = try await tau(["--home", home, "--kind", "nonsense"])
        #expect(kind.exitCode == 65)
        #expect(kind.standardError.contains("error[audit_kind_unknown]"))
        #expect(kind.standardError.contains("tool_blocked, tool_rate_limited, redaction"))
        let kindJSON = try await tau(["--home", home, "--kind", "nonsense", "--json"])
        #expect(kindJSON.exitCode == 65)
        #expect(try JSONValue(parsing: kindJSON.standardOutput)["error"]?["code"] == "audit_kind_unknown")

        let since = try await tau(["--home", home, "--since", "yesterday"])
        #expect(since.exitCode == 65)
        #expect(since.standardError.contains("error[audit_since_invalid]"))
        let limit = try await tau(["--home", home, "--limit", "0"])
        #expect(limit.exitCode == 65)
        #expect(limit.standardError.contains("error[audit_limit_invalid]"))
        #expect(try await tau(["--home", home, "--limit", "many"]).exitCode == 64, "not a number: argument parser usage error")
        #expect(!FileManager.default.fileExists(atPath: home), "flags are checked before the home is touched")
    }

    @Test func readsPostgreSQLThroughTheDatabaseURL() async throws {
        guard let url = try await TestPostgres.createDatabase() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let now = Date()
        let store = try await Store.open(.postgres(url: url))
        for event in Self.events(now: now) { try await store.audit.record(event) }
        await store.close()

        let environment = ["TAU_DATABASE_URL": url]
        let all = try await tau(["--home", directory.appending("node"), "--json"], environment: environment)
        #expect(all.exitCode == 0, "\(all.standardError)")
        #expect(try ids(all) == ["aud_4", "aud_3", "aud_2", "aud_1"])
        #expect(!all.standardOutput.contains(Self.fakeKey))
        let filtered = try await tau(["--home", directory.appending("node"), "--json", "--kind", "tool_blocked", "--since", "4h"], environment: environment)
        #expect(try ids(filtered) == ["aud_1"])
        let text = try await tau(["--home", directory.appending("node"), "--limit", "2"], environment: environment)
        #expect(text.standardOutput.split(separator: "\n").count == 3)
        #expect(!FileManager.default.fileExists(atPath: directory.appending("node") + "/node.sqlite"), "nothing was read from SQLite")
    }
}
