import Foundation
import TauCore
import TauLedger
import TauMesh
import TauStore
import TauTesting
import Testing

/// `tau-node wallet` and `tau-node escrow` as child processes, on a home whose ledger the test
/// also writes through the store, as the delegation protocol will.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct LedgerCLITests {
    func tau(_ arguments: [String], home: String) async throws -> TauNodeProcess.Result {
        try await TauNodeProcess.run(arguments + ["--home", home])
    }

    @Test func creditsBalancesHistoryAndEscrows() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        let first = try await tau(["wallet", "credit", "25", "--key", "demo-1", "--json"], home: home)
        #expect(first.exitCode == 0, "\(first.standardError)")
        #expect(try JSONValue(parsing: first.standardOutput)["repeated"] == false)
        let again = try await tau(["wallet", "credit", "25", "--key", "demo-1", "--json"], home: home)
        #expect(try JSONValue(parsing: again.standardOutput)["repeated"] == true)
        #expect(try await tau(["wallet", "credit", "30", "--key", "demo-1"], home: home).standardError.contains("idempotency_key_reused"))
        #expect(try await tau(["wallet", "credit", "abc"], home: home).standardError.contains("money_invalid"))
        #expect(try await tau(["wallet", "credit", "0"], home: home).standardError.contains("amount_invalid"))

        // An escrow paid through the node's store shows in the CLI.
        let store = try await Store.open(.sqlite(path: home + "/node.sqlite"))
        let book = EscrowBook(escrows: store.escrows, now: { Date() })
        _ = try await book.open(
            id: "esc_000000000000000000000001", side: .payer, payer: "did:tau:me", payee: "did:tau:worker",
            amount: Money(microunits: 4_000_000, currency: .credits), taskHash: "task", deadline: Date().addingTimeInterval(600), openMessageID: "m-open")
        _ = try await book.transition("esc_000000000000000000000001", side: .payer) { escrow, time throws(LedgerError) in
            _ = try escrow.result(hash: "r", invoice: Money(microunits: 3_000_000, currency: .credits), signer: "did:tau:worker", messageID: "m-result")
            return try escrow.release(invoice: Money(microunits: 3_000_000, currency: .credits), signer: "did:tau:me", messageID: "m-release", now: time)
        }
        await store.close()

        let balance = try JSONValue(parsing: try await tau(["wallet", "balance", "--json"], home: home).standardOutput)
        #expect(balance["wallet"] == 22 && balance["paid"] == 3 && balance["held_in_escrow"] == 0 && balance["topped_up"] == 25)
        let history = try JSONValue(parsing: try await tau(["wallet", "history", "--json"], home: home).standardOutput)
        #expect(history["entries"]?.arrayValue?.map { $0["kind"]?.stringValue ?? "" } == ["release", "hold", "top_up"])
        let listed = try await tau(["escrow", "list"], home: home)
        #expect(listed.standardOutput.contains("esc_000000000000000000000001") && listed.standardOutput.contains("released"))
        let shown = try JSONValue(parsing: try await tau(["escrow", "show", "esc_000000000000000000000001", "--json"], home: home).standardOutput)
        #expect(shown["escrows"]?.arrayValue?.first?["receipts"] == ["m-open", "m-result", "m-release"])
        #expect(shown["entries"]?.arrayValue?.count == 2)
        let missing = try await tau(["escrow", "show", "esc_nope"], home: home)
        #expect(missing.exitCode == 66 && missing.standardError.contains("escrow_not_found"))
    }

    @Test func peerShowListsTheScoreAndItsEvidence() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        let peer = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        #expect(try await tau(["peer", "show", peer], home: home).standardError.contains("peer_not_found"))
        #expect(try await tau(["peer", "show", "not-a-did"], home: home).exitCode != 0)
        let store = try await Store.open(.sqlite(path: home + "/node.sqlite"))
        for (index, outcome) in [ReputationEvidence.Outcome.success, .success, .success, .timeout].enumerated() {
            try await store.reputation.record(
                ReputationEvidence(id: "rep_\(index)", peer: peer, outcome: outcome, latency: .milliseconds(400), time: Date(), receiptID: "m-\(index)"))
        }
        await store.close()
        let shown = try await tau(["peer", "show", peer, "--json"], home: home)
        #expect(shown.exitCode == 0, "\(shown.standardError)")
        let json = try JSONValue(parsing: shown.standardOutput)
        // A prior of one and one, three successes and a timeout, all fresh: 4 / 6.
        let score = try #require(json["reputation"]?["score"]?.doubleValue)
        #expect(abs(score - 4.0 / 6.0) < 0.001)
        #expect(json["reputation"]?["counts"]?["timeout"] == 1 && json["evidence"]?.arrayValue?.count == 4)
        #expect(try await tau(["peer", "show", peer], home: home).standardOutput.contains("score           0.667"))
    }

    @Test func aServerThatWasDownAtTheDeadlineRefundsWhenItStarts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        #expect(try await tau(["wallet", "credit", "10"], home: home).exitCode == 0)
        let store = try await Store.open(.sqlite(path: home + "/node.sqlite"))
        _ = try await EscrowBook(escrows: store.escrows, now: { Date() }).open(
            id: "esc_000000000000000000000002", side: .payer, payer: "did:tau:me", payee: "did:tau:gone",
            amount: Money(microunits: 4_000_000, currency: .credits), taskHash: "task", deadline: Date().addingTimeInterval(1), openMessageID: "m-open")
        await store.close()
        #expect(try JSONValue(parsing: try await tau(["wallet", "balance", "--json"], home: home).standardOutput)["held_in_escrow"] == 4)
        // The node is down when the deadline passes, and settles the escrow as it comes back.
        try await Task.sleep(for: .milliseconds(1_200))
        let (state, _) = try await TauNodeProcess.withServer(home: home) { _ in
            for _ in 0..<100 {
                let shown = try JSONValue(parsing: try await tau(["escrow", "show", "esc_000000000000000000000002", "--json"], home: home).standardOutput)
                if let state = shown["escrows"]?.arrayValue?.first?["state"]?.stringValue, state != "held" { return state }
                try await Task.sleep(for: .milliseconds(100))
            }
            return "held"
        }
        #expect(state == "refunded")
        let balance = try JSONValue(parsing: try await tau(["wallet", "balance", "--json"], home: home).standardOutput)
        #expect(balance["wallet"] == 10 && balance["held_in_escrow"] == 0)
    }
}
