import CSodium
import TauCore

/// Argon2id key-derivation settings stored alongside a sealed payload.
public struct KDFParameters: Sendable, Equatable {
    /// libsodium `opslimit` (passes).
    public var operations: UInt64
    /// libsodium `memlimit` in bytes.
    public var memoryBytes: Int

    /// libsodium's "interactive" profile (2 passes, 64 MiB): about a tenth of a second.
    public static let interactive = KDFParameters(
        operations: UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE), memoryBytes: Int(crypto_pwhash_MEMLIMIT_INTERACTIVE))
    /// libsodium's "moderate" profile (3 passes, 256 MiB).
    public static let moderate = KDFParameters(
        operations: UInt64(crypto_pwhash_OPSLIMIT_MODERATE), memoryBytes: Int(crypto_pwhash_MEMLIMIT_MODERATE))

    /// Upper bounds accepted when reading a file, so a hostile file cannot demand
    /// unbounded memory or time.
    static let maximumOperations: UInt64 = 16
    static let maximumMemoryBytes = 1 << 30

    public init(operations: UInt64, memoryBytes: Int) {
        self.operations = operations
        self.memoryBytes = memoryBytes
    }
}

/// Password-based authenticated encryption: Argon2id derives a 256-bit key from
/// the passphrase and a random salt; XChaCha20-Poly1305 (IETF) seals the payload.
public struct SealedBox: Sendable, Equatable {
    /// The algorithm name written to files.
    public static let algorithm = "argon2id+xchacha20poly1305"

    public var kdf: KDFParameters
    public var salt: [UInt8]
    public var nonce: [UInt8]
    public var ciphertext: [UInt8]

    public init(kdf: KDFParameters, salt: [UInt8], nonce: [UInt8], ciphertext: [UInt8]) {
        self.kdf = kdf
        self.salt = salt
        self.nonce = nonce
        self.ciphertext = ciphertext
    }

    /// Seals `plaintext` under `passphrase`, binding `associatedData` (e.g. a format tag).
    public static func seal(
        _ plaintext: [UInt8], passphrase: String, associatedData: [UInt8] = [], kdf: KDFParameters = .interactive
    ) throws(CryptoError) -> SealedBox {
        try Sodium.ensureReady()
        let salt = SecureRandom.bytes(Int(crypto_pwhash_SALTBYTES))
        let nonce = SecureRandom.bytes(Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES))
        let key = try deriveKey(passphrase: passphrase, salt: salt, kdf: kdf)
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + Int(crypto_aead_xchacha20poly1305_ietf_ABYTES))
        var ciphertextLength: UInt64 = 0
        let status = crypto_aead_xchacha20poly1305_ietf_encrypt(
            &ciphertext, &ciphertextLength, plaintext, UInt64(plaintext.count),
            associatedData, UInt64(associatedData.count), nil, nonce, key)
        guard status == 0 else { throw CryptoError("seal_failed", "encryption failed", category: .internal) }
        return SealedBox(kdf: kdf, salt: salt, nonce: nonce, ciphertext: Array(ciphertext.prefix(Int(ciphertextLength))))
    }

    /// Opens the box.
    /// - Throws: ``CryptoError`` `wrong_passphrase` when authentication fails (wrong
    ///   passphrase or tampered file — the two cannot be told apart), or
    ///   `sealed_box_invalid` for out-of-range parameters.
    public func open(passphrase: String, associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try Sodium.ensureReady()
        guard salt.count == Int(crypto_pwhash_SALTBYTES),
            nonce.count == Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES),
            ciphertext.count >= Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)
        else { throw CryptoError("sealed_box_invalid", "salt, nonce or ciphertext has the wrong length") }
        let key = try SealedBox.deriveKey(passphrase: passphrase, salt: salt, kdf: kdf)
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        var plaintextLength: UInt64 = 0
        let status = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &plaintext, &plaintextLength, nil, ciphertext, UInt64(ciphertext.count),
            associatedData, UInt64(associatedData.count), nonce, key)
        guard status == 0 else {
            throw CryptoError("wrong_passphrase", "the passphrase is wrong or the sealed data was altered", category: .unauthorized)
        }
        return Array(plaintext.prefix(Int(plaintextLength)))
    }

    private static func deriveKey(passphrase: String, salt: [UInt8], kdf: KDFParameters) throws(CryptoError) -> [UInt8] {
        guard kdf.operations >= UInt64(crypto_pwhash_OPSLIMIT_MIN), kdf.operations <= KDFParameters.maximumOperations,
            kdf.memoryBytes >= Int(crypto_pwhash_MEMLIMIT_MIN), kdf.memoryBytes <= KDFParameters.maximumMemoryBytes
        else { throw CryptoError("sealed_box_invalid", "Argon2id parameters out of the accepted range") }
        var key = [UInt8](repeating: 0, count: Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES))
        let passwordLength = UInt64(passphrase.utf8.count)
        let status = passphrase.withCString { password in
            crypto_pwhash(
                &key, UInt64(key.count), password, passwordLength, salt,
                kdf.operations, kdf.memoryBytes, crypto_pwhash_ALG_ARGON2ID13)
        }
        guard status == 0 else {
            throw CryptoError("kdf_failed", "Argon2id ran out of memory", category: .internal)
        }
        return key
    }
}
