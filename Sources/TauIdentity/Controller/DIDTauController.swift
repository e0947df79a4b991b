import Foundation
import TauCore
import TauCrypto

/// The secrets that control a did:tau identity, and the operations that extend
/// its log: create, rotate, deactivate. Values in, values out; no I/O.
///
/// Keys: the *update* key signs log entries; the *next update* key is the
/// pre-committed successor, revealed at the next rotation; the *signing* key is
/// the document's authentication / assertion key; the *agreement* key is its
/// X25519 key agreement key. A rotation replaces all four.
public struct DIDTauController: Sendable {
    public let did: DID
    public let updateKey: Ed25519.PrivateKey
    public let nextUpdateKey: Ed25519.PrivateKey
    public let signingKey: Ed25519.PrivateKey
    /// Fragment of the signing key's verification method, e.g. `sig-2`.
    public let signingKeyFragment: String
    public let agreementKey: X25519.PrivateKey
    public let agreementKeyFragment: String

    /// The signing key's verification method id.
    public var signingKeyID: String { "\(did)#\(signingKeyFragment)" }

    /// Creates a new identity and its one-entry log.
    /// - Parameter services: `(fragment, type, endpoint)` triples, e.g. `("tau-mesh", "TauMesh", "http://…")`.
    public static func create(
        services: [(String, String, String)] = [], now: Date = Date()
    ) throws(IdentityError) -> (DIDTauController, DIDTauLog) {
        let update = try generateSigningKey()
        let next = try generateSigningKey()
        let signing = try generateSigningKey()
        let agreement = try generateAgreementKey()
        let placeholderDID = DID(validatedMethod: "tau", methodSpecificID: DIDTauHash.scidPlaceholder)
        let time = Timestamp.format(now)
        let template: JSONValue = [
            "versionId": .string(DIDTauHash.scidPlaceholder),
            "versionTime": .string(time),
            "parameters": [
                "method": .string(DIDTauHash.methodVersion),
                "scid": .string(DIDTauHash.scidPlaceholder),
                "updateKeys": [.string(update.publicKey.multibase)],
                "nextKeyHashes": [.string(DIDTauHash.keyCommitment(next.publicKey.multibase))],
            ],
            "state": document(
                did: placeholderDID, signing: (signing.publicKey, "sig-1"), agreement: (agreement.publicKey, "agree-1"),
                services: services),
        ]
        let scid = DIDTauHash.hash(template)
        let did = DID(validatedMethod: "tau", methodSpecificID: scid)
        var unsecured = template.replacingOccurrences(of: DIDTauHash.scidPlaceholder, with: scid)
        unsecured["versionId"] = .string("1-" + DIDTauHash.entryHash(unsecured, previousVersionId: scid))
        let entry = sign(unsecured, with: [update], time: time)
        let controller = DIDTauController(
            did: did, updateKey: update, nextUpdateKey: next, signingKey: signing, signingKeyFragment: "sig-1",
            agreementKey: agreement, agreementKeyFragment: "agree-1")
        return (controller, DIDTauLog(entries: [entry]))
    }

    /// Appends a rotation: new signing and agreement keys, the pre-committed update
    /// key becomes current, and a fresh next key is committed to.
    /// - Parameter services: replaces the document's services when given.
    public func rotate(
        _ log: VerifiedDIDTauLog, services: [(String, String, String)]? = nil, now: Date = Date()
    ) throws(IdentityError) -> (DIDTauController, DIDTauLog) {
        try checkControls(log)
        let number = log.head.number + 1
        let newNext = try DIDTauController.generateSigningKey()
        let signing = try DIDTauController.generateSigningKey()
        let agreement = try DIDTauController.generateAgreementKey()
        let signingFragment = "sig-\(number)"
        let agreementFragment = "agree-\(number)"
        var state = DIDTauController.document(
            did: did, signing: (signing.publicKey, signingFragment), agreement: (agreement.publicKey, agreementFragment),
            services: services ?? [])
        // Parts of the document that are not keys carry over unchanged unless replaced.
        let previous = log.head.document.json
        if services == nil { state["service"] = previous["service"] }
        state["alsoKnownAs"] = previous["alsoKnownAs"]
        let entry = append(
            to: log, number: number, now: now, state: state,
            parameters: [
                "updateKeys": [.string(nextUpdateKey.publicKey.multibase)],
                "nextKeyHashes": [.string(DIDTauHash.keyCommitment(newNext.publicKey.multibase))],
            ])
        let controller = DIDTauController(
            did: did, updateKey: nextUpdateKey, nextUpdateKey: newNext, signingKey: signing,
            signingKeyFragment: signingFragment, agreementKey: agreement, agreementKeyFragment: agreementFragment)
        return (controller, log.log.appending(entry))
    }

