import Foundation
import Subprocess
import SystemPackage
import TauCore
import TauTesting
import Testing

/// The runs API of a real `tau-node serve`, driven with curl, against a scripted model.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct RunsAPITests {
    static let environment = AgentCLITests.withKey

    /// curl with the arguments; the body and the status.
    static func curl(_ arguments: [String]) async throws -> (status: Int, body: String) {
        let result = try await Subprocess.run(
            .name("curl"), arguments: Arguments(["-s", "-w", "\n%{http_code}"] + arguments), output: .string(limit: 4 << 20),
            error: .string(limit: 1 << 20))
        let text = result.standardOutput
        guard let newline = text.lastIndex(of: "\n") else { return (0, text) }
        return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]))
    }

    static func post(_ url: String, key: String?, _ body: String) async throws -> (status: Int, body: String) {
        try await curl(["-X", "POST", url, "-H", "Content-Type: application/json", "-d", body] + (key.map { ["-H", "Authorization: Bearer \($0)"] } ?? []))
    }

    static func get(_ url: String, key: String) async throws -> (status: Int, json: JSONValue) {
        let answer = try await curl([url, "-H", "Authorization: Bearer \(key)"])
        return (answer.status, (try? JSONValue(parsing: answer.body)) ?? .null)
    }

    /// The `data:` payloads of an SSE body.
    static func events(_ body: String) -> [JSONValue] {
        body.components(separatedBy: "\n\n").compactMap { block in
            block.split(separator: "\n").first { $0.hasPrefix("data: ") }.flatMap { try? JSONValue(parsing: String($0.dropFirst(6))) }
        }
    }

    /// Polls a run until it has finished.
    static func finished(_ url: String, key: String) async throws -> JSONValue {
        for _ in 0..<600 {
            let (_, run) = try await get(url, key: key)
            if run["status"] != "running" { return run }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestingError("the run did not finish")
    }

    static func setUp(_ base: String, extra: String = "") throws -> AgentCLITests.Setup {
        let setup = try AgentCLITests.Setup(upstream: base)
        let config = try String(contentsOfFile: setup.home + "/config.toml", encoding: .utf8)
            .replacingOccurrences(of: "[agent]\n", with: "[agent]\nworkspace = \"\(setup.workspace)\"\napproval = \"auto\"\n") + extra
        try config.write(toFile: setup.home + "/config.toml", atomically: true, encoding: .utf8)
        return setup
    }

    static func key(_ setup: AgentCLITests.Setup, database: String? = nil) async throws -> String {
        var environment = environment
        if let database { environment["TAU_DATABASE_URL"] = database }
        let created = try await TauNodeProcess.run(["keys", "create", "--home", setup.home, "--json"], environment: environment)
        return try #require(try JSONValue(parsing: created.standardOutput)["key"]?.stringValue)
    }

    @Test func startStreamInspectCancelAndSurviveADisconnect() async throws {
        let slow = ScriptedModelServer.Step.slowText(String(repeating: "slow ", count: 60), interval: .milliseconds(50))
        let server = ScriptedModelServer([
            .toolCalls([(name: "list_dir", arguments: #"{"path":"."}"#)]), .text("The workspace is empty."),
            slow,  // cancelled
            .slowText(String(repeating: "slow ", count: 100), interval: .milliseconds(50)),  // its client goes away
        ])
        try await server.serve { base in
            let setup = try Self.setUp(base, extra: "max_runs = 1\n")
            defer { setup.directory.remove() }
            let key = try await Self.key(setup)
            let other = try await Self.key(setup)
            _ = try await TauNodeProcess.withServer(home: setup.home, environment: Self.environment) { url in
                let runs = url + "/agent/v1/runs"
                // Refusals.
                #expect(try await Self.post(runs, key: nil, #"{"prompt":"hi"}"#).status == 401)
                let badJSON = try await Self.post(runs, key: key, "{nope")
                #expect(badJSON.status == 400 && badJSON.body.contains("invalid_json"))
                #expect(try await Self.post(runs, key: key, #"{"prompt":"  "}"#).body.contains("prompt_empty"))
                #expect(try await Self.post(runs, key: key, #"{"prompt":"x","stream":"yes"}"#).status == 400)
                #expect(try await Self.post(runs, key: key, #"{"prompt":"x","session_id":"ses_000000000000000000000000"}"#).status == 404)

                // A streamed run: its events as SSE, from run_started to finished.
                let streamed = try await Self.curl(
                    ["-N", "-X", "POST", runs, "-H", "Authorization: Bearer \(key)", "-H", "Content-Type: application/json", "-d", #"{"prompt":"what is here?","stream":true}"#])
                #expect(streamed.status == 200)
                let events = Self.events(streamed.body)
                #expect(events.first?["type"] == "run_started")
                #expect(events.contains { $0["type"] == "tool_call" && $0["name"] == "list_dir" })
                let last = try #require(events.last)
                #expect(last["type"] == "finished" && last["outcome"] == "completed" && last["final_text"] == "The workspace is empty.")
                let runID = try #require(last["run_id"]?.stringValue)
                let sessionID = try #require(last["session_id"]?.stringValue)
                let (status, record) = try await Self.get(runs + "/" + runID, key: key)
                #expect(status == 200 && record["status"] == "finished" && record["summary"]?["outcome"] == "completed")
                // Another key sees neither the run nor its session.
                #expect(try await Self.get(runs + "/" + runID, key: other).status == 404)
                #expect(try await Self.get(url + "/agent/v1/sessions/" + sessionID, key: other).status == 404)
                let sessions = try await Self.get(url + "/agent/v1/sessions", key: key).json
                #expect(sessions["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [sessionID])
                let session = try await Self.get(url + "/agent/v1/sessions/" + sessionID, key: key).json
                #expect(session["entries"]?.arrayValue?.count == 5)

                // A run in the background, cancelled.
                let started = try await Self.post(runs, key: key, #"{"prompt":"write slowly","session_id":"\#(sessionID)"}"#)
                #expect(started.status == 202, "\(started.body)")
                let backgroundID = try #require(try JSONValue(parsing: started.body)["id"]?.stringValue)
                #expect(try await Self.get(runs + "/" + backgroundID, key: key).json["status"] == "running")
                let busy = try await Self.post(runs, key: key, #"{"prompt":"one more"}"#)
                #expect(busy.status == 429 && busy.body.contains("runs_busy"))
                #expect(try await Self.post(runs + "/" + backgroundID + "/cancel", key: other, "").status == 404)
                #expect(try await Self.post(runs + "/" + backgroundID + "/cancel", key: key, "").status == 202)
                let cancelled = try await Self.finished(runs + "/" + backgroundID, key: key)
                #expect(cancelled["summary"]?["outcome"] == "cancelled")
                #expect(try await Self.post(runs + "/" + backgroundID + "/cancel", key: key, "").status == 409)

                // A streaming client that goes away: the run goes on to its end.
                let cut = try await Self.curl(
                    ["-N", "--max-time", "2", "-X", "POST", runs, "-H", "Authorization: Bearer \(key)", "-H", "Content-Type: application/json",
                     "-d", #"{"prompt":"write slowly again","stream":true}"#])
                let cutID = try #require(Self.events(cut.body).first?["run_id"]?.stringValue)
                // Reattached, the stream starts again from the first event and runs to the end.
                let again = try await Self.curl(["-N", runs + "/" + cutID + "/events", "-H", "Authorization: Bearer \(key)"])
                let replayed = Self.events(again.body)
                #expect(replayed.first?["type"] == "run_started" && replayed.last?["type"] == "finished", "\(again.body.suffix(300))")
                #expect(try await Self.curl([runs + "/" + cutID + "/events", "-H", "Authorization: Bearer \(other)"]).status == 404)
                let survived = try await Self.finished(runs + "/" + cutID, key: key)
                #expect(survived["summary"]?["outcome"] == "completed", "\(survived)")
                #expect(try await Self.curl([runs + "/" + cutID + "/events", "-H", "Authorization: Bearer \(key)"]).status == 409)
                let metrics = try await Self.curl([url + "/metrics"]).body
                #expect(metrics.contains(#"tau_agent_runs_total{outcome="completed"} 2"#), "\(metrics)")
                #expect(metrics.contains(#"tau_agent_runs_total{outcome="cancelled"} 1"#))
                #expect(metrics.contains("tau_agent_runs_running 0"))
            }
        }
    }

    @Test func aRunIsVisibleAndCancellableFromTheOtherReplica() async throws {
        guard let database = try await TestPostgres.createDatabase() else { return }
        let server = ScriptedModelServer([.slowText(String(repeating: "slow ", count: 200), interval: .milliseconds(50))])
        try await server.serve { base in
            let setup = try Self.setUp(base)
            defer { setup.directory.remove() }
            let second = setup.directory.appending("replica-b")
            try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: setup.home + "/config.toml", toPath: second + "/config.toml")
            let environment = Self.environment.merging(["TAU_DATABASE_URL": database]) { $1 }
            let key = try await Self.key(setup, database: database)
            _ = try await TauNodeProcess.withServer(home: second, environment: environment) { urlB in
                try await TauNodeProcess.withServer(home: setup.home, environment: environment) { urlA in
                    let started = try await Self.post(urlA + "/agent/v1/runs", key: key, #"{"prompt":"write slowly"}"#)
                    let id = try #require(try JSONValue(parsing: started.body)["id"]?.stringValue, "\(started.body)")
                    #expect(try await Self.get(urlB + "/agent/v1/runs/" + id, key: key).json["status"] == "running")
                    let elsewhere = try await Self.curl([urlB + "/agent/v1/runs/" + id + "/events", "-H", "Authorization: Bearer \(key)"])
                    #expect(elsewhere.status == 409 && elsewhere.body.contains("run_on_other_replica"))
                    #expect(try await Self.post(urlB + "/agent/v1/runs/" + id + "/cancel", key: key, "").status == 202)
                    let ended = try await Self.finished(urlB + "/agent/v1/runs/" + id, key: key)
                    #expect(ended["summary"]?["outcome"] == "cancelled", "\(ended)")
                }
            }
        }
    }
}
