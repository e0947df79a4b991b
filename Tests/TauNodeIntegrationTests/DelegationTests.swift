import Foundation
import Subprocess
import TauCore
import TauTesting
import Testing

extension PaidMesh {
    /// Paid delegation between three real `tau-node serve` processes (issue 13): A pays, B and C
    /// work with their agents against scripted models.
    @Suite(.serialized, .timeLimit(.minutes(10)))
    struct DelegationTests {
        static let passphrase = "delegation passphrase"
        static let environment = AgentCLITests.withKey

        struct Node {
            let name: String
            let home: String
            let did: String
            /// Added to the environment of every command (a database URL).
            var environment: [String: String] = [:]
            var passphrase = DelegationTests.passphrase

            func tau(_ arguments: [String]) async throws -> TauNodeProcess.Result {
                try await TauNodeProcess.run(
                    arguments + ["--home", home], passphrase: passphrase,
                    environment: DelegationTests.environment.merging(environment) { $1 })
            }

            func json(_ arguments: [String]) async throws -> JSONValue {
                let result = try await tau(arguments + ["--json"])
                #expect(result.exitCode == 0, "\(name) \(arguments): \(result.standardError)")
                return try JSONValue(parsing: result.standardOutput)
            }

            func wallet() async throws -> JSONValue { try await json(["wallet", "balance"]) }
        }

        /// A node; a worker gets a provider (the scripted model) and takes tasks at `price`.
        static func makeNode(_ directory: TemporaryDirectory, _ name: String, model: String? = nil, price: String? = nil, extra: String = "")
            async throws -> Node
        {
            let home = directory.appending(name)
            let created = try await TauNodeProcess.run(["init", "--home", home, "--name", name, "--json"], passphrase: passphrase)
            #expect(created.exitCode == 0, "\(created.standardError)")
            var config = "[node]\nname = \"\(name)\"\n[mesh]\ngossip_interval = \"300ms\"\n"
            if let model, let price {
                config += "[providers.openai]\nbase_url = \"\(model)\"\n[agent]\nmodel = \"openai:gpt-4.1-mini\"\n"
                config += "[delegation]\naccept_tasks = true\nprice = \"\(price)\"\ndeadline_seconds = 60\n"
            }
            try AtomicFile.write(config + extra, to: home + "/config.toml")
            return Node(name: name, home: home, did: try JSONValue(parsing: created.standardOutput)["did"]?.stringValue ?? "")
        }

        static func serve<T: Sendable>(
            _ node: Node, peers: [String] = [], stopSignal: Signal = .terminate, _ body: @escaping @Sendable (String) async throws -> T
        ) async throws -> T {
            let (value, _) = try await TauNodeProcess.withServer(
                home: node.home, arguments: peers.flatMap { ["--peer", $0] }, passphrase: passphrase, stopSignal: stopSignal, environment: environment,
                body)
            return value
        }

        /// Whether `node` knows `peer` as a live peer offering tasks.
        static func offers(_ node: Node, _ peer: Node) async throws -> Bool {
            let listed = try await node.json(["peer", "list"])
            return (listed["peers"]?.arrayValue ?? []).contains { entry in
                entry["did"]?.stringValue == peer.did && entry["state"]?.stringValue == "alive"
                    && (entry["capabilities"]?.arrayValue ?? []).contains(.string("task:agent"))
            }
        }

