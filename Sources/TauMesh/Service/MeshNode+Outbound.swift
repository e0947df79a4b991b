import Foundation
import TauCore
import TauEnvelope
import TauIdentity

extension MeshNode {
    /// Posts a signed message to a peer's inbox and verifies its signed reply. A stale-key
    /// pull of the peer's log while checking the reply is taken from `pullBudget`.
    /// - Throws: ``MeshError`` `peer_unreachable`, `peer_refused` (with the peer's reason
    ///   code in the message) or `reply_invalid`.
    /// - Parameter timeout: until the reply's head arrives (the configured request timeout by
    ///   default; a model call waits for its model).
    public func send(
        _ message: SignedMessage, to endpoint: String, expecting peer: DID, pullBudget: LogPullBudget = LogPullBudget(),
        timeout: Duration? = nil
    ) async throws(MeshError) -> VerifiedMessage {
        let request = OutboundRequest(
            method: "POST", url: Self.inboxURL(endpoint), headers: [("Content-Type", SignedMessage.mediaType)], body: message.bytes,
            maximumResponseBytes: SignedMessage.maximumBytes, timeout: timeout ?? configuration.requestTimeout)
        let status: Int
        let body: [UInt8]
        do throws(OutboundError) {
            let response = try await http.send(request)
            (status, body) = (response.status, response.body)
        } catch {
            throw MeshError.unreachable(endpoint, error)
        }
        guard status == 200 else {
            let code = (try? JSONValue(parsing: body))?["error"]?["code"]?.stringValue ?? "http_\(status)"
            throw MeshError("peer_refused", "\(endpoint) refused the message: \(code)", category: .unavailable, cause: PeerRefusal(code: code))
        }
        var firstAttempt: VerifiedMessage?
        var refusal: EnvelopeError?
        // Parsed once, verified at most twice.
        var parsed: SignedMessage?
        do {
            let reply = try SignedMessage(bytes: body)
            parsed = reply
            firstAttempt = try await verifier.verify(reply, recipient: did)
        } catch {
            refusal = error
        }
        if let refusal, refusal.mayBeCuredByFresherLog, let parsed {
            // The peer rotated (or is new): fetch its log from it and check once more.
            await pullLog(of: peer, from: [endpoint], budget: pullBudget)
            do {
                firstAttempt = try await verifier.verify(parsed, recipient: did)
            } catch {
                throw MeshError("reply_invalid", "the reply from \(endpoint) was refused: \(error.code)", category: .unavailable)
            }
        }
        guard let reply = firstAttempt else {
            throw MeshError("reply_invalid", "the reply from \(endpoint) was refused: \(refusal?.code ?? "unknown")", category: .unavailable)
        }
        guard reply.plaintext.from == peer, reply.plaintext.threadID == message.plaintext.id else {
            throw MeshError("reply_invalid", "the reply from \(endpoint) is not from \(peer) or not in the thread", category: .unavailable)
        }
        return reply
    }

    /// Introduces this node to the node at `endpoint` (DID learned from its `/healthz`,
    /// then proven by its signed reply) and records it as a peer.
    @discardableResult
    public func hello(endpoint: String) async throws -> Peer {
        let base = Self.base(endpoint)
        let response: OutboundResponse
        do throws(OutboundError) {
            response = try await http.get(
                base + "/healthz", accept: "application/json", maximumBytes: 64 * 1024, timeout: configuration.requestTimeout)
        } catch {
            throw MeshError.unreachable(base, error)
        }
        let health = try? JSONValue(parsing: response.body)
        guard let text = health?["did"]?.stringValue, let peerDID = try? DID(text) else {
            throw MeshError("peer_has_no_identity", "\(base) reports no DID", category: .unavailable)
        }
        guard peerDID != did else { throw MeshError("peer_is_self", "\(base) is this node") }
        // The pulls of one hello share a budget of their own.
        let budget = LogPullBudget()
        if await resolver.heldLog(for: peerDID) == nil {
            await pullLog(of: peerDID, from: [base], budget: budget)
        }
        let message = try await sign(type: MeshMessageType.hello, body: await selfAdvertisement().json, to: peerDID)
        let reply = try await send(message, to: base, expecting: peerDID, pullBudget: budget)
        var advertisement = try PeerAdvertisement(json: reply.plaintext.body)
        guard reply.plaintext.type == MeshMessageType.hello, advertisement.did == peerDID else {
            throw MeshError("reply_invalid", "\(base) did not answer the hello with its own", category: .unavailable)
        }
        advertisement.endpoints = [base] + advertisement.endpoints.filter { $0 != base }
        try await learn(advertisement, via: base, budget: budget)
        let time = now()
        let updated = try await peers.update(peerDID) { peer in
            var known = peer ?? Peer(did: peerDID, endpoint: base, firstSeen: time, changedAt: time)
            if known.endpoint != base { known.changedAt = time }
            known.endpoint = base
            known.recordSuccess(at: time)
            peer = known
        }
        return updated ?? Peer(did: peerDID, endpoint: base, firstSeen: time)
    }

