import Foundation
import TauCore
import TauCrypto
import TauIdentity
import TauTesting
import Testing

@testable import TauEnvelope

/// The DIDComm reference library (Python `didcomm` 0.3.2, installed by
/// scripts/install-deps.sh for tests only) must unpack what the node signs, and the node
/// must accept what the library signs (`Specs/envelope.md` section 3).
struct DIDCommInteropTests {
    static let ping = "https://tau-node.dev/kamn/1/peer/ping"

    /// A did:key of a fresh Ed25519 key, and the id of its one verification method.
    static func didKey() throws -> (key: Ed25519.PrivateKey, did: DID, keyID: String) {
        let key = try Ed25519.PrivateKey()
        let did = DIDKey.did(for: key.publicKey)
        return (key, did, "\(did)#\(key.publicKey.multibase)")
    }

    @Test func didcommUnpacksTheSpecExample() async throws {
        let example = SpecExampleTests.example
        let bytes = Array(try #require(example["messageJCS"]?.stringValue).utf8)
        let outcome = try await DIDCommLibrary.unpack(bytes)
        #expect(outcome.succeeded, "\(outcome.output) \(outcome.diagnostics)")
        #expect(outcome.output["sign_from"] == example["kid"])
        #expect(outcome.output["sign_alg"] == "EdDSA")
        #expect(outcome.output["message"]?["from"] == example["sender"])
        #expect(outcome.output["message"]?["id"] == "example-1")
        #expect(outcome.output["message"]?["body"] == ["hello": "world"])
    }

    @Test func didcommUnpacksADIDKeyMessageAndRefusesItWithAFlippedByte() async throws {
        let sender = try Self.didKey()
        let recipient = try Self.didKey()
        let signer = EnvelopeSigner(did: sender.did, keyID: sender.keyID, key: sender.key)
        let message = signer.sign(type: Self.ping, body: ["hello": "didcomm"], to: [recipient.did])
        let outcome = try await DIDCommLibrary.unpack(message.bytes)
        #expect(outcome.succeeded, "\(outcome.output) \(outcome.diagnostics)")
        #expect(outcome.output["sign_from"]?.stringValue == sender.keyID)
        #expect(outcome.output["non_repudiation"] == true)
        let unpacked = try #require(outcome.output["message"])
        #expect(unpacked["from"]?.stringValue == sender.did.description)
        #expect(unpacked["to"] == [.string(recipient.did.description)])
        #expect(unpacked["type"]?.stringValue == Self.ping)
        #expect(unpacked["id"]?.stringValue == message.plaintext.id)
        #expect(unpacked["body"] == ["hello": "didcomm"])
        #expect(unpacked["expires_time"]?.intValue == Int(message.plaintext.expiresTime))

        let forged = try DIDCommLibrary.flippingPayloadByte(of: message.bytes, inside: "didcomm")
        let refused = try await DIDCommLibrary.unpack(forged)
        #expect(!refused.succeeded)
        #expect(refused.output["code"] == "INVALID_SIGNATURE", "\(refused.output)")
    }

    @Test func didcommUnpacksADIDTauMessageGivenTheSendersDocument() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let bob = try await fixture.node()
        let message = alice.signer.sign(type: Self.ping, body: ["hello": "did:tau"], to: [bob.did])
        let document = try #require(await fixture.resolver.resolve(alice.did).document)
        let outcome = try await DIDCommLibrary.unpack(message.bytes, documents: [document.json])
        #expect(outcome.succeeded, "\(outcome.output) \(outcome.diagnostics)")
        #expect(outcome.output["sign_from"]?.stringValue == alice.controller.signingKeyID)
        #expect(outcome.output["message"]?["from"]?.stringValue == alice.did.description)
        #expect(outcome.output["message"]?["body"] == ["hello": "did:tau"])
    }

    @Test func aMessageTheLibrarySignsIsAcceptedOnceAndAFlippedByteIsRefused() async throws {
        let recipient = try Self.didKey()
        let seed = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let packed = try await DIDCommLibrary.packSigned(
            seed: seed, to: recipient.did.description, type: Self.ping, body: ["hello": "from didcomm"])
        #expect(packed.succeeded, "\(packed.output) \(packed.diagnostics)")
        let bytes = Array(try #require(packed.output["message"]?.stringValue).utf8)
        let senderKey = try Ed25519.PrivateKey(seed: seed)
        #expect(packed.output["did"]?.stringValue == DIDKey.did(for: senderKey.publicKey).description)

        let verifier = EnvelopeVerifier(resolver: DIDResolver(repository: nil), replayCache: InMemoryReplayCache())
        let verified = try await verifier.verify(bytes, recipient: recipient.did)
        #expect(verified.message.keyID == packed.output["kid"]?.stringValue)
        #expect(verified.plaintext.from.description == packed.output["did"]?.stringValue)
        #expect(verified.plaintext.id == packed.output["id"]?.stringValue)
        #expect(verified.plaintext.body == ["hello": "from didcomm"])
        // Re-serialized by the node, the message keeps its form and its signature.
        let again = EnvelopeVerifier(resolver: DIDResolver(repository: nil), replayCache: InMemoryReplayCache())
        #expect(await reason { _ = try await again.verify(verified.message.bytes, recipient: recipient.did) } == nil)
        #expect(await reason { _ = try await verifier.verify(bytes, recipient: recipient.did) } == "replayed")

        let forged = try DIDCommLibrary.flippingPayloadByte(of: bytes, inside: "from didcomm")
        let fresh = EnvelopeVerifier(resolver: DIDResolver(repository: nil), replayCache: InMemoryReplayCache())
        #expect(await reason { _ = try await fresh.verify(forged, recipient: recipient.did) } == "signature_invalid")
    }
}
