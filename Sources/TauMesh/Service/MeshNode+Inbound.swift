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
        // Unverified traffic shares one budget (it cannot be charged to a sender it may
        // only claim to be); verified traffic is limited per sender below.
        try admit(nil)
        let unverified = try SignedMessage(bytes: bytes)
        pullBudget = MeshNode.pullsPerMessage
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
        try admit(verified.plaintext.from)
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
            try await learnAll(advertised, from: message.from, via: senderEndpoint)
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

    /// Token buckets: one per verified sender, and one (key nil) for all traffic before
    /// verification, at ten times a sender's rate. Buckets idle for a minute are dropped.
    private func admit(_ sender: DID?) throws(MeshError) {
        let clock = now()
        let scale: Double = sender == nil ? 10 : 1
        var bucket = buckets[sender]
            ?? TokenBucket(
                capacity: configuration.rateLimitBurst * scale, refillPerSecond: configuration.rateLimitPerSecond * scale, now: clock)
        let allowed = bucket.take(at: clock)
        buckets[sender] = bucket
        if buckets.count > 10_000 {
            buckets = buckets.filter { clock.timeIntervalSince($0.value.updated) < 60 }
        }
        guard allowed else {
            throw MeshError(
                "rate_limited", "\(sender.map { "\($0) sent" } ?? "this node receives") too many messages; slow down",
                category: .rateLimited)
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
        var claimedEndpoints: [String] = []
        for advertisement in claimed where advertisement.did == sender {
            claimedEndpoints += advertisement.endpoints.filter { !claimedEndpoints.contains($0) && !endpoints.contains($0) }
        }
        // At most two addresses chosen by an unverified message are fetched.
        return endpoints + claimedEndpoints.prefix(2)
    }

    func markAlive(_ did: DID) async throws {
        guard var peer = try await peers.peer(did) else { return }
        peer.recordSuccess(at: now())
        try await peers.save(peer)
    }
}
