import Foundation
import HummingbirdTesting
import NIOCore
import TauAgent
import TauCore
import TauCrypto
import TauEnvelope
import TauIdentity
import TauTesting
import Testing

@testable import TauGateway

/// The A2A front door on a real socket: the signed card, tasks as agent runs (blocking,
/// non-blocking, streamed, cancelled), JSON-RPC refusals, API-key and DID-signed callers,
/// and the 402 payment flow with a desk double.
@Suite(.timeLimit(.minutes(5)))
struct A2ATests {
    @Test func theCardDescribesTheNodeAndItsSignatureVerifies() async throws {
        let fixture = try A2AFixture([])
        try await fixture.run { client in
            let response = try await client.execute(uri: "/.well-known/agent-card.json", method: .get)
            #expect(response.status == .ok)
            let card = response.json
            #expect(card["name"] == "test node")
            #expect(card["capabilities"]?["streaming"] == true)
            let interfaces = try #require(card["supportedInterfaces"]?.arrayValue)
            #expect(interfaces.contains { $0["protocolVersion"] == "1.0" && $0["protocolBinding"] == "JSONRPC" })
            #expect(interfaces.allSatisfy { $0["url"]?.stringValue?.hasSuffix("/a2a") == true })
            let skills = try #require(card["skills"]?.arrayValue)
            #expect(skills.contains { $0["id"] == "agent" })
            #expect(skills.first { $0["id"] == "review" }?["tags"]?.arrayValue?.contains("price:2500000 microcredits") == true)
            let extensions = try #require(card["capabilities"]?["extensions"]?.arrayValue)
            #expect(extensions.first { $0["uri"] == .string(A2AAgentCard.identityExtension) }?["params"]?["did"] == .string(fixture.node.did.description))
            #expect(extensions.first { $0["uri"] == .string(A2AAgentCard.paymentExtension) }?["params"]?["prices"]?["review"] == "2500000")
            #expect(card["securitySchemes"]?["apiKey"]?["httpAuthSecurityScheme"]?["scheme"] == "Bearer")

            // The JWS: protected header with EdDSA and the node's key, over the JCS form of the card without signatures.
            let signature = try #require(card["signatures"]?.arrayValue?.first)
            let protected = try #require(signature["protected"]?.stringValue)
            let headerBytes = try #require(Base64URL.decode(protected))
            let header = try JSONValue(parsing: headerBytes)
            #expect(header["alg"] == "EdDSA" && header["typ"] == "JOSE" && header["kid"] == .string(fixture.node.keyID))
            var unsigned = card
            unsigned["signatures"] = nil
            let input = Array((protected + "." + Base64URL.encode(unsigned.canonicalBytes())).utf8)
            let encoded = try #require(signature["signature"]?.stringValue)
            let bytes = try #require(Base64URL.decode(encoded))
            #expect(fixture.node.key.publicKey.isValidSignature(bytes, for: input))
            // A changed card no longer verifies.
            unsigned["name"] = "another node"
            let forged = Array((protected + "." + Base64URL.encode(unsigned.canonicalBytes())).utf8)
            #expect(!fixture.node.key.publicKey.isValidSignature(bytes, for: forged))
        }
    }

    @Test func aBlockingSendReturnsTheCompletedTaskAndGetTaskFindsIt() async throws {
        let fixture = try A2AFixture([.text("The answer is 42."), .text("Still 42.")])
        try await fixture.run { client in
            let key = try await fixture.key()
            let sent = try await client.a2a("SendMessage", A2AMessages.send("What is the answer?"), key: key)
            #expect(sent.status == .ok)
            let task = try #require(sent.json["result"]?["task"])
            #expect(sent.json["id"] == "1" && sent.json["jsonrpc"] == "2.0")
            #expect(task["status"]?["state"] == "TASK_STATE_COMPLETED")
            #expect(task["artifacts"]?[0]?["parts"]?[0]?["text"] == "The answer is 42.")
            #expect(task["status"]?["message"]?["role"] == "ROLE_AGENT")
            let id = try #require(task["id"]?.stringValue)
            let context = try #require(task["contextId"]?.stringValue)
            #expect(id.hasPrefix("run_") && context.hasPrefix("ses_"))

            let got = try await client.a2a("GetTask", ["id": .string(id)], key: key)
            #expect(got.json["result"]?["id"] == .string(id))
            #expect(got.json["result"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
            #expect(got.json["result"]?["artifacts"]?[0]?["parts"]?[0]?["text"] == "The answer is 42.")

            // The same context goes on in the same session; 0.3's names and shapes answer too.
            let legacy: JSONValue = [
                "message": [
                    "kind": "message", "messageId": "m2", "role": "user", "contextId": .string(context),
                    "parts": [["kind": "text", "text": "And again?"]],
                ]
            ]
            let again = try await client.a2a("message/send", legacy, key: key)
            let result = try #require(again.json["result"])
            #expect(result["kind"] == "task" && result["status"]?["state"] == "completed", "\(again.json)")
            #expect(result["contextId"] == .string(context))
            #expect(result["artifacts"]?[0]?["parts"]?[0]?["kind"] == "text")
            let legacyGet = try await client.a2a("tasks/get", ["id": result["id"] ?? nil], key: key)
            #expect(legacyGet.json["result"]?["status"]?["state"] == "completed")

            // Another key sees neither the task nor the context.
            let other = try await fixture.key()
            #expect(try await client.a2a("GetTask", ["id": .string(id)], key: other).json["error"]?["code"] == -32001)
            let foreign = try await client.a2a("SendMessage", A2AMessages.send("hi", contextID: context), key: other)
            #expect(foreign.json["error"]?["code"] == -32602)
            #expect(foreign.json["error"]?["data"]?[0]?["reason"] == "context_not_found")
        }
    }

