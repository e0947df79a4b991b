import Foundation
import TauCore
import TauCrypto

/// One verified version of a did:tau document.
public struct DIDTauVersion: Sendable, Equatable {
    public let number: Int
    public let versionId: String
    public let versionTime: Date
    public let versionTimeText: String
    public let document: DIDDocument
    /// Multikeys allowed to authorise the next entry (together with a pre-committed key).
    public let updateKeys: [String]
    /// Commitments to the next update keys.
    public let nextKeyHashes: [String]
    public let deactivated: Bool
}

/// A did:tau log whose every entry has been checked from genesis.
public struct VerifiedDIDTauLog: Sendable, Equatable {
    public let did: DID
    public let log: DIDTauLog
    public let versions: [DIDTauVersion]

    /// The newest version.
    public var head: DIDTauVersion { versions[versions.count - 1] }
    /// Whether the DID has been deactivated.
    public var isDeactivated: Bool { head.deactivated }
}

extension DIDTauLog {
    /// Verifies the whole log from its genesis entry, applying every rule of
    /// `Specs/did-tau.md` section "Verification". The first rule broken is thrown.
    ///
    /// - Parameters:
    ///   - did: when given, the log must belong to this DID.
    ///   - now: the verifier's clock; entries dated more than `maximumClockSkew` after it are rejected.
    /// - Throws: ``IdentityError`` with one of the codes listed in the spec.
    public func verify(
        did expected: DID? = nil, now: Date = Date(), maximumClockSkew: TimeInterval = 300
    ) throws(IdentityError) -> VerifiedDIDTauLog {
        guard let genesis = entries.first else { throw IdentityError("log_empty", "the did:tau log has no entries") }
        let did = try DIDTauLog.verifyGenesisIdentity(genesis)
        if let expected, expected != did {
            throw IdentityError("did_mismatch", "the log belongs to \(did), not \(expected)")
        }
        var versions: [DIDTauVersion] = []
        for (offset, entry) in entries.enumerated() {
            let previous = versions.last
            // Checks 1 and 2 come first for every entry, a repeated one included.
            if let previous, previous.deactivated {
                throw IdentityError("entry_after_deactivation", "entry \(offset + 1) follows the deactivating entry \(previous.versionId)")
            }
            if let number = entry.versionNumber, let previous, number <= previous.number {
                guard entry.json != entries[number - 1].json else {
                    throw IdentityError("log_malformed", "entry \(offset + 1) repeats entry \(number) verbatim")
                }
                try DIDTauLog.checkFork(entry, number: number, position: offset + 1, versions: versions, did: did, now: now, skew: maximumClockSkew)
            }
            let version = try DIDTauLog.verify(
                entry: entry, position: offset + 1, previous: previous, did: did, now: now, skew: maximumClockSkew)
            versions.append(version)
        }
        return VerifiedDIDTauLog(did: did, log: self, versions: versions)
    }

    /// An entry that claims a version already taken. Only a validly signed one proves
    /// that the controller signed two histories (`log_forked`); anything else is just
    /// a bad entry and gets the reason its own verification gives, so that an unsigned
    /// line cannot make a DID unresolvable.
    static func checkFork(
        _ entry: DIDTauLogEntry, number: Int, position: Int, versions: [DIDTauVersion], did: DID, now: Date, skew: TimeInterval
    ) throws(IdentityError) {
        if number == 1 {
            guard try verifyGenesisIdentity(entry) == did else {
                throw IdentityError("scid_mismatch", "entry \(position) is a genesis entry of another DID")
            }
        }
        let prior = number >= 2 ? versions[number - 2] : nil
        _ = try verify(entry: entry, position: position, previous: prior, did: did, now: now, skew: skew)
        throw IdentityError(
            IdentityError.logForkedCode, "entry \(position) is a second, validly signed version \(number): the controller signed two histories")
    }

    /// Checks the SCID of a genesis entry and returns the DID it defines.
    static func verifyGenesisIdentity(_ genesis: DIDTauLogEntry) throws(IdentityError) -> DID {
        guard let scid = genesis.parameters["scid"]?.stringValue, !scid.isEmpty else {
            throw IdentityError("parameters_invalid", "the genesis entry has no parameters.scid")
        }
        guard (try? Base58.decode(scid)) != nil, !scid.contains(DIDTauHash.scidPlaceholder) else {
            throw IdentityError("scid_mismatch", "parameters.scid is not base58btc")
        }
        var template = genesis.unsecured.replacingOccurrences(of: scid, with: DIDTauHash.scidPlaceholder)
        template["versionId"] = .string(DIDTauHash.scidPlaceholder)
        guard DIDTauHash.hash(template) == scid else {
            throw IdentityError("scid_mismatch", "the genesis entry does not hash to its SCID \(scid)")
        }
        return DID(validatedMethod: "tau", methodSpecificID: scid)
    }

