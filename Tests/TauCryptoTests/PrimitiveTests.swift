import Testing
import TauCore

@testable import TauCrypto

struct PrimitiveTests {
    /// RFC 8032 section 7.1, TEST 1 and TEST 2.
    @Test func ed25519RFC8032Vectors() throws {
        let vectors: [(seed: String, publicKey: String, message: String, signature: String)] = [
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            ),
            (
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
            ),
        ]
        for vector in vectors {
            let key = try Ed25519.PrivateKey(seed: try #require(Hex.decode(vector.seed)))
            #expect(Hex.encode(key.publicKey.rawRepresentation) == vector.publicKey)
            let message = try #require(Hex.decode(vector.message))
            let signature = key.signature(for: message)
            #expect(Hex.encode(signature) == vector.signature)
            #expect(key.publicKey.isValidSignature(signature, for: message))
            var forged = signature
            forged[0] ^= 1
            #expect(!key.publicKey.isValidSignature(forged, for: message))
            #expect(!key.publicKey.isValidSignature(signature, for: message + [0]))
            #expect(!key.publicKey.isValidSignature(Array(signature.prefix(63)), for: message))
        }
    }

    /// RFC 7748 section 6.1.
    @Test func x25519RFC7748Vector() throws {
        let alice = try X25519.PrivateKey(rawRepresentation: try #require(Hex.decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")))
        let bob = try X25519.PrivateKey(rawRepresentation: try #require(Hex.decode("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")))
        #expect(Hex.encode(alice.publicKey.rawRepresentation) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        #expect(Hex.encode(try alice.sharedSecret(with: bob.publicKey)) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        #expect(try bob.sharedSecret(with: alice.publicKey) == alice.sharedSecret(with: bob.publicKey))
        #expect(throws: CryptoError.self) { try alice.sharedSecret(with: X25519.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32))) }
    }

    @Test func sha256KnownAnswers() {
        #expect(Hex.encode(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.multihash([]).prefix(2) == [0x12, 0x20])
    }

    @Test func multikeyRoundTrips() throws {
        let key = try Ed25519.PrivateKey()
        #expect(key.publicKey.multibase.hasPrefix("z6Mk"))
        #expect(try Ed25519.PublicKey(multibase: key.publicKey.multibase) == key.publicKey)
        #expect(try Ed25519.PrivateKey(multibase: key.multibase).seed == key.seed)
        #expect(throws: CryptoError.self) { try Ed25519.PublicKey(multibase: "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc") }
        #expect(throws: CryptoError.self) { try Ed25519.PublicKey(multibase: "not-a-key") }
        #expect(throws: CryptoError.self) { try Ed25519.PrivateKey(seed: [1, 2, 3]) }
        let agreement = try X25519.PrivateKey()
        #expect(agreement.publicKey.multibase.hasPrefix("z6LS"))
        #expect(try X25519.PublicKey(multibase: agreement.publicKey.multibase) == agreement.publicKey)
    }

    @Test func randomBytesDiffer() {
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
        #expect(SecureRandom.bytes(0).isEmpty)
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
    }
}
