import AsyncHTTPClient
import Foundation
import Logging
import TauCore
import TauEnvelope
import TauIdentity

/// This node as a member of the mesh: answers inbound messages, says hello to new
/// peers, gossips, and pulls newer DID logs it hears about (`Specs/mesh.md`).
public actor MeshNode {
    /// Mesh settings.
    public struct Configuration: Sendable {
        /// The URL other nodes reach this node at.
        public var endpoint: String
        public var nodeVersion: String
        public var capabilities: [String]
        /// Time between gossip rounds.
        public var gossipInterval: Duration
        /// Peers contacted per round.
        public var gossipFanout: Int
        /// Lifetime of outgoing messages.
        public var messageLifetime: TimeInterval
        /// Inbound messages per sender: burst and sustained rate.
        public var rateLimitBurst: Double
        public var rateLimitPerSecond: Double
        /// Deadline of one outbound request.
        public var requestTimeout: Duration
        /// Rows of the peer table that gossip fills and hellos keep to (`Specs/mesh.md` section 6.2).
        public var maximumPeers = GossipPolicy().maximumPeers

        /// The gossip decisions these settings make.
        public var gossipPolicy: GossipPolicy {
            GossipPolicy(fanout: gossipFanout, interval: gossipInterval.timeInterval, maximumPeers: maximumPeers)
        }

        public init(
            endpoint: String, nodeVersion: String, capabilities: [String] = ["mesh/1"], gossipInterval: Duration = .seconds(30),
            gossipFanout: Int = 3, messageLifetime: TimeInterval = 120, rateLimitBurst: Double = 60,
            rateLimitPerSecond: Double = 10, requestTimeout: Duration = .seconds(5)
        ) {
            self.endpoint = endpoint
            self.nodeVersion = nodeVersion
            self.capabilities = capabilities
            self.gossipInterval = gossipInterval
            self.gossipFanout = gossipFanout
            self.messageLifetime = messageLifetime
            self.rateLimitBurst = rateLimitBurst
            self.rateLimitPerSecond = rateLimitPerSecond
            self.requestTimeout = requestTimeout
        }
    }

    let configuration: Configuration
    /// This node's DID.
    public nonisolated let did: DID
    /// The current signer; asked for every message, so that a rotation made while the
    /// node runs takes effect at once.
    let currentSigner: @Sendable () async throws -> EnvelopeSigner
    let verifier: EnvelopeVerifier
    let resolver: DIDResolver
    let peers: any PeerRepository
    /// Every request to a peer goes through it, under the node's outbound address policy.
    let http: any OutboundHTTP
    let now: @Sendable () -> Date
    let logger: Logger
    public nonisolated let metrics: MeshMetrics
    /// Buckets of verified senders (`mesh/sender/<DID>`).
    let rateLimiter: any RateLimiter
    /// Buckets of client addresses, for traffic before verification, per process.
    let floodLimiter: any RateLimiter
    /// The prefix of a verified sender's bucket name.
    public static let senderBucketPrefix = "mesh/sender/"
    /// The prefix of a client address's bucket name (traffic before verification).
    public static let addressBucketPrefix = "mesh/address/"
    /// The prefix of a client address's bucket of log pulls for unverified senders.
    public static let addressPullBucketPrefix = "mesh/address-pull/"
    /// Log pulls unverified messages from one address may cause: 10 at once, then 10 a minute.
    public static let unverifiedPullLimit = RateLimit(capacity: 10, refillPerSecond: 10.0 / 60)
    /// The handlers inbound messages are dispatched to, by type.
    let handlers: MeshHandlerRegistry
    /// Changes verified for peers without a row, relayed for a hot window (section 6.5).
    var news = NewsBuffer()
    /// Where this node is reached; set once the server listens (the port may be ephemeral).
    var endpoint: String
    private var listening = false

    /// A node that always signs with `signer`.
    public init(
        configuration: Configuration, signer: EnvelopeSigner, verifier: EnvelopeVerifier, resolver: DIDResolver,
        peers: any PeerRepository, handlers: MeshHandlerRegistry = .builtIn, rateLimiter: any RateLimiter = InMemoryRateLimiter(),
        floodLimiter: any RateLimiter = InMemoryRateLimiter(),
        metrics: MeshMetrics = .discarded, http: any OutboundHTTP = PolicedHTTPClient(policy: .publicOnly),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "tau.mesh")
    ) {
        self.init(
            configuration: configuration, did: signer.did, signer: { signer }, verifier: verifier, resolver: resolver, peers: peers,
            handlers: handlers, rateLimiter: rateLimiter, floodLimiter: floodLimiter, metrics: metrics, http: http, now: now, logger: logger)
    }

    /// A node whose signer may change (key rotation); `signer` must always sign as `did`.
    /// `handlers` answer inbound messages by type (the peer handlers unless told
    /// otherwise); `rateLimiter` holds the inbound token buckets.
    public init(
        configuration: Configuration, did: DID, signer: @escaping @Sendable () async throws -> EnvelopeSigner,
        verifier: EnvelopeVerifier, resolver: DIDResolver,
        peers: any PeerRepository, handlers: MeshHandlerRegistry = .builtIn, rateLimiter: any RateLimiter = InMemoryRateLimiter(),
        floodLimiter: any RateLimiter = InMemoryRateLimiter(),
        metrics: MeshMetrics = .discarded, http: any OutboundHTTP = PolicedHTTPClient(policy: .publicOnly),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "tau.mesh")
    ) {
        self.handlers = handlers
        self.rateLimiter = rateLimiter
        self.floodLimiter = floodLimiter
        self.configuration = configuration
        self.endpoint = configuration.endpoint
        self.did = did
        self.currentSigner = signer
        self.verifier = verifier
        self.resolver = resolver
        self.peers = peers
        self.metrics = metrics
        self.http = http
        self.now = now
        self.logger = logger
    }

    /// Records the URL this node is reachable at; gossip starts after it.
    public func listening(at endpoint: String) {
        self.endpoint = endpoint
        listening = true
    }

    /// Whether ``listening(at:)`` has been called.
    public var isListening: Bool { listening }

    /// Signs a message as this node.
    func sign(type: String, body: JSONValue, to recipient: DID, threadID: String? = nil) async throws(MeshError) -> SignedMessage {
        try await sign(type: type, body: body, to: [recipient], threadID: threadID)
    }

    /// Signs a message to several recipients (an escrow's parties and its agent).
    func sign(type: String, body: JSONValue, to recipients: [DID], threadID: String? = nil) async throws(MeshError) -> SignedMessage {
        do {
            return try await currentSigner().sign(
                type: type, body: body, to: recipients, lifetime: configuration.messageLifetime, threadID: threadID)
        } catch {
            throw MeshError("signing_unavailable", "this node cannot sign: \(error)", category: .internal, cause: error)
        }
    }

    /// How this node describes itself in hello and gossip.
    func selfAdvertisement() async -> PeerAdvertisement {
        let head = try? await resolver.verifiedLog(for: did).head.versionId
        return PeerAdvertisement(
            did: did, endpoints: [endpoint], logHead: head, capabilities: configuration.capabilities,
            nodeVersion: configuration.nodeVersion)
    }

    /// The gossip view this node sends and answers with (``GossipPolicy/view(own:table:news:at:using:)``),
    /// from `table` when the caller has just read it, else from the stored table.
    func advertisements(table: [Peer]? = nil) async throws -> GossipList {
        var generator = SystemRandomNumberGenerator()
        let rows: [Peer]
        if let table { rows = table } else { rows = try await peers.all() }
        return configuration.gossipPolicy.view(own: await selfAdvertisement(), table: rows, news: news.items, at: now(), using: &generator)
    }

    /// Records what an advertisement says about a node, and pulls its DID log when the
    /// advertised head is newer than the one held. `via` is where to pull from first;
    /// `firstHand` means the advertisement is the node's own, in a message it signed (a
    /// hello, which gives the sender a row whatever the size of the table).
    /// Pulls are taken from `budget`.
    func learn(_ advertisement: PeerAdvertisement, via sender: String?, firstHand: Bool = false, budget: LogPullBudget) async throws {
        try await learnAll(
            GossipList(peers: [advertisement]), from: firstHand ? advertisement.did : nil, via: sender, budget: budget,
            bootstrap: firstHand)
    }

    /// Learns a gossip list from `sender` (reached at `endpoint`): its own entry first-hand,
    /// the rest as hearsay, admitted by ``GossipPolicy/admitted(_:from:own:known:bootstrap:)``;
    /// then the recent elements of peers without a row are relayed as news when their log
    /// was newer (``GossipPolicy/newsCandidates(in:from:own:known:admitted:)``, `Specs/mesh.md`
    /// section 6.5).
    ///
    /// The table is read once (or taken from `table`, read by the caller); the pulls
    /// (network) come first; then every row change of the list, and `then` (the exchange's
    /// liveness record), is written in one transaction, and rows the list does not change are
    /// not written (`Specs/mesh.md` section 6.1).
    /// - Returns: the table with the rows written, for a view or gauges without reading it again.
    @discardableResult
    func learnAll(
        _ list: GossipList, from sender: DID?, via endpoint: String?, budget: LogPullBudget,
        then extra: [PeerChange] = [], table: [Peer]? = nil, bootstrap: Bool = false
    ) async throws -> [Peer] {
        let rows: [Peer]
        if let table { rows = table } else { rows = try await peers.all() }
        let policy = configuration.gossipPolicy
        let known = Set(rows.map(\.did))
        let admitted = policy.admitted(list.peers, from: sender, own: did, known: known, bootstrap: bootstrap)
        let evicted = policy.evictions(for: admitted, table: rows, known: known)
        var changes: [PeerChange] = evicted.map(PeerChange.removal)
        for admission in admitted {
            changes.append(await merge(admission.advertisement, via: endpoint, firstHand: admission.firstHand, budget: budget))
            news.remove(admission.advertisement.did)
        }
        for candidate in policy.newsCandidates(in: list, from: sender, own: did, known: known, admitted: admitted) {
            await relayIfNews(candidate, via: endpoint, budget: budget)
        }
        let written = try await peers.update(changes + extra)
        if !evicted.isEmpty { metrics.evicted(evicted.count) }
        let gone = Set(evicted)
        return Self.overlaying(written, on: gone.isEmpty ? rows : rows.filter { !gone.contains($0.did) })
    }

    /// Section 6.5: records the advertisement of a peer without a row as news, with the head
    /// now held, if pulling made the held log newer.
    private func relayIfNews(_ advertisement: PeerAdvertisement, via sender: String?, budget: LogPullBudget) async {
        let (before, after) = await pullIfNewer(advertisement, via: sender, budget: budget)
        guard let after, after.number > (before?.number ?? 0) else { return }
        var relayed = advertisement
        relayed.logHead = after.versionId
        news.record(relayed, at: now())
    }

    /// Section 6.2, step 5: pulls the log of the advertised node from `sender`, then its first
    /// two endpoints, when the advertised head is newer than the one held. Returns the head
    /// held before and after; looking them up never fetches anything.
    private func pullIfNewer(
        _ advertisement: PeerAdvertisement, via sender: String?, budget: LogPullBudget
    ) async -> (before: DIDTauVersion?, after: DIDTauVersion?) {
        let before = await resolver.heldLog(for: advertisement.did)?.head
        guard GossipPolicy.needsPull(advertised: advertisement.logHeadNumber, held: before?.number) else { return (before, before) }
        await pullLog(
            of: advertisement.did, from: [sender].compactMap { $0 } + advertisement.endpoints.prefix(2),
            wanting: advertisement.logHeadNumber, budget: budget)
        return (before, await resolver.heldLog(for: advertisement.did)?.head)
    }

    /// `table` with `written` rows replacing or joining its rows.
    static func overlaying(_ written: [Peer], on table: [Peer]) -> [Peer] {
        guard !written.isEmpty else { return table }
        var byDID = Dictionary(written.map { ($0.did, $0) }, uniquingKeysWith: { _, last in last })
        let result = table.map { row in byDID.removeValue(forKey: row.did) ?? row }
        guard !byDID.isEmpty else { return result }
        // New rows: kept in DID order, as the repository lists them.
        return (result + byDID.values).sorted { $0.did.description < $1.did.description }
    }

    /// Pulls the log of an advertised node if its advertised head is newer than the one held,
    /// and returns the row change of `Specs/mesh.md` section 6.2, steps 3-7.
    private func merge(_ advertisement: PeerAdvertisement, via sender: String?, firstHand: Bool, budget: LogPullBudget) async -> PeerChange {
        let clock = now()
        // Only what is held: merging a list must not make the resolver ask every source.
        let headVersionId = await pullIfNewer(advertisement, via: sender, budget: budget).after?.versionId
        return PeerChange(advertisement.did) { stored in
            stored = Peer.merged(stored, with: advertisement, verifiedHead: headVersionId, firstHand: firstHand, at: clock)
        }
    }

    static func number(_ versionId: String?) -> Int? {
        guard let versionId, let dash = versionId.firstIndex(of: "-") else { return nil }
        return Int(versionId[..<dash])
    }

    /// Refreshes the alive / dead gauges, from `table` when the caller holds it.
    func updatePeerGauges(table: [Peer]? = nil) async {
        let rows: [Peer]
        if let table { rows = table } else { guard let all = try? await peers.all() else { return }; rows = all }
        metrics.peers(alive: rows.filter { $0.state == .alive }.count, dead: rows.filter { $0.state == .dead }.count)
    }
}
