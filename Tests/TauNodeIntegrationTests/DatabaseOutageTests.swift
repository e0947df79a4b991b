import Foundation
import TauCore
import TauTesting
import Testing

/// PostgreSQL going away under a running node: coded refusals (HTTP 503, CLI exit 69),
/// then recovery without a restart when the server is back.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct DatabaseOutageTests {
    static let passphrase = "outage passphrase"

    @Test func aDatabaseOutageGivesCodedErrorsAndTheNodeRecovers() async throws {
        guard let server = try await PostgresServer.start() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let home = directory.appending("node")
            let environment = ["TAU_DATABASE_URL": server.url]
            let created = try await TauNodeProcess.run(
                ["init", "--home", home, "--name", "outage", "--json"], passphrase: Self.passphrase, environment: environment)
            try #require(created.exitCode == 0, "\(created.standardError)")
            // A short database timeout keeps the refusals quick.
            try AtomicFile.write("[node]\nname = \"outage\"\n[database]\ntimeout = \"2s\"\n", to: home + "/config.toml")
            let made = try await TauNodeProcess.run(["keys", "create", "--home", home, "--json"], environment: environment)
            let key = try #require(try JSONValue(parsing: made.standardOutput)["key"]?.stringValue)

            let (_, exitCode) = try await TauNodeProcess.withServer(home: home, passphrase: Self.passphrase, environment: environment) { url in
                #expect(try await HTTPProbe.getJSON(url + "/healthz").status == 200)
                try await server.stop()

                // /healthz asks the store at most once a second.
                try await eventually("/healthz reports the outage") { try await HTTPProbe.getJSON(url + "/healthz").status == 503 }
                let health = try await HTTPProbe.getJSON(url + "/healthz")
                #expect(health.status == 503)
                #expect(health.json["error"]?["code"] == "store_unavailable")
                let chat = try await HTTPProbe.post(
                    url + "/v1/chat/completions", body: Array(#"{"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "hi"}]}"#.utf8),
                    contentType: "application/json", headers: ["Authorization": "Bearer \(key)"])
                #expect(chat.status == 503, "\(chat.body)")
                #expect(chat.body.contains("store_unavailable"))
                let listed = try await TauNodeProcess.run(["keys", "list", "--home", home], environment: environment)
                #expect(listed.exitCode == 69)
                #expect(listed.standardError.contains("error[store_unavailable]"))
                #expect(!listed.standardError.contains("Fatal error"))

                try await server.startAgain()
                try await eventually("the node answers again", timeout: .seconds(60)) {
                    try await HTTPProbe.getJSON(url + "/healthz").status == 200
                }
                let recovered = try await HTTPProbe.get(url + "/mesh/v1/peers")
                #expect(recovered.status == 401)  // answered by the route again (operator token missing), not 503
                #expect(try await TauNodeProcess.run(["keys", "list", "--home", home], environment: environment).exitCode == 0)
            }
            #expect(exitCode == 0)
            await server.remove()
        } catch {
            await server.remove()
            throw error
        }
    }

    @Test func aServerThatIsNotThereAtStartIsAClearFailure() async throws {
        guard TestPostgres.isAvailable else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await RefusingPort.with { port in
            let result = try await TauNodeProcess.run(
                ["keys", "list", "--home", directory.appending("node")],
                environment: ["TAU_DATABASE_URL": "postgres://tau:secret@127.0.0.1:\(port)/tau?sslmode=disable"])
            #expect(result.exitCode == 69)
            #expect(result.standardError.contains("error[store_unavailable]"))
            #expect(!result.standardError.contains("secret"))
            let bad = try await TauNodeProcess.run(
                ["keys", "list", "--home", directory.appending("node")], environment: ["TAU_DATABASE_URL": "mysql://nope"])
            #expect(bad.exitCode == 65)
            #expect(bad.standardError.contains("error[store_url_invalid]"))
        }
    }
}
