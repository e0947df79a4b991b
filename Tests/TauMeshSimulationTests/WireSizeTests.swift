import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauMesh
import Testing

@testable import TauMeshSimulation

/// The simulator's message sizes are the sizes of messages TauEnvelope signs.
@Suite struct WireSizeTests {
    func advertisement(_ controller: DIDTauController, log: DIDTauLog, port: Int, version: String? = "0.1.0") throws -> PeerAdvertisement {
        PeerAdvertisement(
            did: controller.did, endpoints: ["http://10.0.\(port / 256).\(port % 256):8420"], logHead: try log.verify().head.versionId,
            capabilities: ["mesh/1"], nodeVersion: version)
    }

    @Test func anAdvertisementsSizeIsItsCanonicalJSON() throws {
        let (controller, log) = try DIDTauController.create()
        let samples = [
            try advertisement(controller, log: log, port: 7),
            try advertisement(controller, log: log, port: 300, version: nil),
            PeerAdvertisement(did: controller.did, endpoints: ["http://a", "https://b.example:9"], logHead: nil, capabilities: []),
            PeerAdvertisement(did: try DID("did:web:example.org"), endpoints: ["http://x"], logHead: "12-Qm", capabilities: ["a", "bc"]),
        ]
        for sample in samples {
            #expect(WireSize.json(sample) == sample.json.canonicalBytes().count)
        }
        let body: JSONValue = ["peers": .array(samples.map(\.json))]
        #expect(WireSize.gossipBody(GossipList(peers: samples)) == body.canonicalBytes().count)
        #expect(WireSize.gossipBody(GossipList(peers: [])) == (["peers": .array([])] as JSONValue).canonicalBytes().count)
        // A list with recent changes names how many.
        for recent in [1, 3] {
            let list = GossipList(peers: samples, recent: recent)
            let marked: JSONValue = ["peers": .array(samples.map(\.json)), "recent": .number(Double(recent))]
            #expect(WireSize.gossipBody(list) == marked.canonicalBytes().count)
        }
    }

    @Test(arguments: [0, 1, 2, 17, 64])
    func aGossipMessagesSizeIsTheSignedMessagesSize(listed: Int) throws {
        let (sender, senderLog) = try DIDTauController.create()
        let (recipient, _) = try DIDTauController.create()
        let signer = EnvelopeSigner(did: sender.did, keyID: sender.signingKeyID, key: sender.signingKey)
        let advertisements = try (0..<listed).map { try advertisement(sender, log: senderLog, port: $0 * 37) }
        // Some of them marked recent, as a view with changes is.
        let list = GossipList(peers: advertisements, recent: listed / 2)
        let body = list.body
        let request = signer.sign(type: MeshMessageType.gossip, body: body, to: [recipient.did], lifetime: 120)
        #expect(WireSize.gossip(list, reply: false) == request.bytes.count)
        let reply = signer.sign(
            type: MeshMessageType.gossip, body: body, to: [recipient.did], lifetime: 120, threadID: request.plaintext.id)
        #expect(WireSize.gossip(list, reply: true) == reply.bytes.count)
    }

    @Test func aHellosSizeIsTheSignedMessagesSize() throws {
        let (sender, senderLog) = try DIDTauController.create()
        let (recipient, _) = try DIDTauController.create()
        let signer = EnvelopeSigner(did: sender.did, keyID: sender.signingKeyID, key: sender.signingKey)
        let own = try advertisement(sender, log: senderLog, port: 1)
        let hello = signer.sign(type: MeshMessageType.hello, body: own.json, to: [recipient.did], lifetime: 120)
        #expect(WireSize.hello(own, reply: false) == hello.bytes.count)
        let reply = signer.sign(type: MeshMessageType.hello, body: own.json, to: [recipient.did], threadID: hello.plaintext.id)
        #expect(WireSize.hello(own, reply: true) == reply.bytes.count)
    }

    @Test func simulatedNamesCountAtTheLengthsOfRealOnes() throws {
        let (controller, log) = try DIDTauController.create()
        var generator = SplitMix64(seed: 9)
        let identities = try SimulatedIdentities(count: 3, using: &generator)
        // Held short in memory, so that copying a row copies no string storage.
        #expect(identities.dids[0].methodSpecificID.utf8.count <= 15)
        #expect(controller.did.methodSpecificID.utf8.count == SimulatedIdentities.realIdentifierLength)
        #expect((try log.verify().head.versionId.utf8.count) == SimulatedIdentities.realVersionIdLength)
        let real = PeerAdvertisement(
            did: controller.did, endpoints: ["http://127.0.0.1:40369"], logHead: try log.verify().head.versionId,
            capabilities: SimulatedIdentities.capabilities, nodeVersion: SimulatedIdentities.nodeVersion)
        let simulated = identities.advertisement(of: 2, version: 1)
        #expect(WireSize.json(simulated) + SimulatedIdentities.padding(of: simulated) == real.json.canonicalBytes().count)
        let view = [simulated, identities.advertisement(of: 1, version: 3)]
        let realView = [real, real]
        #expect(
            WireSize.gossip(GossipList(peers: view, recent: 1), reply: true, padding: SimulatedIdentities.padding(of: view))
                == WireSize.gossip(GossipList(peers: realView, recent: 1), reply: true))
        #expect(
            WireSize.hello(simulated, reply: false, padding: SimulatedIdentities.padding(of: simulated))
                == WireSize.hello(real, reply: false))
    }
}
