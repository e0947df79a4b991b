import Foundation
import TauCore
import TauTesting
import Testing

@testable import TauCrypto

struct KeystoreTests {
    @Test func sealedBoxRoundTripAndWrongPassphrase() throws {
        let box = try SealedBox.seal(Array("secret".utf8), passphrase: "correct horse", associatedData: [1])
        #expect(try box.open(passphrase: "correct horse", associatedData: [1]) == Array("secret".utf8))
        #expect(throws: CryptoError("wrong_passphrase", "the passphrase is wrong or the sealed data was altered", category: .unauthorized)) {
            try box.open(passphrase: "wrong", associatedData: [1])
        }
        #expect(throws: CryptoError.self) { try box.open(passphrase: "correct horse", associatedData: [2]) }
        var tampered = box
        tampered.ciphertext[0] ^= 1
        #expect(throws: CryptoError.self) { try tampered.open(passphrase: "correct horse", associatedData: [1]) }
    }

    /// Each bound on its own, just past it and just inside it: out of range is refused with
    /// its code before Argon2id runs; in range goes on to the passphrase check.
    @Test func rejectsHostileKDFParameters() throws {
        let box = try SealedBox.seal([1], passphrase: "p", kdf: .interactive)
        func code(operations: UInt64, memory: Int) -> String? {
            var edited = box
            edited.kdf = KDFParameters(operations: operations, memoryBytes: memory)
            do { _ = try edited.open(passphrase: "p"); return nil } catch { return error.code }
        }
        let memory = KDFParameters.interactive.memoryBytes
        let operations = KDFParameters.interactive.operations
        #expect(code(operations: KDFParameters.maximumOperations + 1, memory: memory) == "sealed_box_invalid")
        #expect(code(operations: 0, memory: memory) == "sealed_box_invalid")
        #expect(code(operations: operations, memory: KDFParameters.maximumMemoryBytes + 1) == "sealed_box_invalid")
        #expect(code(operations: operations, memory: 1024) == "sealed_box_invalid")
        #expect(code(operations: 1000, memory: 1 << 40) == "sealed_box_invalid")
        // Inside the range the KDF runs, and the (changed) key no longer opens the box.
        #expect(code(operations: operations + 1, memory: memory) == "wrong_passphrase")
        #expect(code(operations: operations, memory: memory) == nil)
    }

    @Test func keystoreFileIsPrivateAndAtomic() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("keystore.json")
        let keystore = try Keystore.seal(secrets: ["k": "v"], publicLabels: ["did": "did:key:z6Mk"], passphrase: "pw")
        try keystore.write(to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let read = try Keystore.read(from: path)
        #expect(read.publicLabels == ["did": "did:key:z6Mk"])
        #expect(try read.open(passphrase: "pw") == ["k": "v"])
    }

    /// Opening reads only. The write paths (rotate, change-passphrase) are checked end to
    /// end in CLITests.wrongOrMissingPassphraseChangesNothing: bytes, inode and time.
    @Test func openingWithAWrongPassphraseOnlyReads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("keystore.json")
        try Keystore.seal(secrets: ["k": "v"], publicLabels: [:], passphrase: "pw").write(to: path)
        let before = FileManager.default.contents(atPath: path)
        #expect(throws: CryptoError.self) { try Keystore.read(from: path).open(passphrase: "nope") }
        #expect(FileManager.default.contents(atPath: path) == before)
    }

    @Test func editedPublicHeaderIsDetected() throws {
        let keystore = try Keystore.seal(secrets: ["k": "v"], publicLabels: ["did": "did:a"], passphrase: "pw")
        var document = keystore.serialized()
        document["public"] = ["did": "did:b"]
        let edited = try Keystore(serialized: document)
        #expect(throws: CryptoError.self) { try edited.open(passphrase: "pw") }
    }

    @Test func malformedFilesHaveReasonCodes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("keystore.json")
        func code(_ text: String) -> String? {
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            do { _ = try Keystore.read(from: path); return nil } catch { return error.code }
        }
        #expect(code("{not json") == "keystore_malformed")
        #expect(code(#"{"format":"other"}"#) == "keystore_malformed")
        #expect(code(#"{"format":"tau-keystore","version":9}"#) == "keystore_unsupported_version")
        #expect(throws: CryptoError.self) { try Keystore.read(from: directory.appending("missing.json")) }
        #expect(throws: CryptoError.self) { try Keystore.seal(secrets: [:], publicLabels: [:], passphrase: "") }
    }

    @Test func passphraseSources() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.appending("pass")
        _ = FileManager.default.createFile(atPath: file, contents: Data("from-file\n".utf8), attributes: [.posixPermissions: 0o644])
        // Readable by others: refused with its own code, whatever else is set.
        do {
            _ = try PassphraseSource(file: file, environment: ["TAU_PASSPHRASE": "env"]).obtain()
            Issue.record("a world-readable passphrase file was used")
        } catch {
            #expect(error.code == "passphrase_file_insecure")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        #expect(try PassphraseSource(file: file, environment: ["TAU_PASSPHRASE": "env"]).obtain() == "from-file")
        #expect(try PassphraseSource(environment: ["TAU_PASSPHRASE": "env"]).obtain() == "env")
        #expect(throws: CryptoError.self) { try PassphraseSource(environment: [:], allowPrompt: false).obtain() }
        #expect(throws: CryptoError.self) { try PassphraseSource(environment: ["TAU_PASSPHRASE": ""]).obtain() }
        #expect(throws: CryptoError.self) { try PassphraseSource(file: directory.appending("none")).obtain() }
    }
}