    @Test func aRunningTaskIsCancelledAndThenNotCancelable() async throws {
        let fixture = try A2AFixture([.slowText(String(repeating: "slow ", count: 400), interval: .milliseconds(50))])
        try await fixture.run { client in
            let key = try await fixture.key()
            let sent = try await client.a2a("SendMessage", A2AMessages.send("write slowly", returnImmediately: true), key: key)
            let task = try #require(sent.json["result"]?["task"])
            #expect(task["status"]?["state"] == "TASK_STATE_WORKING")
            let id = try #require(task["id"]?.stringValue)
            let cancelled = try await client.a2a("CancelTask", ["id": .string(id)], key: key)
            #expect(cancelled.json["result"]?["status"]?["state"] == "TASK_STATE_CANCELED", "\(cancelled.json)")
            let again = try await client.a2a("CancelTask", ["id": .string(id)], key: key)
            #expect(again.json["error"]?["code"] == -32002)
            #expect(again.json["error"]?["data"]?[0]?["reason"] == "task_not_cancelable")
            #expect(try await client.a2a("GetTask", ["id": .string(id)], key: key).json["result"]?["status"]?["state"] == "TASK_STATE_CANCELED")
        }
    }

    @Test func aStreamedSendSendsTheTaskToolStatusArtifactAndFinalStatus() async throws {
        let fixture = try A2AFixture([
            .toolCalls([(name: "list_dir", arguments: #"{"path":"."}"#)]), .text("The workspace is empty."),
            .text("Streamed in 0.3."),
        ])
        try await fixture.run { client in
            let key = try await fixture.key()
            let response = try await client.a2a("SendStreamingMessage", A2AMessages.send("what is here?"), key: key, id: 7)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = response.events.compactMap { try? JSONValue(parsing: $0) }
            #expect(events.allSatisfy { $0["id"] == 7 && $0["jsonrpc"] == "2.0" })
            let results = events.compactMap { $0["result"] }
            #expect(results.first?["task"]?["status"]?["state"] == "TASK_STATE_WORKING")
            #expect(results.contains { $0["statusUpdate"]?["status"]?["message"]?["parts"]?[0]?["text"] == "running tool list_dir" })
            #expect(results.contains { $0["artifactUpdate"]?["artifact"]?["parts"]?[0]?["text"] == "The workspace is empty." })
            #expect(results.last?["statusUpdate"]?["status"]?["state"] == "TASK_STATE_COMPLETED")

            let legacy = try await client.a2a(
                "message/stream", ["message": ["kind": "message", "messageId": "m", "role": "user", "parts": [["kind": "text", "text": "go"]]]],
                key: key)
            let last = try #require(legacy.events.compactMap { try? JSONValue(parsing: $0) }.last?["result"])
            #expect(last["kind"] == "status-update" && last["final"] == true && last["status"]?["state"] == "completed", "\(last)")
        }
    }

    @Test func malformedCallsGetJSONRPCErrors() async throws {
        let fixture = try A2AFixture([])
        try await fixture.run { client in
            let key = try await fixture.key()
            func error(_ response: TestResponse) -> (Int?, String?) {
                (response.json["error"]?["code"]?.intValue, response.json["error"]?["data"]?[0]?["reason"]?.stringValue)
            }
            let bad = try await client.a2aRaw(Array("{nope".utf8), key: key)
            #expect(bad.status == .ok && error(bad).0 == -32700 && bad.json["id"] == .null)
            #expect(error(try await client.a2aRaw(Array("[]".utf8), key: key)).0 == -32600)
            #expect(error(try await client.a2aRaw(Array(#"{"jsonrpc":"1.0","id":1,"method":"GetTask"}"#.utf8), key: key)).0 == -32600)
            #expect(error(try await client.a2a("Frobnicate", [:], key: key)) == (-32601, "method_not_found"))
            #expect(error(try await client.a2a("GetTask", ["id": "run_000000000000000000000000"], key: key)) == (-32001, "task_not_found"))
            #expect(error(try await client.a2a("GetTask", ["id": "../../etc"], key: key)).0 == -32001)
            #expect(error(try await client.a2a("GetTask", [:], key: key)) == (-32602, "task_id_missing"))
            #expect(error(try await client.a2a("SendMessage", ["message": ["parts": []]], key: key)) == (-32602, "parts_empty"))
            #expect(error(try await client.a2a("SendMessage", ["message": ["parts": [["data": [:]]]]], key: key)).0 == -32005)
            #expect(error(try await client.a2a("SendMessage", A2AMessages.send("x", skill: "juggling"), key: key)) == (-32602, "skill_unknown"))
            #expect(error(try await client.a2a("ListTasks", [:], key: key)).0 == -32004)
            #expect(error(try await client.a2a("CreateTaskPushNotificationConfig", [:], key: key)).0 == -32003)
            let future = try await client.a2a("GetTask", ["id": "run_x"], key: key, headers: [A2ARoutes.versionHeader: "2.0"])
            #expect(error(future) == (-32009, "version_unsupported"))
            let huge = try await client.a2aRaw(Array(repeating: UInt8(ascii: " "), count: A2ARoutes.maximumBodyBytes + 1), key: key)
            #expect(huge.status == .contentTooLarge)
        }
    }

    @Test func callersWithoutAKeyOrWithABadOneAreRefused() async throws {
        let fixture = try A2AFixture([])
        try await fixture.run { client in
            let none = try await client.a2a("SendMessage", A2AMessages.send("hi"), key: nil)
            #expect(none.status == .unauthorized && none.json["error"]?["code"] == "missing_api_key")
            let wrong = try await client.a2a("SendMessage", A2AMessages.send("hi"), key: "tau_000000000000_" + String(repeating: "0", count: 48))
            #expect(wrong.status == .unauthorized)
            // The card is public.
            #expect(try await client.execute(uri: "/.well-known/agent-card.json", method: .get).status == .ok)
        }
    }

    /// `Authorization: DID …` for a body signed by a did:key.
    static func didAuthorization(
        _ body: [UInt8], sender: (key: Ed25519.PrivateKey, did: DID, keyID: String), to node: DID, path: String = "/a2a"
    ) -> String {
        let signer = EnvelopeSigner(did: sender.did, keyID: sender.keyID, key: sender.key)
        let message = signer.sign(
            type: A2ADIDAuthentication.requestType, body: ["method": "POST", "path": .string(path), "sha256": .string(Hex.encode(SHA256.hash(body)))],
            to: [node])
        return "DID " + Base64URL.encode(message.bytes)
    }

    @Test func aDIDSignedRequestIsItsOwnCallerAndATamperedOneIsRefused() async throws {
        let fixture = try A2AFixture([.text("Hello, DID.")])
        try await fixture.run { client in
            let sender = try A2AFixture.didKey()
            let body = Array((["jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": A2AMessages.send("hi")] as JSONValue).canonicalString().utf8)
            let authorization = Self.didAuthorization(body, sender: sender, to: fixture.node.did)
            let sent = try await client.a2aRaw(body, key: nil, headers: [.authorization: authorization])
            #expect(sent.status == .ok)
            let task = try #require(sent.json["result"]?["task"], "\(sent.json)")
            #expect(task["status"]?["state"] == "TASK_STATE_COMPLETED")
            let id = try #require(task["id"]?.stringValue)
            // The run belongs to the DID: an API key does not see it.
            #expect(try await client.a2a("GetTask", ["id": .string(id)], key: try await fixture.key()).json["error"]?["code"] == -32001)
            #expect(try await fixture.runs.run(id)?.apiKeyID == sender.did.description)
            let getBody = Array((["jsonrpc": "2.0", "id": 2, "method": "GetTask", "params": ["id": .string(id)]] as JSONValue).canonicalString().utf8)
            let got = try await client.a2aRaw(getBody, key: nil, headers: [.authorization: Self.didAuthorization(getBody, sender: sender, to: fixture.node.did)])
            #expect(got.json["result"]?["id"] == .string(id))

            // The same signature again is a replay; over another body it is refused.
            let replayed = try await client.a2aRaw(body, key: nil, headers: [.authorization: authorization])
            #expect(replayed.status == .unauthorized && replayed.json["error"]?["code"] == "replayed")
            var tampered = body
            tampered[tampered.count - 3] ^= 0x01
            let fresh = Self.didAuthorization(body, sender: sender, to: fixture.node.did)
            let refused = try await client.a2aRaw(tampered, key: nil, headers: [.authorization: fresh])
            #expect(refused.status == .unauthorized && refused.json["error"]?["code"] == "did_auth_request_mismatch")
            // Addressed to another node, or not a signed message at all.
            let elsewhere = Self.didAuthorization(body, sender: sender, to: try A2AFixture.didKey().did)
            #expect(try await client.a2aRaw(body, key: nil, headers: [.authorization: elsewhere]).json["error"]?["code"] == "did_auth_wrong_recipient")
            #expect(try await client.a2aRaw(body, key: nil, headers: [.authorization: "DID not-a-message"]).json["error"]?["code"] == "did_auth_malformed")
        }
    }

    @Test func byDefaultADIDCallerStartsOnlyPaidSkills() async throws {
        var configured = try A2AFixture([.text("Paid review.")])
        configured.freeSkillsForDIDs = false
        let fixture = configured
        try await fixture.run { client in
            let sender = try A2AFixture.didKey()
            func body(_ params: JSONValue) -> [UInt8] {
                Array((["jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": params] as JSONValue).canonicalString().utf8)
            }
            let free = body(A2AMessages.send("run for free"))
            let refused = try await client.a2aRaw(free, key: nil, headers: [.authorization: Self.didAuthorization(free, sender: sender, to: fixture.node.did)])
            #expect(refused.status == .forbidden && refused.json["error"]?["code"] == "did_caller_must_pay")
            let paid = body(A2AMessages.send("review this", skill: "review"))
            let unpaid = try await client.a2aRaw(paid, key: nil, headers: [.authorization: Self.didAuthorization(paid, sender: sender, to: fixture.node.did)])
            #expect(unpaid.status == .paymentRequired)
            let answered = try await client.a2aRaw(
                paid, key: nil,
                headers: [.authorization: Self.didAuthorization(paid, sender: sender, to: fixture.node.did), A2ARoutes.paymentHeader: "good"])
            #expect(answered.json["result"]?["task"]?["status"]?["state"] == "TASK_STATE_COMPLETED", "\(answered.json)")
        }
    }

    @Test func aPaidSkillAnswers402UntilAVoucherIsAccepted() async throws {
        let fixture = try A2AFixture([.text("Looks good to me.")])
        try await fixture.run { client in
            let key = try await fixture.key()
            let params = A2AMessages.send("review this", skill: "review")
            let unpaid = try await client.a2a("SendMessage", params, key: key)
            #expect(unpaid.status == .paymentRequired)
            #expect(unpaid.json["x402Version"] == 1 && unpaid.json["error"] == "payment_required")
            let accepts = try #require(unpaid.json["accepts"]?[0])
            #expect(accepts["scheme"] == "tau-escrow" && accepts["network"] == "kamn" && accepts["asset"] == "credits")
            #expect(accepts["maxAmountRequired"] == "2500000" && accepts["payTo"] == "did:example:payee")
            #expect(accepts["resource"]?.stringValue?.hasSuffix("/a2a") == true && accepts["maxTimeoutSeconds"] == 600)
            #expect(accepts["extra"]?["messageType"] == "https://tau-node.dev/kamn/1/escrow/open")

            let rejected = try await client.a2a("SendMessage", params, key: key, headers: [A2ARoutes.paymentHeader: "bad"])
            #expect(rejected.status == .paymentRequired && rejected.json["error"] == "voucher_rejected")
            #expect(fixture.desk.accepted.withLock { $0 }.isEmpty)

            let paid = try await client.a2a("SendMessage", params, key: key, headers: [A2ARoutes.paymentHeader: "good"])
            let task = try #require(paid.json["result"]?["task"], "\(paid.json)")
            #expect(task["status"]?["state"] == "TASK_STATE_COMPLETED")
            #expect(task["metadata"]?["escrowId"] == "esc_test1")
            let parts = try #require(params["message"]?["parts"])
            #expect(fixture.desk.accepted.withLock { $0 } == [.init(voucher: "good", taskHash: Hex.encode(SHA256.hash(parts.canonicalBytes())))])
            let id = try #require(task["id"]?.stringValue)
            #expect(try await client.a2a("GetTask", ["id": .string(id)], key: key).json["result"]?["metadata"]?["escrowId"] == "esc_test1")
            // The desk hears how the task ended: the answer's hash, invoiced at the price.
            var finished: [TestPaymentDesk.Finished] = []
            for _ in 0..<200 where finished.isEmpty {
                finished = fixture.desk.finishedCalls.withLock { $0 }
                if finished.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            }
            let expected = Hex.encode(SHA256.hash((([["text": "Looks good to me."]]) as JSONValue).canonicalBytes()))
            #expect(finished == [.init(escrowID: "esc_test1", resultHash: expected, invoice: TestPaymentDesk.price)])
            // The free skill needs no payment.
            #expect(try await client.a2a("SendMessage", A2AMessages.send("hi"), key: key).status == .ok)
        }
    }
}