    // The order of checks is normative: it decides which reason code a bad entry gets.
    static func verify(
        entry: DIDTauLogEntry, position: Int, previous: DIDTauVersion?, did: DID, now: Date, skew: TimeInterval
    ) throws(IdentityError) -> DIDTauVersion {
        let label = "entry \(position)"
        guard entry.json.objectValue?.keys.allSatisfy(["versionId", "versionTime", "parameters", "state", "proof"].contains) == true
        else { throw IdentityError("log_malformed", "\(label): unknown member") }
        // 1. Nothing may follow a deactivation.
        if let previous, previous.deactivated {
            throw IdentityError("entry_after_deactivation", "\(label) follows the deactivating entry \(previous.versionId)")
        }
        // 2. Version numbers count up by one from 1.
        guard let number = entry.versionNumber, let entryHash = entry.entryHash, !entryHash.isEmpty else {
            throw IdentityError("log_malformed", "\(label): versionId must be <number>-<hash>")
        }
        let expectedNumber = (previous?.number ?? 0) + 1
        guard number == expectedNumber else {
            throw IdentityError("version_skipped", "\(label) has version \(number), expected \(expectedNumber)")
        }
        // 3. Time moves forward and is not in the future.
        let versionTime: Date
        do { versionTime = try Timestamp.parse(entry.versionTime) } catch {
            throw IdentityError("version_time_invalid", "\(label): versionTime is not an RFC 3339 time")
        }
        if let previous, versionTime < previous.versionTime {
            throw IdentityError("version_time_invalid", "\(label) is dated before the entry it follows")
        }
        guard versionTime.timeIntervalSince(now) <= skew else {
            throw IdentityError("version_time_invalid", "\(label) is dated in the future (\(entry.versionTime))")
        }
        // 4. Parameters.
        let parameters = try DIDTauLog.parameters(of: entry, isGenesis: previous == nil, label: label)
        // 5. Pre-rotation: every new update key was committed to by the previous entry.
        if let previous {
            let committed = Set(previous.nextKeyHashes)
            for key in parameters.updateKeys where !committed.contains(DIDTauHash.keyCommitment(key)) {
                throw IdentityError("key_not_precommitted", "\(label) introduces update key \(key) that \(previous.versionId) did not commit to")
            }
        }
        // 6. Proofs: one by a key authorised by the previous entry, one by a key this entry reveals.
        try DIDTauLog.verifyProofs(
            of: entry, authorisedKeys: previous?.updateKeys ?? parameters.updateKeys, revealedKeys: parameters.updateKeys,
            label: label)
        // 7. The hash chain.
        let previousVersionId = previous?.versionId ?? did.methodSpecificID
        guard DIDTauHash.entryHash(entry.unsecured, previousVersionId: previousVersionId) == entryHash else {
            throw IdentityError("hash_chain_broken", "\(label): entry hash does not chain to \(previousVersionId)")
        }
        // 8. The state is a DID document for this DID.
        let document = try DIDDocument(json: entry.state)
        guard document.id == did else {
            throw IdentityError("did_mismatch", "\(label): state.id is \(document.id), expected \(did)")
        }
        return DIDTauVersion(
            number: number, versionId: entry.versionId, versionTime: versionTime, versionTimeText: entry.versionTime,
            document: document, updateKeys: parameters.updateKeys, nextKeyHashes: parameters.nextKeyHashes,
            deactivated: parameters.deactivated)
    }

    struct Parameters {
        var updateKeys: [String]
        var nextKeyHashes: [String]
        var deactivated: Bool
    }

