import Foundation
import Subprocess
import SystemPackage
import TauCore
import TauTesting
import Testing

@testable import TauEnvelope

/// A message the node produced must verify with an independent JWS implementation
/// (Python jwcrypto, installed by scripts/install-deps.sh for tests only).
struct JWSInteropTests {
    static let script = """
        import json, sys
        from jwcrypto import jwk, jws
        message = open(sys.argv[1]).read()
        key = jwk.JWK(**json.load(open(sys.argv[2])))
        token = jws.JWS()
        token.deserialize(message)
        token.verify(key)
        payload = json.loads(token.payload)
        header = token.jose_header
        if isinstance(header, list):
            header = header[0]
        print(json.dumps({"alg": header["alg"], "kid": header["kid"], "from": payload["from"], "body": payload["body"]}))
        """

    @Test func jwcryptoVerifiesANodeMessage() async throws {
        let fixture = EnvelopeFixture()
        let alice = try await fixture.node()
        let message = alice.signer.sign(type: "https://tau-node.dev/kamn/1/peer/hello", body: ["hello": "jose"], to: [alice.did])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let jwkJSON: JSONValue = [
            "kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(alice.controller.signingKey.publicKey.rawRepresentation)),
        ]
        try AtomicFile.write(message.json.canonicalString(), to: directory.appending("message.json"))
        try AtomicFile.write(jwkJSON.canonicalString(), to: directory.appending("key.json"))
        try AtomicFile.write(Self.script, to: directory.appending("check.py"))
        let result = try await Subprocess.run(
            .name("python3"), arguments: [directory.appending("check.py"), directory.appending("message.json"), directory.appending("key.json")],
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        #expect(result.terminationStatus.isSuccess, "\(result.standardError)")
        let output = try JSONValue(parsing: result.standardOutput)
        #expect(output["alg"] == "EdDSA")
        #expect(output["kid"]?.stringValue == alice.controller.signingKeyID)
        #expect(output["from"]?.stringValue == alice.did.description)
        #expect(output["body"] == ["hello": "jose"])

        // And jwcrypto must refuse the same message with a flipped payload byte.
        var forged = message.json
        var payload = message.payload
        payload[payload.count - 3] ^= 0x01
        forged["payload"] = .string(Base64URL.encode(payload))
        try AtomicFile.write(forged.canonicalString(), to: directory.appending("message.json"))
        let refused = try await Subprocess.run(
            .name("python3"), arguments: [directory.appending("check.py"), directory.appending("message.json"), directory.appending("key.json")],
            output: .discarded, error: .discarded)
        #expect(!refused.terminationStatus.isSuccess)
    }
}
