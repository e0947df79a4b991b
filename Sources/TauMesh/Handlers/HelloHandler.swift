/// `peer/hello` (`Specs/mesh.md` section 4.3): merges the sender's own advertisement
/// first-hand, marks it alive, and answers with this node's advertisement.
struct HelloHandler: MeshHandler {
    var messageType: String { MeshMessageType.hello }

    func handle(_ context: MeshContext) async throws -> MeshReply {
        guard let advertisement = try? PeerAdvertisement(json: context.message.plaintext.body), advertisement.did == context.sender
        else {
            throw MeshError("body_invalid", "peer/hello must describe its sender")
        }
        try await context.learn(advertisement, via: nil, firstHand: true)
        try await context.markSenderAlive()
        return MeshReply(type: MeshMessageType.hello, body: await context.selfAdvertisement().json)
    }
}
