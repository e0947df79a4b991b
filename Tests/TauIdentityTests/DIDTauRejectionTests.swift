import Foundation
import TauCore
import TauCrypto
import Testing

@testable import TauIdentity

/// Every way a did:tau log can be wrong, each with its own reason code (Specs/did-tau.md §Verification).
struct DIDTauRejectionTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000 + 3600)

    func verify(_ entries: [DIDTauLogEntry], did: DID? = nil) -> String? {
        reasonCode { _ = try DIDTauLog(entries: entries).verify(did: did, now: now) }
    }

    func edited(_ entry: DIDTauLogEntry, _ change: (inout JSONValue) -> Void) -> DIDTauLogEntry {
        var json = entry.json
        change(&json)
        return DIDTauLogEntry(json: json)
    }

    /// Re-signs an unsecured entry with the given keys, computing the versionId
    /// against `previousVersionId` (so the proofs are valid whatever the content).
    func forge(
        _ unsecured: JSONValue, number: Int, previousVersionId: String, keys: [Ed25519.PrivateKey]
    ) -> DIDTauLogEntry {
        var body = unsecured
        body["proof"] = nil
        body["versionId"] = .string("\(number)-" + DIDTauHash.entryHash(body, previousVersionId: previousVersionId))
        return DIDTauController.sign(body, with: keys, time: body["versionTime"]?.stringValue ?? "")
    }

    @Test func tamperedEntry() throws {
        let lifecycle = try Lifecycle.make(rotations: 1)
        var entries = lifecycle.log.log.entries
        entries[1] = edited(entries[1]) { $0["state"]?["service"] = [["id": "#x", "type": "TauMesh", "serviceEndpoint": "http://evil"]] }
        #expect(verify(entries) == "proof_invalid")
    }

    @Test func tamperedGenesisChangesTheSCID() throws {
        var entries = try Lifecycle.make().log.log.entries
        entries[0] = edited(entries[0]) { $0["versionTime"] = "2026-01-01T00:00:00Z" }
        #expect(verify(entries) == "scid_mismatch")
    }

    @Test func brokenHashChain() throws {
        let lifecycle = try Lifecycle.make(rotations: 1)
        var entries = lifecycle.log.log.entries
        let controller = lifecycle.controllers[0]
        // Correctly signed by the right keys, but hashed against the wrong predecessor.
        entries[1] = forge(entries[1].unsecured, number: 2, previousVersionId: "1-QmWrongPredecessor", keys: [controller.updateKey, controller.nextUpdateKey])
        #expect(verify(entries) == "hash_chain_broken")
    }

    @Test func rotationToAKeyThatWasNotPreCommitted() throws {
        let lifecycle = try Lifecycle.make()
        let controller = lifecycle.controllers[0]
        let attacker = try Ed25519.PrivateKey()
        let entry = controller.append(
            to: lifecycle.log, number: 2, now: now, state: lifecycle.log.head.document.json,
            parameters: ["updateKeys": [.string(attacker.publicKey.multibase)], "nextKeyHashes": [.string(DIDTauHash.keyCommitment(attacker.publicKey.multibase))]])
        let resigned = forge(entry.unsecured, number: 2, previousVersionId: lifecycle.log.head.versionId, keys: [controller.updateKey, attacker])
        #expect(verify(lifecycle.log.log.entries + [resigned]) == "key_not_precommitted")
    }

    @Test func stolenCurrentUpdateKeyAloneCannotExtendTheLog() throws {
        let lifecycle = try Lifecycle.make()
        let controller = lifecycle.controllers[0]
        let entry = controller.append(
            to: lifecycle.log, number: 2, now: now, state: lifecycle.log.head.document.json,
            parameters: [
                "updateKeys": [.string(controller.nextUpdateKey.publicKey.multibase)],
                "nextKeyHashes": [.string(DIDTauHash.keyCommitment("z6MkAttacker"))],
            ])
        let onlyCurrent = forge(entry.unsecured, number: 2, previousVersionId: lifecycle.log.head.versionId, keys: [controller.updateKey])
        #expect(verify(lifecycle.log.log.entries + [onlyCurrent]) == "proof_missing")
        let noProof = edited(entry) { $0["proof"] = [] }
        #expect(verify(lifecycle.log.log.entries + [noProof]) == "proof_missing")
    }

    @Test func proofByAStrangerKey() throws {
        let lifecycle = try Lifecycle.make()
        let controller = lifecycle.controllers[0]
        let entry = controller.append(
            to: lifecycle.log, number: 2, now: now, state: lifecycle.log.head.document.json,
            parameters: ["updateKeys": [.string(controller.nextUpdateKey.publicKey.multibase)], "nextKeyHashes": [.string(DIDTauHash.keyCommitment("z6MkUnrelated"))]])
        let stranger = try Ed25519.PrivateKey()
        let resigned = forge(entry.unsecured, number: 2, previousVersionId: lifecycle.log.head.versionId, keys: [stranger, controller.nextUpdateKey])
        #expect(verify(lifecycle.log.log.entries + [resigned]) == "update_key_unauthorized")
    }

    @Test func entryAfterDeactivation() throws {
        let lifecycle = try Lifecycle.make(deactivate: true)
        let controller = lifecycle.controllers[0]
        // Even signed by the keys that closed the log, nothing may follow it.
        let extra = controller.append(
            to: lifecycle.log, number: 3, now: now, state: lifecycle.log.head.document.json,
            parameters: ["updateKeys": [.string(controller.nextUpdateKey.publicKey.multibase)], "nextKeyHashes": [.string(DIDTauHash.keyCommitment("z6MkUnrelated"))]])
        #expect(verify(lifecycle.log.log.entries + [extra]) == "entry_after_deactivation")
    }

    @Test func forkedLog() throws {
        let lifecycle = try Lifecycle.make()
        let controller = lifecycle.controllers[0]
        let (_, branchA) = try controller.rotate(lifecycle.log, now: now)
        let (_, branchB) = try controller.rotate(lifecycle.log, now: now.addingTimeInterval(1))
        // Two entries claiming version 2 in one file.
        #expect(verify(branchA.entries + [branchB.entries[1]]) == "log_forked")
        // A log that disagrees with the one already held.
        let verifiedB = try branchB.verify(now: now.addingTimeInterval(1))
        #expect(reasonCode { try verifiedB.checkContinues(branchA) } == "log_forked")
        #expect(reasonCode { try verifiedB.checkContinues(lifecycle.log.log) } == nil)
    }

    @Test func anUnsignedDuplicateIsNotAFork() throws {
        let lifecycle = try Lifecycle.make(rotations: 1)
        let entries = lifecycle.log.log.entries
        // A source cannot make a DID unresolvable by appending junk that claims a taken version.
        #expect(verify(entries + [DIDTauLogEntry(json: ["versionId": "1-x"])]) == "parameters_invalid")
        #expect(verify(entries + [DIDTauLogEntry(json: ["versionId": "2-x"])]) == "version_time_invalid")
        #expect(verify(entries + [edited(entries[1]) { $0["state"]?["alsoKnownAs"] = ["x"] }]) == "proof_invalid")
        let strangerGenesis = try Lifecycle.make().log.log.entries[0]
        #expect(verify(entries + [strangerGenesis]) == "scid_mismatch")
        // A verbatim repetition is malformed, not a second history.
        #expect(verify(entries + [entries[0]]) == "log_malformed")
        #expect(verify(entries + [entries[1]]) == "log_malformed")
    }

    @Test func skippedVersion() throws {
        let entries = try Lifecycle.make(rotations: 2).log.log.entries
        #expect(verify([entries[0], entries[2]]) == "version_skipped")
    }

    @Test func futureAndBackwardsTimes() throws {
        let far = Date().addingTimeInterval(86_400 * 365)
        let (_, log) = try DIDTauController.create(now: far)
        #expect(reasonCode { _ = try log.verify(now: Date()) } == "version_time_invalid")
        let lifecycle = try Lifecycle.make()
        let controller = lifecycle.controllers[0]
        var entry = controller.append(
            to: lifecycle.log, number: 2, now: now, state: lifecycle.log.head.document.json,
            parameters: ["updateKeys": [.string(controller.nextUpdateKey.publicKey.multibase)], "nextKeyHashes": [.string(DIDTauHash.keyCommitment("z6MkUnrelated"))]])
        entry = edited(entry) { $0["versionTime"] = "2020-01-01T00:00:00Z" }
        let resigned = forge(entry.unsecured, number: 2, previousVersionId: lifecycle.log.head.versionId, keys: [controller.updateKey, controller.nextUpdateKey])
        #expect(verify(lifecycle.log.log.entries + [resigned]) == "version_time_invalid")
    }

    @Test func malformedDIDs() {
        for text in ["", "did:", "did:tau", "did:tau:", "DID:tau:abc", "did:TAU:abc", "did:tau:a b", "did:tau:abc:", "did:tau:%zz", "notadid",
            "did:tau:a%2", "did:tau:a%", "did:tau:a%g0", "did::abc", "did:ta-u:abc", "did:tau:ab\u{e9}", "did:tau::",
        ] {
            #expect(reasonCode { _ = try DID(text) } == "malformed_did", "\(text)")
        }
        #expect(reasonCode { _ = try DID("did:tau:QmAbc") } == nil)
        #expect(reasonCode { _ = try DID("did:web:example.com%3A8443:user:alice") } == nil)
        let parsed = try? DID("did:web:example.com%3a8443:user")
        #expect(parsed?.method == "web")
        #expect(parsed?.methodSpecificID == "example.com%3a8443:user")
        #expect(parsed?.description == "did:web:example.com%3a8443:user")
    }

    @Test func logForAnotherDID() throws {
        let log = try Lifecycle.make().log.log
        let other = try Lifecycle.make().did
        #expect(reasonCode { _ = try log.verify(did: other, now: now) } == "did_mismatch")
    }

    @Test func malformedLogs() throws {
        #expect(reasonCode { _ = try DIDTauLog(jsonLines: Array("\n\n".utf8)) } == "log_empty")
        #expect(reasonCode { _ = try DIDTauLog(jsonLines: Array("{\"a\":1}\n{broken".utf8)) } == "log_malformed")
        #expect(reasonCode { _ = try DIDTauLog(jsonLines: Array("[1]".utf8)) } == "log_malformed")
        let entries = try Lifecycle.make().log.log.entries
        #expect(verify([edited(entries[0]) { $0["extra"] = 1 }]) == "scid_mismatch")
        #expect(verify([edited(entries[0]) { $0["parameters"] = .null }]) == "parameters_invalid")
        #expect(verify([edited(entries[0]) { $0["proof"] = [["type": "DataIntegrityProof"]] }]) == "proof_malformed")
        #expect(verify([edited(entries[0]) { $0["proof"] = [["type": "DataIntegrityProof", "verificationMethod": "junk", "proofPurpose": "assertionMethod"]] }]) == "proof_malformed")
        let oversize = [UInt8](repeating: 0x20, count: DIDTauLog.maximumBytes + 1)
        #expect(reasonCode { _ = try DIDTauLog(jsonLines: oversize) } == "log_too_large")
    }

    @Test func parameterShapes() throws {
        let lifecycle = try Lifecycle.make()
        let controller = lifecycle.controllers[0]
        func entry(_ parameters: JSONValue) -> DIDTauLogEntry {
            controller.append(to: lifecycle.log, number: 2, now: now, state: lifecycle.log.head.document.json, parameters: parameters)
        }
        let key = JSONValue.string(controller.nextUpdateKey.publicKey.multibase)
        #expect(verify(lifecycle.log.log.entries + [entry(["updateKeys": [key], "nextKeyHashes": "Qm"])]) == "parameters_invalid")
        #expect(verify(lifecycle.log.log.entries + [entry(["updateKeys": [key], "nextKeyHashes": ["not-a-hash"]])]) == "parameters_invalid")
        #expect(verify(lifecycle.log.log.entries + [entry(["updateKeys": [key], "deactivated": true, "nextKeyHashes": .null])]) == "parameters_invalid")
        #expect(verify(lifecycle.log.log.entries + [entry(["updateKeys": [key]])]) == "parameters_invalid")
        #expect(verify(lifecycle.log.log.entries + [entry(["updateKeys": [], "nextKeyHashes": []])]) == "parameters_invalid")
        let signed = entry(["updateKeys": [key], "nextKeyHashes": [.string(DIDTauHash.keyCommitment("z6MkX"))]])
        let plusNumber = edited(signed) { $0["versionId"] = .string("+" + signed.versionId) }
        #expect(verify(lifecycle.log.log.entries + [plusNumber]) == "log_malformed")
    }

    @Test func stateForAnotherDID() throws {
        let lifecycle = try Lifecycle.make()
        let controller = lifecycle.controllers[0]
        var state = lifecycle.log.head.document.json
        state["id"] = "did:tau:QmSomeoneElse"
        state["verificationMethod"] = []
        state["authentication"] = []
        state["assertionMethod"] = []
        state["keyAgreement"] = []
        let entry = controller.append(
            to: lifecycle.log, number: 2, now: now, state: state,
            parameters: ["updateKeys": [.string(controller.nextUpdateKey.publicKey.multibase)], "nextKeyHashes": [.string(DIDTauHash.keyCommitment("z6MkUnrelated"))]])
        #expect(verify(lifecycle.log.log.entries + [entry]) == "did_mismatch")
    }
}
