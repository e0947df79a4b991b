import Foundation
import TauCore
import TauCrypto
import TauIdentity
import TauTesting

@testable import TauEnvelope

/// Nodes with did:tau identities held by one resolver, as a receiving node would hold them.
struct EnvelopeFixture {
    let repository = InMemoryDIDLogRepository()
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
    let resolver: DIDResolver
    let replay = InMemoryReplayCache()

    init() {
        resolver = DIDResolver(repository: repository, now: clock.provider)
    }

    struct Node {
        var controller: DIDTauController
        var log: VerifiedDIDTauLog
        var did: DID { controller.did }
        var signer: EnvelopeSigner
    }

    func node() async throws -> Node {
        let (controller, log) = try DIDTauController.create(now: clock.now.addingTimeInterval(-3600))
        let verified = try log.verify(now: clock.now)
        try await repository.save(verified, origin: .local)
        return Node(controller: controller, log: verified, signer: signer(controller))
    }

    func signer(_ controller: DIDTauController) -> EnvelopeSigner {
        EnvelopeSigner(did: controller.did, keyID: controller.signingKeyID, key: controller.signingKey, now: clock.provider)
    }

    func rotate(_ node: Node) async throws -> Node {
        let (controller, log) = try node.controller.rotate(node.log, now: clock.now)
        let verified = try log.verify(now: clock.now)
        try await repository.save(verified, origin: .local)
        await resolver.invalidate()
        return Node(controller: controller, log: verified, signer: signer(controller))
    }

    func revoke(_ node: Node) async throws {
        let closed = try node.controller.deactivate(node.log, now: clock.now).verify(now: clock.now)
        try await repository.save(closed, origin: .local)
        await resolver.invalidate()
    }

    /// `plaintext` signed in the form tau-node wrote before it followed the DIDComm v2
    /// example: `kid` in the protected header, no unprotected header.
    func signedWithProtectedKeyID(_ plaintext: PlaintextMessage, keyID: String, key: Ed25519.PrivateKey) -> [UInt8] {
        let header: JSONValue = ["alg": "EdDSA", "kid": .string(keyID), "typ": .string(SignedMessage.mediaType)]
        let protectedHeader = Base64URL.encode(header.canonicalBytes())
        let payload = Base64URL.encode(plaintext.json.canonicalBytes())
        let signature = key.signature(for: Array((protectedHeader + "." + payload).utf8))
        let json: JSONValue = [
            "payload": .string(payload),
            "signatures": [["protected": .string(protectedHeader), "signature": .string(Base64URL.encode(signature))]],
        ]
        return json.canonicalBytes()
    }

    func verifier(policy: EnvelopePolicy = EnvelopePolicy()) -> EnvelopeVerifier {
        EnvelopeVerifier(resolver: resolver, replayCache: replay, policy: policy, now: clock.provider)
    }
}

func reason(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let error as EnvelopeError {
        return error.code
    } catch {
        return "unexpected: \(error)"
    }
}

/// Rebuilds a signed message's JSON with one part changed, keeping everything else.
func tampered(_ message: SignedMessage, _ change: (inout JSONValue) -> Void) -> [UInt8] {
    var json = message.json
    change(&json)
    return json.canonicalBytes()
}
