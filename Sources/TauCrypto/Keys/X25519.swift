import CSodium
import TauCore

/// X25519 key agreement keys (RFC 7748) via libsodium.
public enum X25519 {
    /// An X25519 public key (32 bytes).
    public struct PublicKey: Sendable, Hashable {
        /// The raw 32-byte key.
        public let rawRepresentation: [UInt8]

        /// Wraps a raw 32-byte key.
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            guard rawRepresentation.count == Int(crypto_scalarmult_curve25519_BYTES) else {
                throw CryptoError("key_invalid_length", "an X25519 public key has 32 bytes, not \(rawRepresentation.count)")
            }
            self.rawRepresentation = rawRepresentation
        }

        /// Parses a Multikey `publicKeyMultibase` (`z6LS…`: base58btc of `0xec01 || key`).
        public init(multibase: String) throws(CryptoError) {
            guard multibase.hasPrefix("z") else {
                throw CryptoError("key_invalid_multibase", "not an X25519 Multikey: expected base58btc ('z')")
            }
            let raw: [UInt8]
            do throws(CoreError) {
                raw = try Multicodec.x25519Public.strip(try Multibase.decode(multibase), expectedLength: 32)
            } catch {
                throw CryptoError("key_invalid_multibase", "not an X25519 Multikey: \(error.message)")
            }
            try self.init(rawRepresentation: raw)
        }

        /// The Multikey `publicKeyMultibase` form (`z6LS…`).
        public var multibase: String {
            Multibase.base58btc(Multicodec.x25519Public.prefixing(rawRepresentation))
        }
    }

    /// An X25519 private key.
    public struct PrivateKey: Sendable {
        /// The raw 32-byte scalar.
        public let rawRepresentation: [UInt8]
        /// The matching public key.
        public let publicKey: PublicKey

        /// A new random key.
        public init() throws(CryptoError) {
            try self.init(rawRepresentation: SecureRandom.bytes(Int(crypto_scalarmult_curve25519_SCALARBYTES)))
        }

        /// The key with this 32-byte scalar.
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            try Sodium.ensureReady()
            guard rawRepresentation.count == Int(crypto_scalarmult_curve25519_SCALARBYTES) else {
                throw CryptoError("key_invalid_length", "an X25519 private key has 32 bytes, not \(rawRepresentation.count)")
            }
            var publicBytes = [UInt8](repeating: 0, count: Int(crypto_scalarmult_curve25519_BYTES))
            guard crypto_scalarmult_base(&publicBytes, rawRepresentation) == 0 else {
                throw CryptoError("key_generation_failed", "libsodium could not derive the public key", category: .internal)
            }
            self.rawRepresentation = rawRepresentation
            self.publicKey = try PublicKey(rawRepresentation: publicBytes)
        }

        /// The raw X25519 shared secret with `peer` (hash it before use as a key).
        /// - Throws: ``CryptoError`` `key_agreement_failed` for low-order peer keys.
        public func sharedSecret(with peer: PublicKey) throws(CryptoError) -> [UInt8] {
            var output = [UInt8](repeating: 0, count: Int(crypto_scalarmult_curve25519_BYTES))
            guard crypto_scalarmult(&output, rawRepresentation, peer.rawRepresentation) == 0 else {
                throw CryptoError("key_agreement_failed", "the peer key is of low order")
            }
            return output
        }
    }
}
