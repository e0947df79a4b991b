import Foundation
import TauCore
import TauCrypto
import TauIdentity

/// The outcome of checking one message of a bundle.
public struct ReceiptCheck: Sendable, Equatable {
    /// The message's position in the bundle, from 0.
    public let index: Int
    /// What could be read of the message (nil when it is malformed).
    public let id: String?
    public let type: String?
    public let from: DID?
    /// `created_time`, seconds since the Unix epoch.
    public let createdTime: Int64?
    public let keyID: String?
    /// The did:tau version whose keys were used (nil for did:key, or when not reached).
    public let versionId: String?
    /// Why the message does not verify; nil when it does.
    public let failure: ReceiptError?

    /// Whether the message verified.
    public var isVerified: Bool { failure == nil }
}

/// The outcome of checking a whole bundle.
public struct ReceiptReport: Sendable, Equatable {
    public let escrow: String
    /// One check per message, in the bundle's order.
    public let checks: [ReceiptCheck]

    /// Whether every message verified.
    public var isValid: Bool { checks.allSatisfy(\.isVerified) }
    /// The first message's failure, in the bundle's order.
    public var firstFailure: ReceiptError? { checks.lazy.compactMap(\.failure).first }
}

/// Checks receipt bundles offline: no network, no replay cache, no freshness window. Each
/// message is checked against its signer's key as it was at the message's `created_time`
/// (`Specs/envelope.md` §8): for did:tau, from the bundled log verified in full; for did:key,
/// from the DID itself. did:web has no history and needs the network, so it is refused.
///
/// The result depends on the bundle alone, not on the clock: log entries are not compared
/// with the verifier's time (a bundle checks the same today and in ten years).
public struct ReceiptVerifier: Sendable {
    public init() {}

    /// Reads and checks a bundle file.
    /// - Throws: ``ReceiptError`` when the file itself cannot be read as a bundle
    ///   (`receipt_too_large`, `receipt_malformed`); failures of messages are in the report.
    public func verify(bytes: some Collection<UInt8>) throws(ReceiptError) -> ReceiptReport {
        verify(try ReceiptBundle(bytes: bytes))
    }

    /// Checks every message of `bundle`.
    public func verify(_ bundle: ReceiptBundle) -> ReceiptReport {
        // Each signer's log is verified once, however many messages it signed.
        var verifiedLogs: [DID: Result<VerifiedDIDTauLog, ReceiptError>] = [:]
        var checks: [ReceiptCheck] = []
        for (index, json) in bundle.messages.enumerated() {
            checks.append(check(json, index: index, bundle: bundle, logs: &verifiedLogs))
        }
        return ReceiptReport(escrow: bundle.escrow, checks: checks)
    }

    private func check(
        _ json: JSONValue, index: Int, bundle: ReceiptBundle, logs: inout [DID: Result<VerifiedDIDTauLog, ReceiptError>]
    ) -> ReceiptCheck {
        let message: SignedMessage
        do {
            message = try SignedMessage(bytes: json.canonicalBytes())
        } catch {
            let reason: ReceiptReason = error.isTooLarge ? .tooLarge : .malformed
            return ReceiptCheck(
                index: index, id: nil, type: nil, from: nil, createdTime: nil, keyID: nil, versionId: nil,
                failure: ReceiptError(reason, "message \(index + 1): \(error.code): \(error.message)"))
        }
        let plaintext = message.plaintext
        var versionId: String?
        func result(_ failure: ReceiptError?) -> ReceiptCheck {
            ReceiptCheck(
                index: index, id: plaintext.id, type: plaintext.type, from: plaintext.from, createdTime: plaintext.createdTime,
                keyID: message.keyID, versionId: versionId, failure: failure)
        }
        do throws(ReceiptError) {
            let signer = try signerDocument(for: message, bundle: bundle, logs: &logs)
            versionId = signer.versionId
            try checkSignature(message, document: signer.document)
            guard plaintext.body["escrow"]?.stringValue == bundle.escrow else {
                let named = plaintext.body["escrow"]?.stringValue.map { "escrow \($0.prefix(128))" } ?? "no escrow"
                throw ReceiptError(.escrowMismatch, "message \(plaintext.id) names \(named), not \(bundle.escrow)")
            }
            return result(nil)
        } catch {
            return result(error)
        }
    }

