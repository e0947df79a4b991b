/// `peer/gossip` (`Specs/mesh.md` section 4.4): merges the list (the sender's own
/// entries first-hand, relayed by the sender's first own endpoint), marks the sender
/// alive, and answers with this node's view.
struct GossipHandler: MeshHandler {
    var messageType: String { MeshMessageType.gossip }

    func handle(_ context: MeshContext) async throws -> MeshReply {
        let advertised = try GossipList(body: context.message.plaintext.body)
        let relay = advertised.peers.first { $0.did == context.sender }?.endpoints.first
        // The merge and the sender's liveness are one write (section 6.1).
        let time = context.now()
        let table = try await context.node.learnAll(
            advertised, from: context.sender, via: relay, budget: context.pullBudget,
            then: [PeerChange(context.sender) { $0?.recordSuccess(at: time) }])
        // The answer is made from the table just merged, not read again.
        return MeshReply(type: MeshMessageType.gossip, body: try await context.node.advertisements(table: table).body)
    }
}