        @Test func autoPicksTheBetterReputedWorkerPaysExactlyTheInvoiceAndRefundsADeadOne() async throws {
            let modelB = ScriptedModelServer([.text("B: warm-up done."), .text("B: the answer is 42."), .stall(.seconds(120))])
            let modelC = ScriptedModelServer([.text("C: the answer is 42.")])
            try await modelB.serve { urlModelB in
                try await modelC.serve { urlModelC in
                    let directory = try TemporaryDirectory()
                    defer { directory.remove() }
                    // A trusts peers scoring 0.65 or more, and may try an unknown one for up to 2 credits.
                    let a = try await Self.makeNode(
                        directory, "a", extra: "[mesh.reputation]\nthreshold = 0.65\nexplore_max_price = \"2\"\n")
                    let b = try await Self.makeNode(directory, "b", model: urlModelB, price: "1.5")
                    let c = try await Self.makeNode(directory, "c", model: urlModelC, price: "1")
                    #expect(try await a.tau(["wallet", "credit", "10"]).exitCode == 0)
                    try await Self.serve(c) { urlC in
                        try await Self.serve(a, peers: [urlC]) { urlA in
                            // B introduces itself to A; it is killed (SIGKILL) when its closure returns, mid-task.
                            let stalled = try await Self.serve(b, peers: [urlA], stopSignal: .kill) { _ in
                                try await eventually("A knows B and C as workers") {
                                    let knowsB = try await Self.offers(a, b)
                                    let knowsC = try await Self.offers(a, c)
                                    return knowsB && knowsC
                                }
                                // B earns a first piece of evidence: 2/3 ≥ 0.65, while C (no evidence) scores 0.5.
                                let warmUp = try await a.json(["delegate", "--to", b.did, "--max-price", "2", "warm up"])
                                #expect(warmUp["state"] == "completed", "\(warmUp)")

                                let paid = try await a.json(["delegate", "--to", "auto", "--max-price", "2", "What is six times seven?"])
                                #expect(paid["state"] == "completed", "\(paid)")
                                #expect(paid["peer"]?.stringValue == b.did)
                                #expect(paid["result"] == "B: the answer is 42.")
                                #expect(paid["invoice"] == .number(1.5))
                                let walletA = try await a.wallet()
                                #expect(walletA["wallet"] == .number(7), "\(walletA)")
                                #expect(walletA["held_in_escrow"] == .number(0))
                                #expect(walletA["paid"] == .number(3))
                                try await eventually("B has been paid twice") { try await b.wallet()["wallet"] == .number(3) }
                                #expect(try await b.wallet()["earned"] == .number(3))

                                // Both sides moved the escrow with the same signed messages: open, result, release.
                                let escrow = try #require(paid["escrow"]?.stringValue)
                                let shownA = try await a.json(["escrow", "show", escrow])
                                let shownB = try await b.json(["escrow", "show", escrow])
                                let receiptsA = (shownA["escrows"]?.arrayValue?.first?["receipts"]?.arrayValue ?? []).compactMap(\.stringValue)
                                let receiptsB = (shownB["escrows"]?.arrayValue?.first?["receipts"]?.arrayValue ?? []).compactMap(\.stringValue)
                                #expect(receiptsA.count == 3, "\(receiptsA)")
                                #expect(receiptsA == receiptsB)
                                // Each side's bundle verifies offline.
                                for (node, file) in [(a, directory.appending("a.receipts.json")), (b, directory.appending("b.receipts.json"))] {
                                    #expect(try await node.tau(["escrow", "receipts", escrow, "--output", file]).exitCode == 0)
                                    let verified = try await TauNodeProcess.run(["receipts", "verify", file])
                                    #expect(verified.exitCode == 0, "\(node.name): \(verified.standardOutput) \(verified.standardError)")
                                }

                                // The next task goes to B again; B's model stalls and B is killed.
                                let pending = Task { try await a.tau(["delegate", "--to", "auto", "--timeout", "8", "--json", "A slow one"]) }
                                try await eventually("B's agent is working") { modelB.requests.count >= 3 }
                                return pending
                            }
                            let refunded = try await stalled.value
                            #expect(refunded.exitCode == 75, "\(refunded.standardError)")
                            let outcome = try JSONValue(parsing: refunded.standardOutput)
                            #expect(outcome["state"] == "refunded")
                            #expect(outcome["error"] == "timeout")
                            #expect(try await a.wallet()["wallet"] == .number(7), "the hold came back")
                            #expect(try await a.wallet()["held_in_escrow"] == .number(0))
                            let shown = try await a.json(["peer", "show", b.did])
                            #expect("\(shown)".contains("timeout"), "\(shown)")

                            // B is back, but its score fell below the threshold: auto explores C instead.
                            try await Self.serve(b, peers: [urlA]) { _ in
                                let next = try await a.json(["delegate", "--to", "auto", "--max-price", "2", "What is six times seven?"])
                                #expect(next["state"] == "completed", "\(next)")
                                #expect(next["peer"]?.stringValue == c.did)
                                #expect(next["result"] == "C: the answer is 42.")
                                #expect(try await a.wallet()["wallet"] == .number(6))
                            }
                        }
                    }
                }
            }
        }
    }
}
