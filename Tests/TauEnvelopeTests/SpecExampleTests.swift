import Foundation
import TauCore
import TauCrypto
import TauIdentity
import TauTesting
import Testing

@testable import TauEnvelope

/// The worked example of Specs/envelope.md, computed independently (Python, PyNaCl):
/// tau-node must produce it byte for byte and accept it.
struct SpecExampleTests {
    static let example: JSONValue = {
        guard let url = Bundle.module.url(forResource: "envelope-example", withExtension: "json", subdirectory: "Vectors"),
            let data = try? Data(contentsOf: url), let value = try? JSONValue(parsing: Array(data))
        else { return .null }
        return value
    }()

    @Test func producesTheExampleByteForByte() throws {
        let example = Self.example
        let key = try Ed25519.PrivateKey(seed: try #require(Hex.decode(example["senderSeedHex"]?.stringValue ?? "")))
        let plaintext = try PlaintextMessage(json: try #require(example["plaintext"]))
        let message = SignedMessage.sign(plaintext, keyID: try #require(example["kid"]?.stringValue), key: key)
        #expect(String(decoding: message.payload, as: UTF8.self) == example["payloadJCS"]?.stringValue)
        #expect(String(decoding: message.signingInput, as: UTF8.self) == example["signingInput"]?.stringValue)
        #expect(message.json.canonicalString() == example["messageJCS"]?.stringValue)
    }

    @Test func acceptsTheExample() async throws {
        let example = Self.example
        let at = Date(timeIntervalSince1970: TimeInterval(example["verifyAt"]?.intValue ?? 0))
        let verifier = EnvelopeVerifier(
            resolver: DIDResolver(repository: nil), replayCache: InMemoryReplayCache(), now: { at })
        let bytes = Array((example["messageJCS"]?.stringValue ?? "").utf8)
        let recipient = try DID(example["recipient"]?.stringValue ?? "")
        let verified = try await verifier.verify(bytes, recipient: recipient)
        #expect(verified.plaintext.body == ["hello": "world"])
        #expect(verified.plaintext.from.method == "key")
        #expect(await reason { _ = try await verifier.verify(bytes, recipient: recipient) } == "replayed")
        let late = EnvelopeVerifier(
            resolver: DIDResolver(repository: nil), replayCache: InMemoryReplayCache(),
            now: { Date(timeIntervalSince1970: 1_800_000_300) })
        #expect(await reason { _ = try await late.verify(bytes, recipient: recipient) } == "expired")
    }
}
