import Foundation
import TauCore
import TauEnvelope
import TauTesting
import Testing

/// A real `tau-node serve` and the DIDComm reference library (Python `didcomm` 0.3.2,
/// tests only): the inbox takes a `peer/ping` the library signed as a did:key nobody
/// introduced, and the library unpacks the node's signed `peer/pong`.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct DIDCommInboxTests {
    static let passphrase = "didcomm passphrase"
    static let ping = "https://tau-node.dev/kamn/1/peer/ping"

    @Test func theInboxAcceptsALibrarySignedPingAndTheLibraryUnpacksThePong() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        let created = try await TauNodeProcess.run(["init", "--home", home, "--name", "node", "--json"], passphrase: Self.passphrase)
        #expect(created.exitCode == 0, "\(created.standardError)")
        let did = try #require(try JSONValue(parsing: created.standardOutput)["did"]?.stringValue)

        let (_, exitCode) = try await TauNodeProcess.withServer(home: home, passphrase: Self.passphrase) { url in
            let seed = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let packed = try await DIDCommLibrary.packSigned(seed: seed, to: did, type: Self.ping, body: ["hello": "from didcomm"])
            #expect(packed.succeeded, "\(packed.output) \(packed.diagnostics)")
            let sender = try #require(packed.output["did"]?.stringValue)
            let message = Array(try #require(packed.output["message"]?.stringValue).utf8)

            // Accepted: did:key resolves from the DID itself, and ping needs no introduction.
            let accepted = try await HTTPProbe.post("\(url)/mesh/v1/inbox", body: message, contentType: SignedMessage.mediaType)
            #expect(accepted.status == 200, "\(accepted.body)")

            // The reply is the node's own signed message: the library unpacks it, given the
            // node's DID document as the node's resolver serves it.
            let resolved = try await HTTPProbe.getJSON("\(url)/1.0/identifiers/\(did)")
            let document = try #require(resolved.json["didDocument"])
            let unpacked = try await DIDCommLibrary.unpack(Array(accepted.body.utf8), documents: [document])
            #expect(unpacked.succeeded, "\(unpacked.output) \(unpacked.diagnostics)")
            #expect(unpacked.output["sign_from"]?.stringValue?.hasPrefix(did + "#") == true)
            #expect(unpacked.output["message"]?["from"]?.stringValue == did)
            #expect(unpacked.output["message"]?["to"] == [.string(sender)])
            #expect(unpacked.output["message"]?["type"] == "https://tau-node.dev/kamn/1/peer/pong")
            #expect(unpacked.output["message"]?["thid"] == packed.output["id"])

            // Refused with stable reason codes: the same message again, and one flipped byte.
            let replayed = try await HTTPProbe.post("\(url)/mesh/v1/inbox", body: message, contentType: SignedMessage.mediaType)
            #expect(replayed.status == 403)
            #expect(try JSONValue(parsing: replayed.body)["error"]?["code"] == "replayed")
            let forged = try DIDCommLibrary.flippingPayloadByte(of: message, inside: "from didcomm")
            let refused = try await HTTPProbe.post("\(url)/mesh/v1/inbox", body: forged, contentType: SignedMessage.mediaType)
            #expect(refused.status == 403)
            #expect(try JSONValue(parsing: refused.body)["error"]?["code"] == "signature_invalid")
        }
        #expect(exitCode == 0)
    }
}
