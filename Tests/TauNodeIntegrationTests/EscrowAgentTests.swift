import Foundation
import TauCore
import TauTesting
import Testing

extension PaidMesh {
    /// A third node as escrow agent (issue 13): A pays B, both name C; A disputes B's results and
    /// C decides one for B and one for A. Only the agent's decision moves a disputed escrow.
    @Suite(.serialized, .timeLimit(.minutes(10)))
    struct EscrowAgentTests {
        static func knows(_ node: DelegationTests.Node, _ others: [DelegationTests.Node]) async throws -> Bool {
            let listed = try await node.json(["peer", "list"])
            let dids = Set((listed["peers"]?.arrayValue ?? []).compactMap { $0["did"]?.stringValue })
            return others.allSatisfy { dids.contains($0.did) }
        }

        @Test func aThirdAgentDecidesDisputesForEitherSide() async throws {
            let model = ScriptedModelServer([.text("first answer"), .text("second answer")])
            try await model.serve { urlModel in
                let directory = try TemporaryDirectory()
                defer { directory.remove() }
                let c = try await DelegationTests.makeNode(directory, "c", extra: "[delegation]\nserve_as_agent = true\n")
                let a = try await DelegationTests.makeNode(directory, "a", extra: "[delegation]\nauto_release = false\n")
                let b = try await DelegationTests.makeNode(directory, "b", model: urlModel, price: "1", extra: "escrow_agents = [\"\(c.did)\"]\n")
                #expect(try await a.tau(["wallet", "credit", "5"]).exitCode == 0)
                try await DelegationTests.serve(b) { urlB in
                    try await DelegationTests.serve(c, peers: [urlB]) { _ in
                        try await DelegationTests.serve(a, peers: [urlB]) { _ in
                            try await eventually("everyone knows everyone") {
                                let ab = try await Self.knows(a, [b, c])
                                let ca = try await Self.knows(c, [a, b])
                                return ab && ca
                            }
                            // An agent the payer cannot reach is refused before anything is held.
                            let unknown = try await a.tau(["delegate", "--to", b.did, "--agent", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "x"])
                            #expect(unknown.exitCode == 66 && unknown.standardError.contains("peer_unknown"), "\(unknown.standardError)")
                            #expect(try await a.wallet()["held_in_escrow"] == .number(0))

                            // 1. Disputed, and decided for the payee.
                            let first = try await a.json(["delegate", "--to", b.did, "--agent", c.did, "task one"])
                            #expect(first["result"] == "first answer", "\(first)")
                            let one = try #require(first["escrow"]?.stringValue)
                            #expect(try await a.tau(["escrow", "dispute", one, "--reason", "not convinced"]).exitCode == 0)
                            // A disputed escrow is the agent's to decide, not the payer's.
                            let payerRelease = try await a.tau(["escrow", "release", one])
                            #expect(payerRelease.exitCode == 77 && payerRelease.standardError.contains("escrow_not_agent"), "\(payerRelease.standardError)")
                            let decided = try await c.json(["escrow", "release", one])
                            #expect(decided["delivered"] == true && decided["escrow"]?["state"] == "released", "\(decided)")
                            #expect(try await a.wallet()["paid"] == .number(1))
                            #expect(try await b.wallet()["earned"] == .number(1))
                            #expect(try await c.json(["wallet", "history"])["entries"]?.arrayValue?.isEmpty == true, "an agent never posts")

                            // 2. Disputed, and decided for the payer.
                            let second = try await a.json(["delegate", "--to", b.did, "--agent", c.did, "task two"])
                            let two = try #require(second["escrow"]?.stringValue)
                            #expect(try await a.tau(["escrow", "dispute", two]).exitCode == 0)
                            let refunded = try await c.json(["escrow", "refund", two])
                            #expect(refunded["delivered"] == true, "\(refunded)")
                            try await eventually("A has its hold back") { try await a.wallet()["held_in_escrow"] == .number(0) }
                            #expect(try await a.wallet()["wallet"] == .number(4))
                            #expect(try await b.wallet()["earned"] == .number(1), "B was not paid for the refunded task")
                            let shownB = try await b.json(["escrow", "show", two])
                            #expect(shownB["escrows"]?.arrayValue?.first?["state"] == "refunded")
                        }
                    }
                }
            }
        }
    }
}
