import Foundation
import Logging
import TauEnvelope
import TauIdentity

/// What a ``MeshHandler`` knows about the one message it handles, and what it may do
/// with the node. Made by the node for each message; never shared between messages.
public struct MeshContext: Sendable {
    /// The message, verified (`Specs/envelope.md` section 6).
    public let message: VerifiedMessage
    /// The first endpoint the message claims for its sender: the body read as one
    /// advertisement, else as a gossip list, the first endpoint of the first entry whose
    /// `did` is the sender (`Specs/mesh.md` section 5, step 5). Not verified: a claim.
    public let claimedEndpoint: String?
    /// The log fetch attempts this message may still cause; the stale-key pull of its
    /// verification has already taken what it used.
    public let pullBudget: LogPullBudget
    /// The node's logger with `type`, `from` and `message` (the id) as metadata.
    public let logger: Logger
    /// The node handling the message (to send messages of its own, for instance).
    public let node: MeshNode
    /// The node's wall clock.
    public let now: @Sendable () -> Date

    /// The verified sender.
    public var sender: DID { message.plaintext.from }

    init(
        message: VerifiedMessage, claimedEndpoint: String?, pullBudget: LogPullBudget, logger: Logger, node: MeshNode,
        now: @escaping @Sendable () -> Date
    ) {
        self.message = message
        self.claimedEndpoint = claimedEndpoint
        self.pullBudget = pullBudget
        self.logger = logger
        self.node = node
        self.now = now
    }

    /// Merges an advertisement into the peer table (`Specs/mesh.md` section 6.2),
    /// pulling the node's log within this message's budget when the advertised head is
    /// newer than the one held. `firstHand`: the advertisement describes the sender.
    public func learn(_ advertisement: PeerAdvertisement, via relay: String?, firstHand: Bool) async throws {
        try await node.learn(advertisement, via: relay, firstHand: firstHand, budget: pullBudget)
    }

    /// Merges a gossip list from the sender (`Specs/mesh.md` section 4.4): the sender's
    /// own entries first-hand, the rest as hearsay, at most 16 peers not known before.
    public func learn(_ advertisements: [PeerAdvertisement], via relay: String?) async throws {
        try await node.learnAll(GossipList(peers: advertisements), from: sender, via: relay, budget: pullBudget)
    }

    /// Pulls `subject`'s DID log from `endpoints` in order, within this message's budget
    /// (`Specs/mesh.md` section 6.3). Never fails: without an acceptable log nothing changes.
    public func pullLog(of subject: DID, from endpoints: [String], wanting version: Int? = nil) async {
        await node.pullLog(of: subject, from: endpoints, wanting: version, budget: pullBudget)
    }

    /// Records a successful contact with the sender, if it has a row in the peer table.
    public func markSenderAlive() async throws {
        try await node.markAlive(sender)
    }

    /// The sender's row in the peer table, if any.
    public func senderPeer() async throws -> Peer? {
        try await node.peers.peer(sender)
    }

    /// How the node describes itself (`Specs/mesh.md` section 4.2).
    public func selfAdvertisement() async -> PeerAdvertisement {
        await node.selfAdvertisement()
    }

    /// The node's gossip view: itself, then every peer not known to be dead.
    public func knownPeers() async throws -> [PeerAdvertisement] {
        try await node.advertisements().peers
    }
}
