import Foundation
import TauCore
import TauIdentity
import Testing

@testable import TauEnvelope

@Suite struct ReceiptBundleTests {
    typealias F = ReceiptFixture

    func read(_ text: String) -> String? {
        receiptReason { _ = try ReceiptBundle(bytes: Array(text.utf8)) }
    }

    @Test func malformedFilesAreRefusedWhole() throws {
        let alice = try F.Identity(createdAt: F.at(0))
        let message = alice.sign("escrow/open", at: F.at(100)).json.canonicalString()
        let escrow = "\"escrow\":\"\(F.escrow)\""
        #expect(read("{not json") == "receipt_malformed")
        #expect(read("[]") == "receipt_malformed")
        #expect(read("{\(escrow),\"messages\":[\(message)],\"logs\":{}}") == "receipt_malformed")  // no format
        #expect(read("{\"format\":\"tau-receipts/2\",\(escrow),\"messages\":[\(message)],\"logs\":{}}") == "receipt_malformed")
        #expect(read("{\"format\":\"tau-receipts/1\",\"escrow\":\"x\",\"messages\":[\(message)],\"logs\":{}}") == "receipt_malformed")
        #expect(read("{\"format\":\"tau-receipts/1\",\(escrow),\"messages\":[],\"logs\":{}}") == "receipt_malformed")
        #expect(read("{\"format\":\"tau-receipts/1\",\(escrow),\"messages\":[\"x\"],\"logs\":{}}") == "receipt_malformed")
        #expect(read("{\"format\":\"tau-receipts/1\",\(escrow),\"messages\":[\(message)],\"logs\":[]}") == "receipt_malformed")
        #expect(read("{\"format\":\"tau-receipts/1\",\(escrow),\"messages\":[\(message)],\"logs\":{\"did:key:z6Mk\":\"\"}}") == "receipt_malformed")
        #expect(read("{\"format\":\"tau-receipts/1\",\(escrow),\"messages\":[\(message)],\"logs\":{\"\(alice.did)\":7}}") == "receipt_malformed")
        #expect(read("{\"format\":\"tau-receipts/1\",\(escrow),\"messages\":[\(message)],\"logs\":{},\"extra\":1}") == "receipt_malformed")
        // Without logs (a bundle of did:key signers may have none) it reads.
        #expect(read("{\"format\":\"tau-receipts/1\",\(escrow),\"messages\":[\(message)]}") == nil)
        #expect(receiptReason { _ = try ReceiptBundle(escrow: F.escrow, messages: [Array("[1]".utf8)], logs: [:]) } == "receipt_malformed")
        #expect(receiptReason { _ = try ReceiptBundle(escrow: "esc_ nope", messages: [Array(message.utf8)], logs: [:]) } == "receipt_malformed")
    }

    @Test func aMessageThatIsNotASignedMessageFailsAlone() throws {
        let alice = try F.Identity(createdAt: F.at(0))
        let good = alice.sign("escrow/open", at: F.at(100))
        var badAlgorithm = good.json
        badAlgorithm["signatures"] = [["protected": .string(Base64URL.encode(Array("{\"alg\":\"ES256\"}".utf8))), "header": ["kid": "x"], "signature": "AA"]]
        let bundle = try ReceiptBundle(
            escrow: F.escrow, messages: [Array("{\"payload\":\"\"}".utf8), badAlgorithm.canonicalBytes(), good.bytes],
            logs: [alice.did: alice.jsonLines])
        #expect(F.results(bundle) == ["receipt_malformed", "receipt_malformed", "ok"])
        let report = ReceiptVerifier().verify(bundle)
        #expect(report.checks[0].from == nil && report.checks[0].type == nil)
        #expect(!report.isValid && report.firstFailure?.reason == .malformed)
    }

    @Test func limits() throws {
        let alice = try F.Identity(createdAt: F.at(0))
        let message = alice.sign("escrow/open", at: F.at(100))
        // A file over 4 MiB is refused before it is parsed.
        let padding = String(repeating: " ", count: ReceiptBundle.maximumBytes)
        #expect(read("{\"format\":\"tau-receipts/1\"}" + padding) == "receipt_too_large")
        // 64 messages are allowed, 65 are not.
        let most = try ReceiptBundle(escrow: F.escrow, messages: Array(repeating: message.bytes, count: 64), logs: [alice.did: alice.jsonLines])
        #expect(ReceiptVerifier().verify(most).isValid)
        #expect(receiptReason { _ = try ReceiptBundle(escrow: F.escrow, messages: Array(repeating: message.bytes, count: 65), logs: [:]) } == "receipt_too_large")
        var tooMany = most.json
        tooMany["messages"] = .array(Array(repeating: message.json, count: 65))
        #expect(receiptReason { _ = try ReceiptBundle(bytes: tooMany.canonicalBytes()) } == "receipt_too_large")
        // 17 logs are too many.
        var logs: [DID: String] = [:]
        for _ in 0..<17 {
            let someone = try F.Identity(createdAt: F.at(0))
            logs[someone.did] = someone.jsonLines
        }
        #expect(receiptReason { _ = try ReceiptBundle(escrow: F.escrow, messages: [message.bytes], logs: logs) } == "receipt_too_large")
        // A bundle whose file would exceed the limit is not made.
        let huge = String(repeating: "x", count: ReceiptBundle.maximumBytes)
        #expect(receiptReason { _ = try ReceiptBundle(escrow: F.escrow, messages: [message.bytes], logs: [alice.did: huge]) } == "receipt_too_large")
        // A message over the envelope limit inside a bundle under the file limit.
        let big = alice.sign("escrow/open", at: F.at(100))
        var bigJSON = big.json
        var plaintext = big.plaintext.json
        plaintext["body"] = ["escrow": .string(F.escrow), "pad": .string(String(repeating: "y", count: SignedMessage.maximumBytes))]
        bigJSON["payload"] = .string(Base64URL.encode(plaintext.canonicalBytes()))
        let oversized = try ReceiptBundle(escrow: F.escrow, messages: [bigJSON.canonicalBytes()], logs: [alice.did: alice.jsonLines])
        #expect(F.results(oversized) == ["receipt_too_large"])
    }
}
