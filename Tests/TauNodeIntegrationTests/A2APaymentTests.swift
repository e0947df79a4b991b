import Foundation
import TauCore
import TauCrypto
import TauEnvelope
import TauIdentity
import TauTesting
import Testing

extension PaidMesh {
    /// The paid A2A skill of a real `tau-node serve` (issue 13): 402 with the price, a signed
    /// escrow voucher on retry, the task done by the agent, then the payer's release over the mesh.
    @Suite(.serialized, .timeLimit(.minutes(5)))
    struct A2APaymentTests {
        @Test func aPaidTaskAnswers402ThenRunsOnAVoucherAndIsPaidByRelease() async throws {
            let model = ScriptedModelServer([.text("Paid answer.")])
            try await model.serve { urlModel in
                let directory = try TemporaryDirectory()
                defer { directory.remove() }
                let b = try await DelegationTests.makeNode(directory, "b", model: urlModel, price: "0.5")
                try await DelegationTests.serve(b) { urlB in
                    let node = try DID(b.did)
                    let card = try await HTTPProbe.getJSON(urlB + "/.well-known/agent-card.json").json
                    let skills = (card["skills"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                    #expect(skills.contains("task"), "\(card)")

                    let key = try Ed25519.PrivateKey()
                    let payer = DIDKey.did(for: key.publicKey)
                    let signer = EnvelopeSigner(did: payer, keyID: "\(payer)#\(key.publicKey.multibase)", key: key)
                    let parts: JSONValue = [["text": "What is six times seven?"]]
                    let rpc: JSONValue = [
                        "jsonrpc": "2.0", "id": 1, "method": "SendMessage",
                        "params": ["message": ["messageId": "m1", "role": "ROLE_USER", "parts": parts], "metadata": ["skill": "task"]],
                    ]
                    let body = Array(rpc.canonicalString().utf8)
                    func headers(voucher: String? = nil) -> [String: String] {
                        let auth = signer.sign(
                            type: "https://tau-node.dev/kamn/1/a2a/request",
                            body: ["method": "POST", "path": "/a2a", "sha256": .string(Hex.encode(SHA256.hash(body)))], to: [node])
                        var headers = ["Authorization": "DID " + Base64URL.encode(auth.bytes)]
                        if let voucher { headers["X-PAYMENT"] = voucher }
                        return headers
                    }
                    let unpaid = try await HTTPProbe.post(urlB + "/a2a", body: body, contentType: "application/json", headers: headers())
                    #expect(unpaid.status == 402, "\(unpaid.body)")
                    let requirement = try JSONValue(parsing: unpaid.body)["accepts"]?.arrayValue?.first
                    #expect(requirement?["maxAmountRequired"] == "500000")
                    #expect(requirement?["payTo"]?.stringValue == b.did)

                    let escrow = "esc_" + Hex.encode(SecureRandom.bytes(12))
                    let open = signer.sign(
                        type: "https://tau-node.dev/kamn/1/escrow/open",
                        body: [
                            "escrow": .string(escrow), "amount": "500000", "currency": "credits", "payee": .string(b.did), "agent": .string(payer.description),
                            "task_hash": .string(Hex.encode(SHA256.hash(parts.canonicalBytes()))),
                            "deadline": .number((Date().timeIntervalSince1970 + 120).rounded()),
                        ], to: [node])
                    let voucher = Base64URL.encode(open.bytes)
                    let paid = try await HTTPProbe.post(urlB + "/a2a", body: body, contentType: "application/json", headers: headers(voucher: voucher))
                    #expect(paid.status == 200, "\(paid.body)")
                    let task = try JSONValue(parsing: paid.body)["result"]?["task"]
                    #expect(task?["status"]?["state"] == "TASK_STATE_COMPLETED", "\(paid.body)")
                    #expect(task?["metadata"]?["escrowId"]?.stringValue == escrow)
                    // The same voucher again is a replay.
                    let again = try await HTTPProbe.post(urlB + "/a2a", body: body, contentType: "application/json", headers: headers(voucher: voucher))
                    let refusal = try JSONValue(parsing: again.body)
                    #expect(again.status == 402 && refusal["error"] == "replayed", "\(again.body)")

                    // The payee recorded its result and invoice; the payer releases over the mesh.
                    var resultHash = ""
                    try await eventually("the payee invoiced the task") {
                        let shown = try await b.json(["escrow", "show", escrow])
                        let held = shown["escrows"]?.arrayValue?.first
                        resultHash = held?["result_hash"]?.stringValue ?? ""
                        return held?["invoice"] == .number(0.5)
                    }
                    let release = signer.sign(
                        type: "https://tau-node.dev/kamn/1/escrow/release",
                        body: ["escrow": .string(escrow), "invoice": "500000", "currency": "credits", "result_hash": .string(resultHash)], to: [node])
                    let released = try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: release.bytes, contentType: SignedMessage.mediaType)
                    #expect(released.status == 200, "\(released.body)")
                    #expect(try await b.wallet()["earned"] == .number(0.5))
                }
            }
        }
    }
}
