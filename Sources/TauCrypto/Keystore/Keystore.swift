import Foundation
import TauCore

/// A keystore file: a JSON document whose secret payload is sealed with
/// ``SealedBox`` and whose public header (format, KDF settings, public labels
/// such as the DID) is bound to the ciphertext as associated data, so that
/// editing the header is detected like editing the ciphertext.
///
/// Files are written atomically with mode 0600.
public struct Keystore: Sendable {
    /// The format tag written to every file.
    public static let format = "tau-keystore"
    /// The only version this build reads and writes.
    public static let version = 1

    /// Public, unencrypted labels (e.g. `did`), readable without the passphrase.
    public let publicLabels: [String: String]
    let box: SealedBox

    /// The Argon2id settings the file was sealed with (kept when re-sealing).
    public var kdf: KDFParameters { box.kdf }

    /// Seals `secrets` under `passphrase`.
    public static func seal(
        secrets: JSONValue, publicLabels: [String: String], passphrase: String, kdf: KDFParameters = .interactive
    ) throws(CryptoError) -> Keystore {
        guard !passphrase.isEmpty else { throw CryptoError("passphrase_empty", "the passphrase must not be empty") }
        let header = Keystore.header(publicLabels: publicLabels, kdf: kdf)
        let box = try SealedBox.seal(
            secrets.canonicalBytes(), passphrase: passphrase, associatedData: header.canonicalBytes(), kdf: kdf)
        return Keystore(publicLabels: publicLabels, box: box)
    }

    /// Decrypts the secrets.
    /// - Throws: ``CryptoError`` `wrong_passphrase` (also for a tampered file) or `keystore_malformed`.
    public func open(passphrase: String) throws(CryptoError) -> JSONValue {
        let header = Keystore.header(publicLabels: publicLabels, kdf: box.kdf)
        let plaintext = try box.open(passphrase: passphrase, associatedData: header.canonicalBytes())
        do {
            return try JSONValue(parsing: plaintext)
        } catch {
            throw CryptoError("keystore_malformed", "the decrypted keystore is not JSON")
        }
    }

    /// The file contents.
    public func serialized() -> JSONValue {
        var document = Keystore.header(publicLabels: publicLabels, kdf: box.kdf)
        document["salt"] = .string(Base64.encode(box.salt))
        document["nonce"] = .string(Base64.encode(box.nonce))
        document["ciphertext"] = .string(Base64.encode(box.ciphertext))
        return document
    }

    /// Parses file contents.
    /// - Throws: ``CryptoError`` `keystore_malformed` or `keystore_unsupported_version`.
    public init(serialized document: JSONValue) throws(CryptoError) {
        func malformed(_ what: String) -> CryptoError { CryptoError("keystore_malformed", "keystore file: \(what)") }
        guard document["format"]?.stringValue == Keystore.format else { throw malformed("not a tau-node keystore") }
        guard document["version"]?.intValue == Keystore.version else {
            throw CryptoError("keystore_unsupported_version", "keystore version \(document["version"]?.description ?? "?") is not supported")
        }
        guard document["algorithm"]?.stringValue == SealedBox.algorithm else { throw malformed("unknown algorithm") }
        guard let operations = document["kdf"]?["opslimit"]?.intValue, operations > 0,
            let memory = document["kdf"]?["memlimit"]?.intValue, memory > 0
        else { throw malformed("missing KDF parameters") }
        guard let salt = document["salt"]?.stringValue.flatMap(Base64.decode),
            let nonce = document["nonce"]?.stringValue.flatMap(Base64.decode),
            let ciphertext = document["ciphertext"]?.stringValue.flatMap(Base64.decode)
        else { throw malformed("salt, nonce or ciphertext missing or not base64") }
        var labels: [String: String] = [:]
        for (name, value) in document["public"]?.objectValue ?? [:] {
            guard let text = value.stringValue else { throw malformed("public labels must be strings") }
            labels[name] = text
        }
        self.publicLabels = labels
        self.box = SealedBox(
            kdf: KDFParameters(operations: UInt64(operations), memoryBytes: memory), salt: salt, nonce: nonce,
            ciphertext: ciphertext)
    }

    private init(publicLabels: [String: String], box: SealedBox) {
        self.publicLabels = publicLabels
        self.box = box
    }

    private static func header(publicLabels: [String: String], kdf: KDFParameters) -> JSONValue {
        [
            "format": .string(format),
            "version": .number(Double(version)),
            "algorithm": .string(SealedBox.algorithm),
            "kdf": ["name": "argon2id", "opslimit": .number(Double(kdf.operations)), "memlimit": .number(Double(kdf.memoryBytes))],
            "public": .object(publicLabels.mapValues { .string($0) }),
        ]
    }
}

extension Keystore {
    /// Reads and parses a keystore file.
    /// - Throws: ``CryptoError`` `keystore_not_found`, `keystore_malformed`.
    public static func read(from path: String) throws(CryptoError) -> Keystore {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CryptoError("keystore_not_found", "no keystore at \(path)", category: .notFound)
        }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: Array(data))
        } catch {
            throw CryptoError("keystore_malformed", "\(path) is not valid JSON: \(error.message)")
        }
        return try Keystore(serialized: document)
    }

    /// Writes the keystore atomically with mode 0600.
    public func write(to path: String) throws(CryptoError) {
        do {
            try AtomicFile.write(serialized().prettyString() + "\n", to: path, mode: 0o600)
        } catch {
            throw CryptoError("keystore_write_failed", error.message, category: .internal)
        }
    }
}