    /// One gossip round: up to `gossipFanout` random peers that are due are sent this
    /// node's view; their replies are merged. Failures are recorded, never thrown.
    public func gossipRound() async {
        metrics.gossipRounds.increment()
        let clock = now()
        guard var all = try? await peers.all() else { return }
        let policy = configuration.gossipPolicy
        // Peers dead for a week are forgotten; they can come back with a hello.
        let forgotten = policy.forgotten(in: all, at: clock)
        for did in forgotten {
            _ = try? await peers.remove(did)
            logger.info("forgot dead peer", metadata: ["peer": "\(did)"])
        }
        if !forgotten.isEmpty { all.removeAll { forgotten.contains($0.did) } }
        var generator = SystemRandomNumberGenerator()
        let due = policy.targets(in: all, own: did, at: clock, using: &generator)
        // One view per round: the same body goes to every peer contacted.
        let body = policy.view(own: await selfAdvertisement(), table: all, news: news.items, at: clock, using: &generator).body
        // The table as this round knows it: read once, then each exchange's writes laid over
        // it (another replica's writes meanwhile are seen next round).
        var table = all
        for peer in due {
            // Each exchange has a budget of its own.
            let budget = LogPullBudget()
            do {
                let message = try await sign(type: MeshMessageType.gossip, body: body, to: peer.did)
                let reply = try await send(message, to: peer.endpoint, expecting: peer.did, pullBudget: budget)
                metrics.gossipBytes(sent: message.bytes.count, received: reply.message.bytes.count)
                guard reply.plaintext.type == MeshMessageType.gossip else {
                    throw MeshError("reply_invalid", "\(peer.did) answered gossip with \(reply.plaintext.type)", category: .unavailable)
                }
                let advertised = try GossipList(body: reply.plaintext.body)
                // The merge and the success are written together, after the network work.
                let time = now()
                table = try await learnAll(
                    advertised, from: peer.did, via: peer.endpoint, budget: budget,
                    then: [PeerChange(peer.did) { $0?.recordSuccess(at: time) }], table: table)
            } catch {
                let time = now()
                let baseDelay = configuration.gossipInterval.timeInterval
                // Recorded on the row as it is now: another replica may have changed it meanwhile.
                if let written = try? await peers.update(peer.did, { $0?.recordFailure(at: time, baseDelay: baseDelay) }) {
                    table = Self.overlaying([written], on: table)
                }
                logger.debug("gossip failed", metadata: ["peer": "\(peer.did)", "reason": "\(error)"])
            }
        }
        await updatePeerGauges(table: table)
    }

    /// Sends `peer/ping` to `peer` and returns the verified `peer/pong` and the round trip.
    /// The endpoint is the peer table's, else the DID document's `TauMesh` service.
    public func ping(_ peer: DID) async throws -> (reply: VerifiedMessage, roundTrip: Duration, endpoint: String) {
        var endpoint = try await peers.peer(peer)?.endpoint
        if endpoint == nil {
            endpoint = await resolver.resolve(peer).document?.service(ofType: "TauMesh")?.endpointURL
        }
        guard let endpoint else {
            throw MeshError("peer_unknown", "no endpoint is known for \(peer): add it with `tau-node peer add <url>`", category: .notFound)
        }
        // The ping names where this node's log can be fetched, for a peer that has not met it.
        let message = try await sign(type: MeshMessageType.ping, body: await selfAdvertisement().json, to: peer)
        let clock = ContinuousClock()
        let started = clock.now
        let reply = try await send(message, to: endpoint, expecting: peer)
        guard reply.plaintext.type == MeshMessageType.pong else {
            throw MeshError("reply_invalid", "\(peer) answered \(reply.plaintext.type) to a ping", category: .unavailable)
        }
        return (reply, clock.now - started, endpoint)
    }

