import Foundation
import TauCore
import TauCrypto
import TauIdentity

/// The limits a receiver applies to signed messages.
public struct EnvelopePolicy: Sendable, Equatable {
    /// How far `created_time` may be from the receiver's clock, either way.
    public var maximumClockSkew: TimeInterval
    /// The longest `expires_time − created_time` accepted.
    public var maximumLifetime: TimeInterval

    public init(maximumClockSkew: TimeInterval = 300, maximumLifetime: TimeInterval = 3600) {
        self.maximumClockSkew = maximumClockSkew
        self.maximumLifetime = maximumLifetime
    }

    /// How long a `(from, id)` pair is remembered: twice the skew after it was created,
    /// and never less than twice the skew from now, so that the pair is still known for
    /// as long as the message could pass the time checks.
    func retention(createdTime: Int64, now: Date) -> Date {
        max(Date(timeIntervalSince1970: TimeInterval(createdTime)), now).addingTimeInterval(2 * maximumClockSkew)
    }
}

/// A message that passed verification.
public struct VerifiedMessage: Sendable, Equatable {
    public let message: SignedMessage
    /// The sender's DID document at the version used for the check.
    public let senderDocument: DIDDocument
    /// The version of the sender's DID used (nil for methods without versions).
    public let senderVersionId: String?

    public var plaintext: PlaintextMessage { message.plaintext }
}

/// Checks signed messages, in the order `Specs/envelope.md` prescribes; the first
/// failed check decides the reason code.
public struct EnvelopeVerifier: Sendable {
    let resolver: DIDResolver
    let replayCache: any ReplayCache
    let policy: EnvelopePolicy
    let now: @Sendable () -> Date

    public init(
        resolver: DIDResolver, replayCache: any ReplayCache, policy: EnvelopePolicy = EnvelopePolicy(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.resolver = resolver
        self.replayCache = replayCache
        self.policy = policy
        self.now = now
    }

    /// Verifies a message received by `recipient` and records it as seen.
    /// - Throws: ``EnvelopeError`` with the reason code of the first failed check.
    public func verify(_ bytes: some Collection<UInt8>, recipient: DID) async throws(EnvelopeError) -> VerifiedMessage {
        // 1. Well-formed.
        try await verify(try SignedMessage(bytes: bytes), recipient: recipient)
    }

    /// Verifies a message already parsed from the bytes received (check 1 passed), and
    /// records it as seen: checks 2-9, for callers that had to parse it first.
    /// - Throws: ``EnvelopeError`` with the reason code of the first failed check.
    public func verify(_ message: SignedMessage, recipient: DID) async throws(EnvelopeError) -> VerifiedMessage {
        let plaintext = message.plaintext
        // 2-5. Sender, key and signature, against the sender's current document.
        let (document, versionId) = try await senderDocument(for: message, query: .latest)
        // 6. Addressed to this node.
        guard plaintext.to.contains(recipient) else {
            throw EnvelopeError("wrong_recipient", "the message is addressed to \(plaintext.to.map(\.description).joined(separator: ", ")), not to \(recipient)")
        }
        // 7-8. Fresh and short-lived.
        let clock = now()
        let created = Date(timeIntervalSince1970: TimeInterval(plaintext.createdTime))
        let expires = Date(timeIntervalSince1970: TimeInterval(plaintext.expiresTime))
        guard created.timeIntervalSince(clock) <= policy.maximumClockSkew else {
            throw EnvelopeError("created_in_future", "created_time is \(Int(created.timeIntervalSince(clock))) s ahead of this node's clock")
        }
        guard clock.timeIntervalSince(created) <= policy.maximumClockSkew else {
            throw EnvelopeError("created_too_old", "created_time is \(Int(clock.timeIntervalSince(created))) s in the past")
        }
        guard expires > clock else { throw EnvelopeError("expired", "the message expired at \(Timestamp.format(expires))") }
        guard plaintext.expiresTime >= plaintext.createdTime,
            expires.timeIntervalSince(created) <= policy.maximumLifetime
        else {
            throw EnvelopeError("lifetime_too_long", "expires_time may be at most \(Int(policy.maximumLifetime)) s after created_time")
        }
        // 9. Never accepted before.
        let firstTime: Bool
        do {
            firstTime = try await replayCache.markSeen(
                sender: plaintext.from, id: plaintext.id, retainUntil: policy.retention(createdTime: plaintext.createdTime, now: clock))
        } catch {
            // A database that is down is a temporary refusal (503), not a fault of the message.
            let category = (error as? any TauError)?.category == .temporarilyUnavailable ? ErrorCategory.temporarilyUnavailable : .internal
            throw EnvelopeError("replay_cache_unavailable", "cannot record the message: \(error)", category: category, cause: error)
        }
        guard firstTime else {
            throw EnvelopeError("replayed", "message \(plaintext.id) from \(plaintext.from) was already accepted")
        }
        return VerifiedMessage(message: message, senderDocument: document, senderVersionId: versionId)
    }

    /// Verifies a stored message (a receipt) as of when it was made: the signature
    /// against the key that was current at its `created_time`. No recipient, expiry or
    /// replay check: those were for delivery. Fails if the sender has been deactivated
    /// since only when the message is dated at or after the deactivation.
    public func verifyHistorical(_ bytes: some Collection<UInt8>) async throws(EnvelopeError) -> VerifiedMessage {
        let message = try SignedMessage(bytes: bytes)
        let at = Date(timeIntervalSince1970: TimeInterval(message.plaintext.createdTime))
        let (document, versionId) = try await senderDocument(for: message, query: .versionTime(at), historical: true)
        return VerifiedMessage(message: message, senderDocument: document, senderVersionId: versionId)
    }

    private func senderDocument(
        for message: SignedMessage, query: DIDVersionQuery, historical: Bool = false
    ) async throws(EnvelopeError) -> (DIDDocument, String?) {
        let from = message.plaintext.from
        // 2. The key belongs to the sender.
        guard let url = try? DIDURL(message.keyID), url.did == from, url.fragment != nil, url.query.isEmpty else {
            throw EnvelopeError("kid_not_sender", "kid \(message.keyID.prefix(200)) is not a key of \(from)")
        }
        // 3. The sender resolves and is not deactivated.
        let result = await resolver.resolve(from, query: query)
        guard let document = result.document else {
            if result.error == "notFound" {
                throw EnvelopeError(EnvelopeError.senderUnknownCode, "\(from) cannot be resolved: \(result.reason ?? "not found")")
            }
            throw EnvelopeError("sender_unresolvable", "\(from) cannot be resolved: \(result.reason ?? result.error ?? "error")")
        }
        if result.documentMetadata.deactivated, !historical || result.documentMetadata.nextVersionId == nil {
            throw EnvelopeError("deactivated", "\(from) is deactivated: nothing it signs is accepted")
        }
        // 4. The key is an authentication key of that version.
        guard let method = document.authentication.first(where: { $0.id == message.keyID }) else {
            throw EnvelopeError(
                historical ? "kid_not_valid_then" : EnvelopeError.kidNotCurrentCode,
                "\(message.keyID) is not \(historical ? "an authentication key of the version current when the message was made" : "a current authentication key of \(from)")")
        }
        // 5. The signature.
        guard let key = try? method.ed25519PublicKey(), key.isValidSignature(message.signature, for: message.signingInput) else {
            throw EnvelopeError("signature_invalid", "the signature does not verify with \(message.keyID)")
        }
        return (document, result.documentMetadata.versionId)
    }
}
