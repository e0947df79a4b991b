import Foundation
import TauCore
import TauEnvelope
import TauIdentity

extension MeshNode {
    /// Handles one message posted to `/mesh/v1/inbox` and returns the signed reply.
    /// - Throws: ``EnvelopeError`` (verification) or ``MeshError`` (`rate_limited`,
    ///   `rate_limit_unavailable`, `unsupported_type`, or the refusal of the message's
    ///   handler, e.g. `body_invalid`); each refusal is counted by reason.
    /// - Parameter clientAddress: the address the message came from (the HTTP peer), whose
    ///   bucket is charged before anything is verified; nil when unknown.
    public func receive(_ bytes: [UInt8], from clientAddress: String? = nil) async throws -> SignedMessage {
        do {
            let reply = try await process(bytes, from: clientAddress)
            return reply
        } catch let error as EnvelopeError {
            metrics.rejected(reason: error.code)
            throw error
        } catch let error as MeshError {
            metrics.rejected(reason: error.code)
            throw error
        }
    }

    private func process(_ bytes: [UInt8], from clientAddress: String?) async throws -> SignedMessage {
        // Unverified traffic is charged to the address it came from (it cannot be charged to
        // a sender it may only claim to be); verified traffic is limited per sender below.
        try await admit(address: clientAddress ?? "unknown")
        let unverified = try SignedMessage(bytes: bytes)
        // This message's own pulls: concurrent messages cannot spend or reset them.
        let budget = LogPullBudget()
        var firstAttempt: VerifiedMessage?
        do {
            firstAttempt = try await verifier.verify(unverified, recipient: did)
        } catch {
            guard error.mayBeCuredByFresherLog else { throw error }
        }
        let verified: VerifiedMessage
        if let firstAttempt {
            verified = firstAttempt
        } else {
            // The sender may have rotated since its log was fetched, or be new: fetch its
            // log (verified from genesis like any other) and check the message once more.
            // Verifying a fetched log costs up to seconds of CPU (10,000 entries), so these
            // pulls have a bucket of their own per client address; without a token the
            // message is judged on what is held.
            if try await mayPull(for: clientAddress ?? "unknown") {
                await pullLog(of: unverified.plaintext.from, from: try await senderEndpoints(unverified.plaintext), budget: budget)
            }
            verified = try await verifier.verify(unverified, recipient: did)
        }
        let message = verified.plaintext
        try await admit(message.from)
        guard let handler = handlers.handler(for: message.type) else {
            throw MeshError("unsupported_type", "this node does not handle \(message.type.prefix(200))")
        }
        var messageLogger = logger
        messageLogger[metadataKey: "type"] = "\(message.type)"
        messageLogger[metadataKey: "from"] = "\(message.from)"
        messageLogger[metadataKey: "message"] = "\(message.id)"
        let context = MeshContext(
            message: verified, claimedEndpoint: Self.claimedEndpoints(of: message).first, pullBudget: budget,
            logger: messageLogger, node: self, now: now)
        let reply = try await handler.handle(context)
        metrics.accepted(type: message.type)
        let signed = try await sign(type: reply.type, body: reply.body, to: message.from, threadID: message.id)
        if message.type == MeshMessageType.gossip { metrics.gossipBytes(sent: signed.bytes.count, received: bytes.count) }
        return signed
    }

    /// Takes a token from the client address's bucket `mesh/address/<ip>` (traffic before
    /// verification, at ten times a sender's burst and rate), kept in this process so that
    /// unverified traffic costs no database write: a flood from one address locks out that
    /// address only.
    private func admit(address: String) async throws(MeshError) {
        try await admit(
            bucket: MeshNode.addressBucketPrefix + address, limiter: floodLimiter, scale: 10,
            refusal: "\(address.prefix(64)) sends too many messages; slow down")
    }

    /// Whether an unverified message from `address` may make the node pull its sender's log:
    /// one token of `mesh/address-pull/<ip>` (10 at once, then one every 6 seconds).
    private func mayPull(for address: String) async throws(MeshError) -> Bool {
        do {
            return try await floodLimiter.take(
                MeshNode.addressPullBucketPrefix + address, limit: MeshNode.unverifiedPullLimit, at: now()
            ).isAdmitted
        } catch {
            throw MeshError("rate_limit_unavailable", "the rate limiter failed: \(error)", category: .internal, cause: error)
        }
    }

    /// Takes a token from the verified sender's bucket `mesh/sender/<DID>` in the node's rate
    /// limiter (the store's, shared by replicas, when serving).
    private func admit(_ sender: DID) async throws(MeshError) {
        try await admit(
            bucket: MeshNode.senderBucketPrefix + sender.description, limiter: rateLimiter, scale: 1,
            refusal: "\(sender) sent too many messages; slow down")
    }

    private func admit(bucket: String, limiter: any RateLimiter, scale: Double, refusal: String) async throws(MeshError) {
        let limit = RateLimit(
            capacity: configuration.rateLimitBurst * scale, refillPerSecond: configuration.rateLimitPerSecond * scale)
        let decision: RateDecision
        do {
            decision = try await limiter.take(bucket, limit: limit, at: now())
        } catch {
            // Fail closed: a limit that cannot be checked admits nothing; a database that is
            // down is a temporary refusal (503).
            let category: ErrorCategory =
                (error as? any TauError)?.category == .temporarilyUnavailable ? .temporarilyUnavailable : .internal
            throw MeshError("rate_limit_unavailable", "the rate limiter failed: \(error)", category: category, cause: error)
        }
        guard decision.isAdmitted else {
            throw MeshError("rate_limited", refusal, category: .rateLimited)
        }
    }

    /// Where to fetch an unverified sender's log: the peer table's endpoint, then at
    /// most two endpoints the message itself claims (a lie only wastes a fetch: logs
    /// are verified from genesis and must be the sender's).
    private func senderEndpoints(_ message: PlaintextMessage) async throws -> [String] {
        var endpoints: [String] = []
        if let known = try await peers.peer(message.from)?.endpoint { endpoints.append(known) }
        return endpoints + Self.claimedEndpoints(of: message).filter { !endpoints.contains($0) }.prefix(2)
    }

    /// The endpoints a message claims for its sender, in order, without duplicates: the
    /// body read as one advertisement, else as a gossip list, the endpoints of every
    /// entry whose `did` is the sender.
    static func claimedEndpoints(of message: PlaintextMessage) -> [String] {
        let body = message.body
        let claimed =
            (try? PeerAdvertisement(json: body)).map { [$0] }
            ?? (try? GossipList(body: body))?.peers ?? []
        var endpoints: [String] = []
        for advertisement in claimed where advertisement.did == message.from {
            for endpoint in advertisement.endpoints where !endpoints.contains(endpoint) { endpoints.append(endpoint) }
        }
        return endpoints
    }

    func markAlive(_ did: DID) async throws {
        let time = now()
        try await peers.update(did) { $0?.recordSuccess(at: time) }
    }
}
