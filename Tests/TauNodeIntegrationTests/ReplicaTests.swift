import Foundation
import Subprocess
import TauCore
import TauEnvelope
import TauIdentity
import TauNode
import TauTesting
import Testing

/// Two `tau-node serve` replicas of one node on one PostgreSQL, each with a home that
/// holds only the keystore and config.toml, as on two machines.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ReplicaTests {
    static let passphrase = "replica passphrase"
    static let ping = "https://tau-node.dev/kamn/1/peer/ping"

    /// A fake OpenAI upstream that answers slowly enough for calls to overlap.
    static func upstream() -> FakeOpenAIUpstream {
        FakeOpenAIUpstream { _ in .init(text: "ok", promptTokens: 1, completionTokens: 16) }
    }

    static func chat(_ url: String, key: String) async throws -> (status: Int, body: String) {
        let body = #"{"model": "assistant", "max_tokens": 16, "messages": [{"role": "user", "content": "Say ok."}]}"#
        return try await HTTPProbe.post(
            url + "/v1/chat/completions", body: Array(body.utf8), contentType: "application/json", headers: ["Authorization": "Bearer \(key)"])
    }

    /// `tau-node init` on the database, then a second home with copies of the keystore and config.
    static func makeReplicas(_ directory: TemporaryDirectory, database: String, upstream: String) async throws -> (a: String, b: String, did: String) {
        let a = directory.appending("replica-a")
        let b = directory.appending("replica-b")
        let created = try await TauNodeProcess.run(
            ["init", "--home", a, "--name", "replicated", "--json"], passphrase: passphrase, environment: ["TAU_DATABASE_URL": database])
        try #require(created.exitCode == 0, "\(created.standardError)")
        let did = try #require(try JSONValue(parsing: created.standardOutput)["did"]?.stringValue)
        let config = """
            [node]
            name = "replicated"
            [mesh]
            gossip_interval = "500ms"
            [providers.openai]
            base_url = "\(upstream)"
            [routes]
            assistant = ["openai:gpt-4.1-mini"]
            """
        try AtomicFile.write(config, to: a + "/config.toml")
        try FileManager.default.createDirectory(atPath: b, withIntermediateDirectories: true)
        try AtomicFile.write(try String(contentsOfFile: a + "/keystore.json", encoding: .utf8), to: b + "/keystore.json", mode: 0o600)
        try AtomicFile.write(config, to: b + "/config.toml")
        return (a, b, did)
    }

    static func cli(_ arguments: [String], database: String) async throws -> TauNodeProcess.Result {
        try await TauNodeProcess.run(arguments + ["--json"], environment: ["TAU_DATABASE_URL": database])
    }

    @Test func tworeplicasShareKeysLimitsBudgetsReplayCacheAndPeers() async throws {
        guard let database = try await TestPostgres.createDatabase() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let upstream = Self.upstream()
        try await upstream.serve { upstreamURL in
            let (homeA, homeB, did) = try await Self.makeReplicas(directory, database: database, upstream: upstreamURL)
            // A third node, with its own SQLite home, that greets and messages the replicas.
            let sender = directory.appending("sender")
            let senderInit = try await TauNodeProcess.run(["init", "--home", sender, "--name", "sender", "--json"], passphrase: Self.passphrase)
            try #require(senderInit.exitCode == 0, "\(senderInit.standardError)")
            let senderDID = try #require(try JSONValue(parsing: senderInit.standardOutput)["did"]?.stringValue)
            // The sender's hello names where its log is: its public URL, on a port chosen here.
            let senderPort = try PostgresServer.freePort()
            try AtomicFile.write("[node]\nname = \"sender\"\npublic_url = \"http://127.0.0.1:\(senderPort)\"\n", to: sender + "/config.toml")
            let environment = ["TAU_DATABASE_URL": database, "TAU_OPENAI_API_KEY": "sk-fake-upstream"]

            let (replicaB, senderExit) = try await TauNodeProcess.withServer(home: sender, passphrase: Self.passphrase, port: senderPort) { senderURL in
                try await TauNodeProcess.withServer(home: homeB, passphrase: Self.passphrase, environment: environment) { urlB in
                    let (served, _) = try await TauNodeProcess.withServer(
                        home: homeA, passphrase: Self.passphrase, stopSignal: .kill, environment: environment
                    ) { urlA -> Int in
                        // Keys made through one home are seen through the other.
                        let created = try await Self.cli(["keys", "create", "--home", homeB, "--rpm", "5"], database: database)
                        try #require(created.exitCode == 0, "\(created.standardError)")
                        let limited = try #require(try JSONValue(parsing: created.standardOutput)["key"]?.stringValue)
                        let listed = try await Self.cli(["keys", "list", "--home", homeA], database: database)
                        #expect(listed.standardOutput.contains(String(limited.dropFirst(4).prefix(12))))

                        // One rpm across both replicas: 5 of 8 requests get through.
                        var statuses: [Int] = []
                        for index in 0..<8 { statuses.append(try await Self.chat(index.isMultiple(of: 2) ? urlA : urlB, key: limited).status) }
                        #expect(statuses.filter { $0 == 200 }.count == 5, "\(statuses)")
                        #expect(statuses.filter { $0 == 429 }.count == 3, "\(statuses)")

                        // One budget: parallel calls spread over both replicas do not spend it twice.
                        let budgeted = try await Self.cli(["keys", "create", "--home", homeA, "--budget", "0.0001"], database: database)
                        let poor = try #require(try JSONValue(parsing: budgeted.standardOutput)["key"]?.stringValue)
                        let results = try await withThrowingTaskGroup(of: Int.self) { group in
                            for index in 0..<12 { group.addTask { try await Self.chat(index.isMultiple(of: 2) ? urlA : urlB, key: poor).status } }
                            return try await group.reduce(into: [Int]()) { $0.append($1) }
                        }
                        #expect(results.contains(200) && results.contains(429), "\(results)")
                        let usage = try await Self.cli(["usage", "--home", homeB, "--key", poor], database: database)
                        let spent = try JSONValue(parsing: usage.standardOutput)["cost_usd"]?.doubleValue ?? 0
                        // 1 input and 16 output tokens at $0.40/$1.60 per million: 26 micro-USD a call.
                        #expect(spent <= 0.0001 + 0.000026 + 1e-9, "spent \(spent) of a 0.0001 budget")

                        // A peer learned by one replica is listed through the other's home.
                        let greeted = try await TauNodeProcess.run(["peer", "add", urlA, "--home", sender], passphrase: Self.passphrase)
                        #expect(greeted.exitCode == 0, "\(greeted.standardError)")
                        try await eventually("replica B's home lists the sender") {
                            try await Self.cli(["peer", "list", "--home", homeB], database: database).standardOutput.contains(senderDID)
                        }

                        // One replay cache: a message accepted by A is refused by B.
                        let signer = try await LocalSigner(context: try await NodeContext.open(NodeHome(path: sender)), passphrase: Self.passphrase).current()
                        let message = signer.sign(type: Self.ping, body: [:], to: [try DID(did)])
                        let first = try await HTTPProbe.post(urlA + "/mesh/v1/inbox", body: message.bytes, contentType: SignedMessage.mediaType)
                        #expect(first.status == 200, "\(first.body)")
                        let again = try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: message.bytes, contentType: SignedMessage.mediaType)
                        #expect(again.status == 403 && again.body.contains("replayed"), "\(again.body)")
                        _ = senderURL
                        return statuses.filter { $0 == 200 }.count + results.filter { $0 == 200 }.count
                    }
                    // A was killed with SIGKILL: B keeps serving and nothing A wrote is lost.
                    #expect(try await HTTPProbe.getJSON(urlB + "/healthz").status == 200)
                    let keys = try await Self.cli(["keys", "list", "--home", homeB], database: database)
                    let requests = try JSONValue(parsing: keys.standardOutput)["keys"]?.arrayValue?.compactMap { $0["requests"]?.intValue }.reduce(0, +) ?? 0
                    #expect(requests >= served, "\(requests) recorded calls, \(served) were answered")
                    let more = try await Self.cli(["keys", "create", "--home", homeB], database: database)
                    let fresh = try #require(try JSONValue(parsing: more.standardOutput)["key"]?.stringValue)
                    return try await Self.chat(urlB, key: fresh).status
                }
            }
            #expect(replicaB.value == 200)
            #expect(replicaB.exitCode == 0 && senderExit == 0)
        }
    }
}
