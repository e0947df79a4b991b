import Foundation
import TauCore
import TauCrypto
import TauIdentity
import Testing

@testable import TauEnvelope

struct EnvelopeVerificationTests {
    static let type = "https://tau-node.dev/kamn/1/peer/hello"

    @Test func acceptsAGoodMessageOnceOnly() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let bob = try await fixture.node()
        let message = alice.signer.sign(type: Self.type, body: ["hello": "bob"], to: [bob.did])
        let verified = try await fixture.verifier().verify(message.bytes, recipient: bob.did)
        #expect(verified.plaintext.body["hello"] == "bob")
        #expect(verified.plaintext.from == alice.did)
        #expect(verified.senderVersionId == alice.log.head.versionId)
        #expect(await reason { _ = try await fixture.verifier().verify(message.bytes, recipient: bob.did) } == "replayed")
    }

    @Test func roundTripsThroughTheWireForm() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let message = alice.signer.sign(type: Self.type, body: ["n": 1], to: [alice.did], threadID: "t-1", parentThreadID: "p-1")
        let parsed = try SignedMessage(bytes: message.bytes)
        #expect(parsed == message)
        #expect(parsed.plaintext.threadID == "t-1")
        // kid in the unprotected header, as the DIDComm v2 example has it; alg and typ protected.
        let entry = try #require(message.json["signatures"]?.arrayValue?.first)
        let header = try JSONValue(parsing: Base64URL.decode(entry["protected"]?.stringValue ?? "") ?? [])
        #expect(header == ["alg": "EdDSA", "typ": "application/didcomm-signed+json"])
        #expect(entry["header"] == ["kid": .string(alice.controller.signingKeyID)])
        let payload = try JSONValue(parsing: message.payload)
        #expect(payload["typ"] == "application/didcomm-plain+json")
        #expect(payload["created_time"]?.intValue == 1_800_000_000)
    }

    @Test func forgedSignature() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let message = alice.signer.sign(type: Self.type, body: [:], to: [alice.did])
        let forged = tampered(message) { json in
            var entry = json["signatures"]!.arrayValue![0]
            var signature = Base64URL.decode(entry["signature"]?.stringValue ?? "") ?? []
            signature[10] ^= 0x40
            entry["signature"] = .string(Base64URL.encode(signature))
            json["signatures"] = [entry]
        }
        #expect(await reason { _ = try await fixture.verifier().verify(forged, recipient: alice.did) } == "signature_invalid")
        // A signature by a key that is not the sender's.
        let stranger = try Ed25519.PrivateKey()
        let impostor = SignedMessage.sign(message.plaintext, keyID: alice.controller.signingKeyID, key: stranger)
        #expect(await reason { _ = try await fixture.verifier().verify(impostor.bytes, recipient: alice.did) } == "signature_invalid")
    }

    @Test func alteredBody() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let message = alice.signer.sign(type: Self.type, body: ["amount": 10], to: [alice.did])
        var plaintext = message.plaintext.json
        plaintext["body"] = ["amount": 1000]
        let altered = tampered(message) { $0["payload"] = .string(Base64URL.encode(plaintext.canonicalBytes())) }
        #expect(await reason { _ = try await fixture.verifier().verify(altered, recipient: alice.did) } == "signature_invalid")
    }

    @Test func wrongRecipient() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let bob = try await fixture.node()
        let carol = try await fixture.node()
        let message = alice.signer.sign(type: Self.type, body: [:], to: [bob.did])
        #expect(await reason { _ = try await fixture.verifier().verify(message.bytes, recipient: carol.did) } == "wrong_recipient")
        // A refused message is not recorded, so the real recipient still accepts it.
        #expect(await reason { _ = try await fixture.verifier().verify(message.bytes, recipient: bob.did) } == nil)
    }

    @Test func timeChecks() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let verifier = fixture.verifier(policy: EnvelopePolicy(maximumClockSkew: 60, maximumLifetime: 600))
        func message(created offset: Int64, lifetime: Int64) -> [UInt8] {
            let created = Int64(fixture.clock.now.timeIntervalSince1970) + offset
            let plaintext = PlaintextMessage(
                type: Self.type, from: alice.did, to: [alice.did], createdTime: created, expiresTime: created + lifetime)
            return SignedMessage.sign(plaintext, keyID: alice.controller.signingKeyID, key: alice.controller.signingKey).bytes
        }
        #expect(await reason { _ = try await verifier.verify(message(created: 120, lifetime: 300), recipient: alice.did) } == "created_in_future")
        #expect(await reason { _ = try await verifier.verify(message(created: -120, lifetime: 600), recipient: alice.did) } == "created_too_old")
        #expect(await reason { _ = try await verifier.verify(message(created: -30, lifetime: 20), recipient: alice.did) } == "expired")
        #expect(await reason { _ = try await verifier.verify(message(created: 0, lifetime: 3600), recipient: alice.did) } == "lifetime_too_long")
        #expect(await reason { _ = try await verifier.verify(message(created: 0, lifetime: -5), recipient: alice.did) } == "expired")
        #expect(await reason { _ = try await verifier.verify(message(created: 30, lifetime: 60), recipient: alice.did) } == nil)
    }

    @Test func rotatedOutKey() async throws {
        let fixture = EnvelopeFixture()
        var alice = try await fixture.node()
        let oldSigner = alice.signer
        let early = oldSigner.sign(type: Self.type, body: ["receipt": true], to: [alice.did])
        fixture.clock.advance(by: 10)
        alice = try await fixture.rotate(alice)
        let late = oldSigner.sign(type: Self.type, body: [:], to: [alice.did])
        #expect(await reason { _ = try await fixture.verifier().verify(late.bytes, recipient: alice.did) } == "kid_not_current")
        // The new key works.
        let fresh = alice.signer.sign(type: Self.type, body: [:], to: [alice.did])
        #expect(await reason { _ = try await fixture.verifier().verify(fresh.bytes, recipient: alice.did) } == nil)
        // The old message is still a valid receipt as of when it was made...
        fixture.clock.advance(by: 7200)
        let receipt = try await fixture.verifier().verifyHistorical(early.bytes)
        #expect(receipt.senderVersionId == alice.log.versions[0].versionId)
        // ...but a message dated after the rotation, signed with the old key, is not.
        #expect(await reason { _ = try await fixture.verifier().verifyHistorical(late.bytes) } == "kid_not_valid_then")
    }

    @Test func unknownAndDeactivatedSenders() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let (outsider, _) = try DIDTauController.create()
        let fromNowhere = fixture.signer(outsider).sign(type: Self.type, body: [:], to: [alice.did])
        #expect(await reason { _ = try await fixture.verifier().verify(fromNowhere.bytes, recipient: alice.did) } == "sender_unknown")
        let bob = try await fixture.node()
        let before = bob.signer.sign(type: Self.type, body: [:], to: [alice.did])
        fixture.clock.advance(by: 10)
        try await fixture.revoke(bob)
        let after = bob.signer.sign(type: Self.type, body: [:], to: [alice.did])
        #expect(await reason { _ = try await fixture.verifier().verify(after.bytes, recipient: alice.did) } == "deactivated")
        #expect(await reason { _ = try await fixture.verifier().verify(before.bytes, recipient: alice.did) } == "deactivated")
        // A receipt made before the revocation still verifies historically.
        #expect(await reason { _ = try await fixture.verifier().verifyHistorical(before.bytes) } == nil)
    }

    @Test func keyOfAnotherDID() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let bob = try await fixture.node()
        let plaintext = PlaintextMessage(
            type: Self.type, from: alice.did, to: [alice.did], createdTime: Int64(fixture.clock.now.timeIntervalSince1970),
            expiresTime: Int64(fixture.clock.now.timeIntervalSince1970) + 60)
        let message = SignedMessage.sign(plaintext, keyID: bob.controller.signingKeyID, key: bob.controller.signingKey)
        #expect(await reason { _ = try await fixture.verifier().verify(message.bytes, recipient: alice.did) } == "kid_not_sender")
        let agreement = SignedMessage.sign(plaintext, keyID: "\(alice.did)#agree-1", key: alice.controller.signingKey)
        #expect(await reason { _ = try await fixture.verifier().verify(agreement.bytes, recipient: alice.did) } == "kid_not_current")
    }

    @Test func kidInTheProtectedHeaderIsStillAccepted() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let bob = try await fixture.node()
        let current = alice.signer.sign(type: Self.type, body: ["form": "earlier"], to: [bob.did])
        let earlier = fixture.signedWithProtectedKeyID(current.plaintext, keyID: alice.controller.signingKeyID, key: alice.controller.signingKey)
        let verified = try await fixture.verifier().verify(earlier, recipient: bob.did)
        #expect(verified.message.keyID == alice.controller.signingKeyID)
        #expect(verified.plaintext.body == ["form": "earlier"])
        // Re-serialized as received: the kid stays in the protected header, where it was signed.
        #expect(verified.message.bytes == earlier)
        #expect(await reason { _ = try await fixture.verifier().verifyHistorical(verified.message.bytes) } == nil)
    }

    @Test func anUnprotectedKidChangedInTransit() async throws {
        // The unprotected kid is not signed, but it must name a current authentication key
        // of the signed `from` whose key verifies the signature: changing it gains nothing.
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let bob = try await fixture.node()
        let message = alice.signer.sign(type: Self.type, body: [:], to: [bob.did])
        func withKeyID(_ keyID: String) -> [UInt8] {
            tampered(message) { json in
                var one = json["signatures"]!.arrayValue![0]
                one["header"] = ["kid": .string(keyID)]
                json["signatures"] = [one]
            }
        }
        let verifier = fixture.verifier()
        #expect(await reason { _ = try await verifier.verify(withKeyID(bob.controller.signingKeyID), recipient: bob.did) } == "kid_not_sender")
        #expect(await reason { _ = try await verifier.verify(withKeyID("\(alice.did)#agree-1"), recipient: bob.did) } == "kid_not_current")
        #expect(await reason { _ = try await verifier.verify(withKeyID("\(alice.did)#sig-9"), recipient: bob.did) } == "kid_not_current")
        #expect(await reason { _ = try await verifier.verify(message.bytes, recipient: bob.did) } == nil)
    }

    @Test func malformedInput() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let verifier = fixture.verifier()
        let good = alice.signer.sign(type: Self.type, body: [:], to: [alice.did])
        func code(_ bytes: [UInt8]) async -> String? { await reason { _ = try await verifier.verify(bytes, recipient: alice.did) } }
        #expect(await code(Array("{not json".utf8)) == "envelope_malformed")
        #expect(await code(Array("[]".utf8)) == "envelope_malformed")
        #expect(await code([UInt8](repeating: 0x20, count: SignedMessage.maximumBytes + 1)) == "envelope_too_large")
        #expect(await code(tampered(good) { $0["extra"] = 1 }) == "envelope_malformed")
        #expect(await code(tampered(good) { $0["signatures"] = [] }) == "envelope_malformed")
        #expect(await code(tampered(good) { json in
            let one = json["signatures"]!.arrayValue![0]
            json["signatures"] = [one, one]
        }) == "envelope_malformed")
        #expect(await code(tampered(good) { json in
            var one = json["signatures"]!.arrayValue![0]
            one["protected"] = .string(Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)))
            json["signatures"] = [one]
        }) == "unsupported_algorithm")
        // kid in both headers, even with the same value (RFC 7515 section 7.2.1), or in neither.
        let both = #"{"alg":"EdDSA","kid":"\#(alice.controller.signingKeyID)","typ":"application/didcomm-signed+json"}"#
        #expect(await code(tampered(good) { json in
            var one = json["signatures"]!.arrayValue![0]
            one["protected"] = .string(Base64URL.encode(Array(both.utf8)))
            json["signatures"] = [one]
        }) == "envelope_malformed")
        #expect(await code(tampered(good) { json in
            var one = json["signatures"]!.arrayValue![0]
            one["header"] = [:]
            json["signatures"] = [one]
        }) == "envelope_malformed")
        #expect(await code(tampered(good) { json in
            var one = json["signatures"]!.arrayValue![0]
            one["header"] = .string(alice.controller.signingKeyID)
            json["signatures"] = [one]
        }) == "envelope_malformed")
        #expect(await code(tampered(good) { $0["payload"] = .string(Base64URL.encode(Array("[1]".utf8))) }) == "envelope_malformed")
        #expect(await code(tampered(good) { $0["payload"] = "***" }) == "envelope_malformed")
    }
}
