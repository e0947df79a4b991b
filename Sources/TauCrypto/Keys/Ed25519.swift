import CSodium
import TauCore

/// Ed25519 signing keys (RFC 8032) via libsodium.
public enum Ed25519 {
    /// An Ed25519 public key (32 bytes).
    public struct PublicKey: Sendable, Hashable {
        /// The raw 32-byte key.
        public let rawRepresentation: [UInt8]

        /// Wraps a raw 32-byte key.
        /// - Throws: ``CryptoError`` `key_invalid_length`.
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            guard rawRepresentation.count == Int(crypto_sign_PUBLICKEYBYTES) else {
                throw CryptoError("key_invalid_length", "an Ed25519 public key has 32 bytes, not \(rawRepresentation.count)")
            }
            self.rawRepresentation = rawRepresentation
        }

        /// Parses a Multikey `publicKeyMultibase` (`z6Mk…`: base58btc of `0xed01 || key`).
        /// - Throws: ``CryptoError`` `key_invalid_multibase`.
        public init(multibase: String) throws(CryptoError) {
            guard multibase.hasPrefix("z") else {
                throw CryptoError("key_invalid_multibase", "not an Ed25519 Multikey: expected base58btc ('z')")
            }
            let raw: [UInt8]
            do throws(CoreError) {
                raw = try Multicodec.ed25519Public.strip(try Multibase.decode(multibase), expectedLength: 32)
            } catch {
                throw CryptoError("key_invalid_multibase", "not an Ed25519 Multikey: \(error.message)")
            }
            try self.init(rawRepresentation: raw)
        }

        /// The Multikey `publicKeyMultibase` form (`z6Mk…`).
        public var multibase: String {
            Multibase.base58btc(Multicodec.ed25519Public.prefixing(rawRepresentation))
        }

        /// Whether `signature` is a valid Ed25519 signature of `message` by this key.
        public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
            let signatureBytes = Array(signature)
            guard Sodium.ready, signatureBytes.count == Int(crypto_sign_BYTES) else { return false }
            let messageBytes = Array(message)
            return messageBytes.withUnsafeBufferPointer { messageBuffer in
                crypto_sign_verify_detached(
                    signatureBytes, messageBuffer.baseAddress, UInt64(messageBuffer.count), rawRepresentation) == 0
            }
        }

        /// The X25519 key that corresponds to this key (RFC 7748 birational map),
        /// as did:key derives its `keyAgreement` key.
        public func x25519PublicKey() throws(CryptoError) -> X25519.PublicKey {
            var output = [UInt8](repeating: 0, count: Int(crypto_scalarmult_curve25519_BYTES))
            guard Sodium.ready, crypto_sign_ed25519_pk_to_curve25519(&output, rawRepresentation) == 0 else {
                throw CryptoError("key_conversion_failed", "this Ed25519 key has no X25519 counterpart")
            }
            return try X25519.PublicKey(rawRepresentation: output)
        }
    }

    /// An Ed25519 private key, held as its 32-byte seed.
    public struct PrivateKey: Sendable {
        /// The 32-byte seed (RFC 8032 private key).
        public let seed: [UInt8]
        /// The matching public key.
        public let publicKey: PublicKey
        private let expandedSecret: [UInt8]

        /// A new random key.
        public init() throws(CryptoError) {
            try self.init(seed: SecureRandom.bytes(Int(crypto_sign_SEEDBYTES)))
        }

        /// The key with this 32-byte seed.
        /// - Throws: ``CryptoError`` `key_invalid_length`.
        public init(seed: [UInt8]) throws(CryptoError) {
            try Sodium.ensureReady()
            guard seed.count == Int(crypto_sign_SEEDBYTES) else {
                throw CryptoError("key_invalid_length", "an Ed25519 seed has 32 bytes, not \(seed.count)")
            }
            var publicBytes = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
            var secretBytes = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
            guard crypto_sign_seed_keypair(&publicBytes, &secretBytes, seed) == 0 else {
                throw CryptoError("key_generation_failed", "libsodium could not derive the key pair", category: .internal)
            }
            self.seed = seed
            self.expandedSecret = secretBytes
            self.publicKey = try PublicKey(rawRepresentation: publicBytes)
        }

        /// Parses a Multikey `secretKeyMultibase` (base58btc of `0x8026 || seed`).
        public init(multibase: String) throws(CryptoError) {
            let seed: [UInt8]
            do throws(CoreError) {
                seed = try Multicodec.ed25519Private.strip(try Multibase.decode(multibase), expectedLength: 32)
            } catch {
                throw CryptoError("key_invalid_multibase", "not an Ed25519 secret Multikey: \(error.message)")
            }
            try self.init(seed: seed)
        }

        /// The Multikey `secretKeyMultibase` form.
        public var multibase: String {
            Multibase.base58btc(Multicodec.ed25519Private.prefixing(seed))
        }

        /// A detached 64-byte Ed25519 signature of `message`.
        public func signature(for message: some Collection<UInt8>) -> [UInt8] {
            var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
            let messageBytes = Array(message)
            _ = messageBytes.withUnsafeBufferPointer { messageBuffer in
                crypto_sign_detached(&signature, nil, messageBuffer.baseAddress, UInt64(messageBuffer.count), expandedSecret)
            }
            return signature
        }
    }
}
