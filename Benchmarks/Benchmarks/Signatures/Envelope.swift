import Benchmark
import Foundation
import TauCore
import TauCrypto
import TauEnvelope
import TauIdentity
import TauTesting

/// Messages signed ahead of the run, one per iteration, so that the replay check passes.
struct EnvelopeFixture: Sendable {
    enum Sender: String, Sendable {
        /// did:key: the document is derived from the DID itself.
        case didKey = "did:key"
        /// did:tau: the document comes from a verified log held in the repository (the
        /// resolver's cache after the first resolution).
        case didTau = "did:tau"
    }

    /// Warm-up plus the most iterations a benchmark makes.
    static let messageCount = 20_000 + 100

    let recipient: DID
    let verifier: EnvelopeVerifier
    let messages: [[UInt8]]
    let signingInputs: [[UInt8]]
    let signatures: [[UInt8]]
    let key: Ed25519.PublicKey
    let counter = Counter()

    static func make(_ sender: Sender) async throws -> EnvelopeFixture {
        let recipient = DIDKey.did(for: try Ed25519.PrivateKey().publicKey)
        let signer: EnvelopeSigner
        let resolver: DIDResolver
        switch sender {
        case .didKey:
            let key = try Ed25519.PrivateKey()
            let did = DIDKey.did(for: key.publicKey)
            let keyID = try DIDKey.document(for: did).authentication[0].id
            signer = EnvelopeSigner(did: did, keyID: keyID, key: key)
            resolver = DIDResolver(repository: nil)
        case .didTau:
            let (controller, log) = try DIDTauController.create()
            let logs = InMemoryDIDLogRepository()
            try await logs.save(try log.verify(), origin: .local)
            signer = EnvelopeSigner(did: controller.did, keyID: controller.signingKeyID, key: controller.signingKey)
            resolver = DIDResolver(repository: logs)
        }
        // A mesh-sized body: a gossip list of a few peers is about this large.
        let body: JSONValue = [
            "note": "benchmark", "peers": .array((0..<4).map { index -> JSONValue in
                ["did": .string("did:key:z6MkPeer\(index)"), "endpoints": [.string("https://peer\(index).example:7420")], "capabilities": ["mesh/1"]]
            }),
        ]
        var messages: [[UInt8]] = []
        var inputs: [[UInt8]] = []
        var signatures: [[UInt8]] = []
        messages.reserveCapacity(messageCount)
        for _ in 0..<messageCount {
            let message = signer.sign(type: "bench/open", body: body, to: [recipient])
            let (input, signature) = try Self.detached(message.json)
            messages.append(message.bytes)
            inputs.append(input)
            signatures.append(signature)
        }
        guard let method = try await resolver.resolve(signer.did).document?.authentication.first else { throw FixtureError("the sender does not resolve") }
        return EnvelopeFixture(
            recipient: recipient, verifier: EnvelopeVerifier(resolver: resolver, replayCache: InMemoryReplayCache()), messages: messages,
            signingInputs: inputs, signatures: signatures, key: try method.ed25519PublicKey())
    }

    /// The JWS signing input and the signature of a serialized message, read from its JSON
    /// as any JWS verifier would: `protected || '.' || payload`.
    static func detached(_ json: JSONValue) throws -> ([UInt8], [UInt8]) {
        guard let entry = json["signatures"]?.arrayValue?.first, let protected = entry["protected"]?.stringValue,
            let payload = json["payload"]?.stringValue, let signature = entry["signature"]?.stringValue.flatMap(Base64URL.decode)
        else { throw FixtureError("a signed message without its parts") }
        return (Array((protected + "." + payload).utf8), signature)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func envelopeBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 100,
        maxDuration: .seconds(5), maxIterations: 20_000)

    for sender in [EnvelopeFixture.Sender.didKey, .didTau] {
        // Open: what the inbox does with every message before a handler sees it.
        Benchmark(
            "envelope open (parse+verify+replay), \(sender.rawValue) sender", configuration: configuration,
            closure: { (benchmark: Benchmark, fixture: EnvelopeFixture) in
                let index = fixture.counter.next()
                guard index < fixture.messages.count else { return benchmark.error("more iterations than messages signed") }
                let bytes = fixture.messages[index]
                benchmark.startMeasurement()
                do {
                    blackHole(try await fixture.verifier.verify(bytes, recipient: fixture.recipient))
                } catch {
                    benchmark.error("message \(index) was refused: \(error)")
                }
                benchmark.stopMeasurement()
            }, setup: { try await EnvelopeFixture.make(sender) })
    }

    // The floor: libsodium's crypto_sign_verify_detached (TauCrypto's isValidSignature) on
    // the same signing inputs and signatures, nothing else.
    Benchmark(
        "ed25519 verify (crypto_sign_verify_detached), same bytes", configuration: configuration,
        closure: { (benchmark: Benchmark, fixture: EnvelopeFixture) in
            let index = fixture.counter.next() % fixture.messages.count
            let input = fixture.signingInputs[index]
            let signature = fixture.signatures[index]
            benchmark.startMeasurement()
            let valid = fixture.key.isValidSignature(signature, for: input)
            benchmark.stopMeasurement()
            if !valid { benchmark.error("signature \(index) does not verify") }
        }, setup: { try await EnvelopeFixture.make(.didKey) })

    // One part of the open on its own: JSON, base64url and the plaintext's fields.
    Benchmark(
        "envelope parse only", configuration: configuration,
        closure: { (benchmark: Benchmark, fixture: EnvelopeFixture) in
            let bytes = fixture.messages[fixture.counter.next() % fixture.messages.count]
            benchmark.startMeasurement()
            do {
                blackHole(try SignedMessage(bytes: bytes))
            } catch {
                benchmark.error("parse failed: \(error)")
            }
            benchmark.stopMeasurement()
        }, setup: { try await EnvelopeFixture.make(.didKey) })
}
