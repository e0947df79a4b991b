import Foundation
import TauCore
import TauCrypto
import TauIdentity
import Testing

@testable import TauEnvelope

@Suite struct ReceiptVerifierTests {
    typealias F = ReceiptFixture

    @Test func anEscrowSignedByTwoDIDTauIdentitiesVerifies() throws {
        let payer = try F.Identity(createdAt: F.at(0))
        let payee = try F.Identity(createdAt: F.at(10))
        let messages = [
            payer.sign("escrow/open", at: F.at(100), to: payee.did),
            payee.sign("task/result", at: F.at(200), to: payer.did),
            payer.sign("escrow/release", at: F.at(300), to: payee.did),
            payee.sign("receipt", at: F.at(301), to: payer.did),
        ]
        let bundle = try F.bundle(messages, logs: [payer, payee])
        let report = ReceiptVerifier().verify(bundle)
        #expect(report.isValid && report.firstFailure == nil)
        #expect(report.escrow == F.escrow)
        #expect(report.checks.map(\.type) == messages.map(\.plaintext.type))
        #expect(report.checks.map(\.from) == [payer.did, payee.did, payer.did, payee.did])
        #expect(report.checks.map(\.createdTime) == [1_800_000_100, 1_800_000_200, 1_800_000_300, 1_800_000_301])
        #expect(report.checks[0].keyID == payer.controller.signingKeyID)
        #expect(report.checks[0].versionId == payer.log.head.versionId)
        // The file is canonical JSON and reads back as the same bundle, which verifies the same.
        let text = String(decoding: bundle.bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\"escrow\":\"esc_") && !text.contains("\n\""))
        let read = try ReceiptBundle(bytes: bundle.bytes)
        #expect(read == bundle)
        #expect(try ReceiptVerifier().verify(bytes: bundle.bytes) == report)
    }

    @Test func aRotatedOutKeyVerifiesOnlyWhatItSignedBeforeTheRotation() throws {
        var alice = try F.Identity(createdAt: F.at(0))
        let old = alice.controller
        let beforeRotation = alice.sign("escrow/open", at: F.at(100))
        try alice.rotate(at: F.at(1_000))
        let oldKeyAfter = alice.sign("escrow/release", at: F.at(2_000), with: old)
        let newKeyAfter = alice.sign("escrow/release", at: F.at(2_000))
        let newKeyBefore = alice.sign("escrow/open", at: F.at(500))
        let beforeTheDID = alice.sign("escrow/open", at: F.at(-10), with: old)
        let atTheRotation = alice.sign("escrow/release", at: F.at(1_000), with: old)
        let bundle = try F.bundle([beforeRotation, oldKeyAfter, newKeyAfter, newKeyBefore, beforeTheDID, atTheRotation], logs: [alice])
        #expect(
            F.results(bundle) == [
                "ok", "receipt_key_not_valid", "ok", "receipt_key_not_valid", "receipt_key_not_valid", "receipt_key_not_valid",
            ])
        let report = ReceiptVerifier().verify(bundle)
        #expect(report.checks[0].versionId == alice.log.versions[0].versionId)
        #expect(report.checks[2].versionId == alice.log.versions[1].versionId)
        #expect(report.firstFailure?.reason == .keyNotValid)
    }

    @Test func aDeactivatedSignerCountsOnlyBeforeItsDeactivation() throws {
        var bob = try F.Identity(createdAt: F.at(0))
        let before = bob.sign("task/result", at: F.at(100))
        let at = bob.sign("task/result", at: F.at(3_000))
        let after = bob.sign("task/result", at: F.at(4_000))
        try bob.deactivate(at: F.at(3_000))
        #expect(F.results(try F.bundle([before, at, after], logs: [bob])) == ["ok", "receipt_signer_deactivated", "receipt_signer_deactivated"])
    }

    @Test func aChangedMessageFailsItsSignature() throws {
        let alice = try F.Identity(createdAt: F.at(0))
        let message = alice.sign("escrow/release", at: F.at(100))
        var plaintext = message.plaintext.json
        plaintext["body"] = ["escrow": .string(F.escrow), "amount": 500]
        var changed = message.json
        changed["payload"] = .string(Base64URL.encode(plaintext.canonicalBytes()))
        // A signature by a key that is not the one kid names.
        let stranger = try Ed25519.PrivateKey()
        let impostor = SignedMessage.sign(message.plaintext, keyID: alice.controller.signingKeyID, key: stranger)
        let bundle = try ReceiptBundle(escrow: F.escrow, messages: [changed.canonicalBytes(), impostor.bytes, message.bytes], logs: [alice.did: alice.jsonLines])
        #expect(F.results(bundle) == ["receipt_signature_invalid", "receipt_signature_invalid", "ok"])
    }

    @Test func theSignersLogMustBeThereAndVerify() throws {
        var alice = try F.Identity(createdAt: F.at(0))
        try alice.rotate(at: F.at(1_000))
        let carol = try F.Identity(createdAt: F.at(0))
        let message = alice.sign("escrow/open", at: F.at(2_000))
        #expect(F.results(try F.bundle([message], logs: [carol])) == ["receipt_log_missing"])
        // The second entry dated otherwise than its proofs and hash say.
        var lines = alice.jsonLines.split(separator: "\n").map(String.init)
        var entry = alice.log.log.entries[1].json
        entry["versionTime"] = .string(Timestamp.format(F.at(1_001)))
        lines[1] = entry.canonicalString()
        let tampered = try ReceiptBundle(escrow: F.escrow, messages: [message.bytes], logs: [alice.did: lines.joined(separator: "\n")])
        #expect(F.results(tampered) == ["receipt_log_invalid"])
        // Another DID's (valid) log filed under this DID; a log that is not JSON Lines.
        let misfiled = try ReceiptBundle(escrow: F.escrow, messages: [message.bytes], logs: [alice.did: carol.jsonLines])
        #expect(F.results(misfiled) == ["receipt_log_invalid"])
        let garbage = try ReceiptBundle(escrow: F.escrow, messages: [message.bytes, message.bytes], logs: [alice.did: "{not json"])
        #expect(F.results(garbage) == ["receipt_log_invalid", "receipt_log_invalid"])
        // A log cut before the rotation does not know the new key.
        let cut = try ReceiptBundle(escrow: F.escrow, messages: [message.bytes], logs: [alice.did: lines[0] + "\n"])
        #expect(F.results(cut) == ["receipt_key_not_valid"])
    }

    @Test func didKeySignersVerifyAndDidWebSignersCannot() throws {
        let key = try Ed25519.PrivateKey()
        let did = DIDKey.did(for: key.publicKey)
        let signer = EnvelopeSigner(did: did, keyID: "\(did)#\(key.publicKey.multibase)", key: key, now: { F.at(100) })
        let good = signer.sign(type: F.prefix + "escrow/open", body: ["escrow": .string(F.escrow)], to: [did])
        let web = try DID("did:web:example.com")
        let webMessage = EnvelopeSigner(did: web, keyID: "did:web:example.com#key-1", key: key, now: { F.at(100) })
            .sign(type: F.prefix + "escrow/open", body: ["escrow": .string(F.escrow)], to: [did])
        // A kid naming another DID's key.
        let foreignKid = EnvelopeSigner(did: did, keyID: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", key: key, now: { F.at(100) })
            .sign(type: F.prefix + "escrow/open", body: ["escrow": .string(F.escrow)], to: [did])
        let bundle = try ReceiptBundle(escrow: F.escrow, messages: [good.bytes, webMessage.bytes, foreignKid.bytes], logs: [:])
        #expect(F.results(bundle) == ["ok", "receipt_signer_unverifiable", "receipt_key_not_valid"])
        #expect(ReceiptVerifier().verify(bundle).checks[0].versionId == nil)
    }

    @Test func everyMessageMustNameTheBundlesEscrow() throws {
        let alice = try F.Identity(createdAt: F.at(0))
        let other = alice.sign("escrow/open", at: F.at(100), escrow: "esc_ffffffffffffffffffffffff")
        let none = EnvelopeSigner(did: alice.did, keyID: alice.controller.signingKeyID, key: alice.controller.signingKey, now: { F.at(100) })
            .sign(type: F.prefix + "receipt", body: ["amount": 1], to: [alice.did])
        let good = alice.sign("escrow/open", at: F.at(100))
        #expect(F.results(try F.bundle([good, other, none], logs: [alice])) == ["ok", "receipt_escrow_mismatch", "receipt_escrow_mismatch"])
    }
}
