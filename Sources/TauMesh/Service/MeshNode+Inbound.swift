import Foundation
import TauCore
import TauEnvelope
import TauIdentity

extension MeshNode {
    /// Handles one message posted to `/mesh/v1/inbox` and returns the signed reply.
    /// - Throws: ``EnvelopeError`` (verification) or ``MeshError`` (`rate_limited`,
    ///   `unsupported_type`, `body_invalid`); each refusal is counted by reason.
    public func receive(_ bytes: [UInt8]) async throws -> SignedMessage {
        do {
            let reply = try await process(bytes)
            return reply
        } catch let error as EnvelopeError {
            metrics.rejected(reason: error.code)
            throw error
        } catch let error as MeshError {
            metrics.rejected(reason: error.code)
            throw error
        }
    }

    private func process(_ bytes: [UInt8]) async throws -> SignedMessage {
        // Parse without trusting anything yet, to apply the sender's rate limit first.
        let unverified = try SignedMessage(bytes: bytes)
        try admit(unverified.plaintext.from)
        var firstAttempt: VerifiedMessage?
        do {
            firstAttempt = try await verifier.verify(bytes, recipient: did)
        } catch {
            guard MeshNode.isStaleKeyRefusal(error) else { throw error }
        }
        let verified: VerifiedMessage
        if let firstAttempt {
            verified = firstAttempt
        } else {
            // The sender may have rotated since its log was fetched, or be new: fetch its
            // log (verified from genesis like any other) and check the message once more.
            await pullLog(of: unverified.plaintext.from, from: try await senderEndpoints(unverified))
            verified = try await verifier.verify(bytes, recipient: did)
        }
        let message = verified.plaintext
        let sender = try? PeerAdvertisement(json: message.body)
        let replyBody: JSONValue
        let replyType: String
        switch message.type {
        case MeshMessageType.hello:
            guard let sender, sender.did == message.from else {
                throw MeshError("body_invalid", "peer/hello must describe its sender")
            }
            try await learn(sender, via: nil, firstHand: true)
            try await markAlive(message.from)
            replyType = MeshMessageType.hello
            replyBody = await selfAdvertisement().json
        case MeshMessageType.gossip:
            let advertised = try [PeerAdvertisement](gossipBody: message.body)
            let senderEndpoint = advertised.first { $0.did == message.from }?.endpoints.first
            for advertisement in advertised {
                try await learn(advertisement, via: senderEndpoint, firstHand: advertisement.did == message.from)
            }
            try await markAlive(message.from)
            replyType = MeshMessageType.gossip
            replyBody = try await advertisements().gossipBody
        case MeshMessageType.ping:
            replyType = MeshMessageType.pong
            replyBody = ["received": .number(Double(Int64(now().timeIntervalSince1970)))]
        default:
            throw MeshError("unsupported_type", "this node does not handle \(message.type.prefix(200))")
        }
        metrics.accepted(type: message.type)
        return try await sign(type: replyType, body: replyBody, to: message.from, threadID: message.id)
    }

    /// Per-sender token bucket; the table is bounded by dropping full buckets.
    private func admit(_ sender: DID) throws(MeshError) {
        let clock = now()
        var bucket = buckets[sender]
            ?? TokenBucket(capacity: configuration.rateLimitBurst, refillPerSecond: configuration.rateLimitPerSecond, now: clock)
        let allowed = bucket.take(at: clock)
        buckets[sender] = bucket
        if buckets.count > 10_000 {
            buckets = buckets.filter { $0.value.tokens < $0.value.capacity - 1 }
        }
        guard allowed else {
            throw MeshError("rate_limited", "\(sender) sent too many messages; slow down", category: .rateLimited)
        }
    }

    /// Where to fetch an unverified sender's log: the peer table's endpoint, then the
    /// endpoints the message itself claims (a lie only wastes a fetch: logs are verified
    /// from genesis and must be the sender's).
    private func senderEndpoints(_ message: SignedMessage) async throws -> [String] {
        let sender = message.plaintext.from
        var endpoints: [String] = []
        if let known = try await peers.peer(sender)?.endpoint { endpoints.append(known) }
        let body = message.plaintext.body
        let claimed =
            (try? PeerAdvertisement(json: body)).map { [$0] }
            ?? (try? [PeerAdvertisement](gossipBody: body)) ?? []
        for advertisement in claimed where advertisement.did == sender {
            endpoints += advertisement.endpoints.prefix(2).filter { !endpoints.contains($0) }
        }
        return endpoints
    }

    func markAlive(_ did: DID) async throws {
        guard var peer = try await peers.peer(did) else { return }
        peer.recordSuccess(at: now())
        try await peers.save(peer)
    }
}