    static func parameters(of entry: DIDTauLogEntry, isGenesis: Bool, label: String) throws(IdentityError) -> Parameters {
        func invalid(_ why: String) -> IdentityError { IdentityError("parameters_invalid", "\(label): \(why)") }
        let allowed: Set<String> = ["method", "scid", "updateKeys", "nextKeyHashes", "deactivated"]
        guard let members = entry.parameters.objectValue else { throw invalid("parameters must be an object") }
        guard members.keys.allSatisfy(allowed.contains) else { throw invalid("unknown parameter") }
        if isGenesis {
            guard members["method"]?.stringValue == DIDTauHash.methodVersion else {
                throw IdentityError("method_version_unsupported", "\(label): parameters.method must be \(DIDTauHash.methodVersion)")
            }
        } else {
            guard members["method"] == nil || members["method"]?.stringValue == DIDTauHash.methodVersion else {
                throw IdentityError("method_version_unsupported", "\(label): parameters.method must be \(DIDTauHash.methodVersion)")
            }
            guard members["scid"] == nil else { throw invalid("only the genesis entry carries scid") }
        }
        guard let keyList = members["updateKeys"]?.arrayValue, !keyList.isEmpty else { throw invalid("updateKeys must be a non-empty list") }
        guard keyList.count <= DIDTauLog.maximumUpdateKeys else {
            throw invalid("updateKeys may list at most \(DIDTauLog.maximumUpdateKeys) keys")
        }
        var updateKeys: [String] = []
        for value in keyList {
            guard let key = value.stringValue, (try? Ed25519.PublicKey(multibase: key)) != nil else {
                throw invalid("updateKeys must be Ed25519 Multikeys")
            }
            updateKeys.append(key)
        }
        let deactivated: Bool
        switch members["deactivated"] {
        case nil, .bool(false)?: deactivated = false
        case .bool(true)?: deactivated = true
        default: throw invalid("deactivated must be a boolean")
        }
        guard isGenesis == false || deactivated == false else { throw invalid("a genesis entry cannot deactivate") }
        let hashList: [JSONValue]
        switch members["nextKeyHashes"] {
        case nil: hashList = []
        case .array(let list)?: hashList = list
        default: throw invalid("nextKeyHashes must be a list")
        }
        guard hashList.count <= DIDTauLog.maximumUpdateKeys else {
            throw invalid("nextKeyHashes may list at most \(DIDTauLog.maximumUpdateKeys) commitments")
        }
        let nextKeyHashes = hashList.compactMap(\.stringValue)
        guard nextKeyHashes.count == hashList.count,
            nextKeyHashes.allSatisfy({ (try? Base58.decode($0))?.starts(with: [0x12, 0x20]) == true && (try? Base58.decode($0))?.count == 34 })
        else { throw invalid("nextKeyHashes must be base58btc SHA-256 multihashes") }
        if deactivated {
            guard nextKeyHashes.isEmpty else { throw invalid("a deactivating entry commits to no next keys") }
        } else {
            guard !nextKeyHashes.isEmpty else { throw invalid("nextKeyHashes must commit to at least one next key") }
        }
        return Parameters(updateKeys: updateKeys, nextKeyHashes: nextKeyHashes, deactivated: deactivated)
    }

    static func verifyProofs(
        of entry: DIDTauLogEntry, authorisedKeys: [String], revealedKeys: [String], label: String
    ) throws(IdentityError) {
        let proofs = entry.proofs
        guard !proofs.isEmpty else { throw IdentityError("proof_missing", "\(label) has no proof") }
        guard proofs.count <= DIDTauLog.maximumProofsPerEntry else {
            throw IdentityError("proof_malformed", "\(label) has \(proofs.count) proofs; at most \(DIDTauLog.maximumProofsPerEntry) are read")
        }
        let unsecured = entry.unsecured
        var signers: Set<String> = []
        for proof in proofs {
            guard let method = proof["verificationMethod"]?.stringValue else {
                throw IdentityError("proof_malformed", "\(label): proof without verificationMethod")
            }
            guard proof["proofPurpose"]?.stringValue == "assertionMethod" else {
                throw IdentityError("proof_malformed", "\(label): proofPurpose must be assertionMethod")
            }
            let key = try DataIntegrityProof.didKeyPublicKey(method)
            guard authorisedKeys.contains(key.multibase) || revealedKeys.contains(key.multibase) else {
                throw IdentityError("update_key_unauthorized", "\(label) is signed by \(key.multibase), which is not an update key")
            }
            do throws(IdentityError) {
                try DataIntegrityProof.verify(proof, for: unsecured, key: key)
            } catch {
                throw IdentityError(error.code, "\(label): \(error.message)")
            }
            signers.insert(key.multibase)
        }
        guard signers.contains(where: authorisedKeys.contains) else {
            throw IdentityError("update_key_unauthorized", "\(label) lacks a proof by a current update key")
        }
        guard signers.contains(where: revealedKeys.contains) else {
            throw IdentityError("proof_missing", "\(label) lacks a proof by its pre-committed update key")
        }
    }
}

extension VerifiedDIDTauLog {
    /// Checks that this log continues `held` (a log of the same DID accepted earlier).
    /// - Throws: ``IdentityError`` `log_forked` when the two disagree on any shared version.
    public func checkContinues(_ held: DIDTauLog) throws(IdentityError) {
        for (mine, theirs) in zip(log.entries, held.entries) where mine.json != theirs.json {
            throw IdentityError(
                IdentityError.logForkedCode, "version \(theirs.versionId) of \(did) differs from the one already held: the controller signed two histories")
        }
    }
}
