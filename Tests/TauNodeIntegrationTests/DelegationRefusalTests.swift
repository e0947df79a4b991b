import Foundation
import TauCore
import TauCrypto
import TauEnvelope
import TauIdentity
import TauNode
import TauTesting
import Testing

extension PaidMesh {
    /// Releases that must not pay, sent to a real payee's inbox: each is refused with its reason
    /// code and posts nothing.
    @Suite(.serialized, .timeLimit(.minutes(10)))
    struct DelegationRefusalTests {
        typealias Node = DelegationTests.Node
        static let release = "https://tau-node.dev/kamn/1/escrow/release"

        /// `node`'s current signer (the test reads the node's home like the node does).
        static func signer(_ node: Node) async throws -> EnvelopeSigner {
            let context = try await NodeContext.open(NodeHome(path: node.home))
            defer { Task { await context.close() } }
            return try await LocalSigner(context: context, passphrase: DelegationTests.passphrase).current()
        }

        static func releaseBody(_ escrow: String, invoice: Int64, hash: String) -> JSONValue {
            ["escrow": .string(escrow), "invoice": .string(String(invoice)), "currency": "credits", "result_hash": .string(hash)]
        }

        /// Posts to the inbox; the status and the refusal's reason code.
        static func post(_ url: String, _ bytes: [UInt8]) async throws -> (Int, String?) {
            let answer = try await HTTPProbe.post(url + "/mesh/v1/inbox", body: bytes, contentType: SignedMessage.mediaType)
            return (answer.status, (try? JSONValue(parsing: answer.body))?["error"]?["code"]?.stringValue)
        }

        @Test func forgedReplayedOverInvoicedWrongSignerRevokedAndDoubleReleasesPayNothing() async throws {
            let model = ScriptedModelServer([.text("first answer"), .text("second answer")])
            try await model.serve { urlModel in
                let directory = try TemporaryDirectory()
                defer { directory.remove() }
                let a = try await DelegationTests.makeNode(directory, "a", extra: "[delegation]\nauto_release = false\n")
                let b = try await DelegationTests.makeNode(directory, "b", model: urlModel, price: "1")
                let c = try await DelegationTests.makeNode(directory, "c")
                #expect(try await a.tau(["wallet", "credit", "5"]).exitCode == 0)
                try await DelegationTests.serve(b) { urlB in
                    try await DelegationTests.serve(c, peers: [urlB]) { _ in
                        try await DelegationTests.serve(a, peers: [urlB]) { _ in
                            try await eventually("A knows B as a worker") { try await DelegationTests.offers(a, b) }
                            let first = try await a.json(["delegate", "--to", b.did, "task one"])
                            #expect(first["result"] == "first answer", "\(first)")
                            let escrow = try #require(first["escrow"]?.stringValue)
                            let hash = DelegationProtocolHash.of("first answer")
                            let signerA = try await Self.signer(a)
                            let didB = try DID(b.did)
                            let earned: @Sendable () async throws -> JSONValue = { try await b.wallet()["wallet"] ?? .null }

                            // Forged: a valid release whose signature was altered.
                            let genuine = signerA.sign(type: Self.release, body: Self.releaseBody(escrow, invoice: 1_000_000, hash: hash), to: [didB])
                            var forged = genuine.json
                            if case .object(var members) = forged, case .array(var signatures) = members["signatures"] ?? .null,
                                case .object(var first) = signatures[0], let text = first["signature"]?.stringValue
                            {
                                first["signature"] = .string((text.hasPrefix("A") ? "B" : "A") + text.dropFirst())
                                signatures[0] = .object(first)
                                members["signatures"] = .array(signatures)
                                forged = .object(members)
                            }
                            #expect(try await Self.post(urlB, forged.canonicalBytes()) == (403, "signature_invalid"))

                            // Above the quote: the escrow holds 1 credit.
                            let greedy = signerA.sign(type: Self.release, body: Self.releaseBody(escrow, invoice: 5_000_000, hash: hash), to: [didB])
                            #expect(try await Self.post(urlB, greedy.bytes) == (400, "invoice_above_quote"))

                            // Signed by a node that is neither payer nor agent.
                            try await eventually("B holds C's log") { (try? await HTTPProbe.get("\(urlB)/mesh/v1/dids/\(c.did)/log").status) == 200 }
                            let stranger = try await Self.signer(c).sign(
                                type: Self.release, body: Self.releaseBody(escrow, invoice: 1_000_000, hash: hash), to: [didB])
                            #expect(try await Self.post(urlB, stranger.bytes) == (403, "escrow_signer_wrong"))
                            #expect(try await earned() == .number(0), "nothing was paid yet")

                            // The operator releases; B is paid once.
                            #expect(try await a.tau(["escrow", "release", escrow]).exitCode == 0)
                            #expect(try await earned() == .number(1))

                            // Replayed: the very release A sent. Double: a fresh one.
                            let context = try await NodeContext.open(NodeHome(path: a.home))
                            let sent = try #require(try await context.store.receipts.receipts(of: escrow).last { $0.type == Self.release })
                            await context.close()
                            #expect(try await Self.post(urlB, Array(sent.message.utf8)) == (403, "replayed"))
                            #expect(try await Self.post(urlB, genuine.bytes) == (409, "escrow_settled"))
                            #expect(try await earned() == .number(1), "paid exactly once")

                            // Revoked: A revokes its DID, then signs a release of a second escrow.
                            let second = try await a.json(["delegate", "--to", b.did, "task two"])
                            let escrowTwo = try #require(second["escrow"]?.stringValue)
                            #expect(try await a.tau(["id", "revoke", "--yes"]).exitCode == 0)
                            try await eventually("B holds A's deactivation") {
                                let resolved = try await HTTPProbe.getJSON("\(urlB)/1.0/identifiers/\(a.did)")
                                return resolved.json["didDocumentMetadata"]?["deactivated"] == .bool(true)
                            }
                            let revoked = try await Self.signer(a).sign(
                                type: Self.release, body: Self.releaseBody(escrowTwo, invoice: 1_000_000, hash: DelegationProtocolHash.of("second answer")),
                                to: [didB])
                            #expect(try await Self.post(urlB, revoked.bytes) == (403, "deactivated"))
                            #expect(try await earned() == .number(1), "nothing more was paid")
                            let history = try await b.json(["wallet", "history"])
                            #expect(history["entries"]?.arrayValue?.count == 1, "one earn entry: \(history)")
                        }
                    }
                }
            }
        }
    }
}

/// The result hash of `Specs/mesh.md` section 15.1, computed independently of the node's code.
enum DelegationProtocolHash {
    static func of(_ text: String) -> String {
        SHA256.hash(Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