    /// The signer's document as it was at the message's `created_time`, and its version.
    private func signerDocument(
        for message: SignedMessage, bundle: ReceiptBundle, logs: inout [DID: Result<VerifiedDIDTauLog, ReceiptError>]
    ) throws(ReceiptError) -> (document: DIDDocument, versionId: String?) {
        let from = message.plaintext.from
        // The key must be named as one of the sender's (envelope.md §6, check 2).
        guard let url = try? DIDURL(message.keyID), url.did == from, url.fragment != nil, url.query.isEmpty else {
            throw ReceiptError(.keyNotValid, "kid \(message.keyID.prefix(200)) is not a key of \(from)")
        }
        switch from.method {
        case "tau":
            let log = try verifiedLog(of: from, bundle: bundle, cache: &logs)
            let created = Date(timeIntervalSince1970: TimeInterval(message.plaintext.createdTime))
            let version: DIDTauVersion
            do { version = try log.version(.versionTime(created)) } catch {
                throw ReceiptError(.keyNotValid, "\(from) did not exist at \(Timestamp.format(created)), when the message was made")
            }
            // The version in force is the deactivating one: the message is dated at or after it.
            if version.deactivated {
                throw ReceiptError(.signerDeactivated, "\(from) was deactivated at \(version.versionTimeText), before the message was made")
            }
            return (version.document, version.versionId)
        case "key":
            do { return (try DIDKey.document(for: from), nil) } catch {
                throw ReceiptError(.signerUnverifiable, "\(from): \(error.message)")
            }
        default:
            throw ReceiptError(
                .signerUnverifiable, "did:\(from.method) keys cannot be checked offline (it has no verifiable history); only did:tau and did:key can")
        }
    }

    private func verifiedLog(
        of did: DID, bundle: ReceiptBundle, cache: inout [DID: Result<VerifiedDIDTauLog, ReceiptError>]
    ) throws(ReceiptError) -> VerifiedDIDTauLog {
        if let known = cache[did] { return try known.get() }
        let outcome: Result<VerifiedDIDTauLog, ReceiptError>
        if let text = bundle.logs[did] {
            do throws(IdentityError) {
                // No clock: an entry dated after the verifier's time is not refused, so that the
                // answer depends on the bundle alone (the resolver treats held logs the same way).
                outcome = .success(try DIDTauLog(jsonLines: Array(text.utf8)).verify(did: did, maximumClockSkew: .infinity))
            } catch {
                outcome = .failure(ReceiptError(.logInvalid, "the log of \(did) does not verify: \(error.code): \(error.message)"))
            }
        } else {
            outcome = .failure(ReceiptError(.logMissing, "the bundle holds no log for \(did)"))
        }
        cache[did] = outcome
        return try outcome.get()
    }

    /// The key must be an authentication key of that version, as the envelope verifier requires,
    /// and its signature must cover the message as signed.
    private func checkSignature(_ message: SignedMessage, document: DIDDocument) throws(ReceiptError) {
        guard let method = document.authentication.first(where: { $0.id == message.keyID }) else {
            throw ReceiptError(
                .keyNotValid, "\(message.keyID) was not an authentication key of \(message.plaintext.from) when the message was made")
        }
        guard let key = try? method.ed25519PublicKey(), key.isValidSignature(message.signature, for: message.signingInput) else {
            throw ReceiptError(.signatureInvalid, "the signature of message \(message.plaintext.id) does not verify with \(message.keyID)")
        }
    }
}