    /// Appends the final, deactivating entry. It is signed by the current update key
    /// and the pre-committed next key, and commits to no further keys.
    public func deactivate(_ log: VerifiedDIDTauLog, now: Date = Date()) throws(IdentityError) -> DIDTauLog {
        try checkControls(log)
        let entry = append(
            to: log, number: log.head.number + 1, now: now, state: log.head.document.json,
            parameters: [
                "updateKeys": [.string(nextUpdateKey.publicKey.multibase)],
                "nextKeyHashes": [],
                "deactivated": true,
            ])
        return log.log.appending(entry)
    }

    /// Checks that these secrets control the head of `log`.
    /// - Throws: ``IdentityError`` `keystore_log_mismatch` or `did_deactivated`.
    public func checkControls(_ log: VerifiedDIDTauLog) throws(IdentityError) {
        guard !log.isDeactivated else {
            throw IdentityError("did_deactivated", "\(log.did) is deactivated; its log is closed", category: .conflict)
        }
        guard log.did == did, log.head.updateKeys.contains(updateKey.publicKey.multibase),
            log.head.nextKeyHashes.contains(DIDTauHash.keyCommitment(nextUpdateKey.publicKey.multibase))
        else {
            throw IdentityError(
                "keystore_log_mismatch", "the keystore's keys do not control version \(log.head.versionId) of \(log.did)",
                category: .conflict)
        }
    }

    func append(to log: VerifiedDIDTauLog, number: Int, now: Date, state: JSONValue, parameters: JSONValue)
        -> DIDTauLogEntry
    {
        // versionTime never goes backwards, even if the wall clock does.
        let time = Timestamp.format(max(now, log.head.versionTime))
        var unsecured: JSONValue = ["versionId": "", "versionTime": .string(time), "parameters": parameters, "state": state]
        unsecured["versionId"] = .string("\(number)-" + DIDTauHash.entryHash(unsecured, previousVersionId: log.head.versionId))
        return DIDTauController.sign(unsecured, with: [updateKey, nextUpdateKey], time: time)
    }

    static func sign(_ unsecured: JSONValue, with keys: [Ed25519.PrivateKey], time: String) -> DIDTauLogEntry {
        var entry = unsecured
        entry["proof"] = .array(
            keys.map { key in
                let multikey = key.publicKey.multibase
                return DataIntegrityProof.create(
                    for: unsecured, key: key, verificationMethod: "did:key:\(multikey)#\(multikey)",
                    proofPurpose: "assertionMethod", created: time)
            })
        return DIDTauLogEntry(json: entry)
    }

    static func document(
        did: DID, signing: (Ed25519.PublicKey, String), agreement: (X25519.PublicKey, String),
        services: [(String, String, String)]
    ) -> JSONValue {
        let id = did.description
        let signingID = "\(id)#\(signing.1)"
        let agreementID = "\(id)#\(agreement.1)"
        var document: JSONValue = [
            "@context": DIDDocument.defaultContext,
            "id": .string(id),
            "verificationMethod": [
                ["id": .string(signingID), "type": "Multikey", "controller": .string(id), "publicKeyMultibase": .string(signing.0.multibase)],
                ["id": .string(agreementID), "type": "Multikey", "controller": .string(id), "publicKeyMultibase": .string(agreement.0.multibase)],
            ],
            "authentication": [.string(signingID)],
            "assertionMethod": [.string(signingID)],
            "keyAgreement": [.string(agreementID)],
        ]
        if !services.isEmpty {
            document["service"] = .array(
                services.map { ["id": .string("\(id)#\($0.0)"), "type": .string($0.1), "serviceEndpoint": .string($0.2)] })
        }
        return document
    }

    static func generateSigningKey() throws(IdentityError) -> Ed25519.PrivateKey {
        do { return try Ed25519.PrivateKey() } catch {
            throw IdentityError(error.code, error.message, category: .internal)
        }
    }

    static func generateAgreementKey() throws(IdentityError) -> X25519.PrivateKey {
        do { return try X25519.PrivateKey() } catch {
            throw IdentityError(error.code, error.message, category: .internal)
        }
    }
}