    /// Fetches `did`'s log from the first of `endpoints` that has a valid one and hands
    /// it to the resolver, which verifies it from genesis and keeps it only if it
    /// continues what is held. Every endpoint tried takes one attempt from `budget`.
    func pullLog(of subject: DID, from endpoints: [String], wanting version: Int? = nil, budget: LogPullBudget) async {
        for endpoint in endpoints {
            guard budget.take() else {
                logger.debug("log pull budget spent", metadata: ["did": "\(subject)"])
                return
            }
            do {
                let response = try await http.get(
                    "\(Self.base(endpoint))/mesh/v1/dids/\(subject)/log", accept: "application/jsonl",
                    maximumBytes: DIDTauLog.maximumBytes, timeout: configuration.requestTimeout)
                guard response.status == 200 else { continue }
                let held = try await resolver.accept(try DIDTauLog(jsonLines: response.body), for: subject)
                // A source with an older log is no reason to stop: try the next one.
                if held.head.number >= (version ?? 0) { return }
            } catch {
                logger.debug("log pull failed", metadata: ["did": "\(subject)", "from": "\(endpoint)", "reason": "\(error)"])
            }
        }
    }

    static func base(_ endpoint: String) -> String {
        endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
    }

    static func inboxURL(_ endpoint: String) -> String { base(endpoint) + "/mesh/v1/inbox" }
}

extension MeshNode {
    /// Signs a message of `type` with `body` to `peer`, posts it to `endpoint` and verifies the
    /// reply (section 7.1). Returns the message sent (to keep as a receipt) and the reply.
    /// - Throws: ``MeshError`` `signing_unavailable`, `peer_unreachable`, `peer_refused`, `reply_invalid`.
    public func request(
        type: String, body: JSONValue, to peer: DID, at endpoint: String, timeout: Duration? = nil
    ) async throws(MeshError) -> (sent: SignedMessage, reply: VerifiedMessage) {
        let message = try await sign(type: type, body: body, to: peer)
        return (message, try await send(message, to: endpoint, expecting: peer, timeout: timeout))
    }

    /// Signs a message of `type` with `body` to `peer` without sending it (a voucher, a
    /// receipt handed over another channel).
    public func signed(type: String, body: JSONValue, to peer: DID) async throws(MeshError) -> SignedMessage {
        try await sign(type: type, body: body, to: [peer])
    }

    /// Signs a message to several recipients without sending it (one `escrow/open` for the
    /// payee and the escrow agent, so both keep the same receipt).
    public func signed(type: String, body: JSONValue, to peers: [DID]) async throws(MeshError) -> SignedMessage {
        try await sign(type: type, body: body, to: peers)
    }

    /// Where `peer` is reached: its peer-table endpoint, if it has a row.
    public func endpoint(of peer: DID) async throws -> String? {
        try await peers.peer(peer)?.endpoint
    }

    /// The peers that advertise `capability` (any, when nil) and are not known to be dead.
    public func peers(offering capability: String?) async throws -> [Peer] {
        try await peers.all().filter { $0.state != .dead && (capability.map($0.capabilities.contains) ?? true) }
    }
}

/// The reason code a peer gave for refusing a message (the unsigned error body of its answer:
/// report it, never trust it for anything that matters).
public struct PeerRefusal: Error, Sendable, Equatable {
    public let code: String

    /// The refusals a sender acts on.
    public enum Known: String, Sendable {
        /// The peer has the escrow settled already: a delivery it answered before.
        case escrowSettled = "escrow_settled"
        /// The peer accepted these very bytes before: send a fresh copy.
        case replayed
    }

    /// The refusal, when it is one a sender acts on.
    public var known: Known? { Known(rawValue: code) }
}

extension CodedError where Domain == MeshErrors {
    /// The peer's reason code, when this is `peer_refused`.
    public var peerRefusalCode: String? { (cause as? PeerRefusal)?.code }

    /// The peer's refusal, when this is `peer_refused` with a code a sender acts on.
    public var peerRefusal: PeerRefusal.Known? { (cause as? PeerRefusal)?.known }
}

extension MeshNode {
    /// Verifies a stored signed message (a receipt handed over as evidence) as of when it was
    /// signed, without recipient, expiry or replay checks (`Specs/envelope.md` section 6).
    public func verifyStored(_ bytes: [UInt8]) async throws(EnvelopeError) -> VerifiedMessage {
        try await verifier.verifyHistorical(bytes)
    }
}
