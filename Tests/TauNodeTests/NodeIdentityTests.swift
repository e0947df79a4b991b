import Foundation
import TauCore
import TauCrypto
import TauIdentity
import TauTesting
import Testing

@testable import TauNode

struct NodeIdentityTests {
    func withNode(_ body: (NodeIdentity, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let context = try await NodeContext.open(NodeHome(path: directory.appending("home")))
        try await body(NodeIdentity(context: context), directory)
    }

    func code(_ body: () async throws -> Void) async -> String? { await thrownCode(body) }

    @Test func createWritesKeystoreConfigAndLog() async throws {
        try await withNode { identity, _ in
            let log = try await identity.create(name: "alpha", publicURL: "http://127.0.0.1:1234", passphrase: "pw")
            let home = identity.context.home
            let attributes = try FileManager.default.attributesOfItem(atPath: home.keystorePath)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(try Keystore.read(from: home.keystorePath).publicLabels["did"] == log.did.description)
            #expect(try NodeConfiguration.load(from: home.configPath).node?.name == "alpha")
            #expect(try await identity.context.localDID() == log.did)
            #expect(log.head.document.service(ofType: "TauMesh")?.endpointURL == "http://127.0.0.1:1234")
            #expect(await code { _ = try await identity.create(name: "again", publicURL: nil, passphrase: "pw") } == "identity_exists")
        }
    }

    @Test func rotateRevokeAndWrongPassphrase() async throws {
        try await withNode { identity, _ in
            let created = try await identity.create(name: "n", publicURL: nil, passphrase: "pw")
            let keystoreBefore = FileManager.default.contents(atPath: identity.context.home.keystorePath)
            #expect(await code { _ = try await identity.rotate(passphrase: "bad") } == "wrong_passphrase")
            #expect(FileManager.default.contents(atPath: identity.context.home.keystorePath) == keystoreBefore)
            #expect(try await identity.context.localLog().head.number == 1)
            let rotated = try await identity.rotate(passphrase: "pw")
            #expect(rotated.did == created.did)
            #expect(rotated.head.number == 2)
            let signature = try await identity.sign(Array("hello".utf8), passphrase: "pw")
            #expect(signature.keyID == "\(created.did)#sig-2")
            let revoked = try await identity.revoke(passphrase: "pw")
            #expect(revoked.isDeactivated)
            #expect(await code { _ = try await identity.rotate(passphrase: "pw") } == "did_deactivated")
            #expect(await code { _ = try await identity.revoke(passphrase: "pw") } == "did_deactivated")
        }
    }

    @Test func signaturesCheckAgainstCurrentAndHistoricalVersions() async throws {
        try await withNode { identity, _ in
            let created = try await identity.create(name: "n", publicURL: nil, passphrase: "pw")
            let message = Array("contract".utf8)
            let old = try await identity.sign(message, passphrase: "pw")
            let check = SignatureCheck(resolver: identity.context.resolver)
            #expect(try await check.verify(old.signature, of: message, by: created.did).keyID == "\(created.did)#sig-1")
            _ = try await identity.rotate(passphrase: "pw")
            #expect(await code { _ = try await check.verify(old.signature, of: message, by: created.did) } == "signature_key_not_current")
            #expect(try await check.verify(old.signature, of: message, by: created.did, at: .versionId("1")).versionId == old.versionId)
            #expect(await code { _ = try await check.verify(old.signature, of: Array("other".utf8), by: created.did, at: .versionId("1")) } == "signature_invalid")
            _ = try await identity.revoke(passphrase: "pw")
            #expect(await code { _ = try await check.verify(old.signature, of: message, by: created.did) } == "did_deactivated")
            #expect(try await check.verify(old.signature, of: message, by: created.did, at: .versionId("1")).deactivated)
            // Neither the deactivating version nor a time after it accepts anything.
            #expect(await code { _ = try await check.verify(old.signature, of: message, by: created.did, at: .versionId("3")) } == "did_deactivated")
            #expect(await code { _ = try await check.verify(old.signature, of: message, by: created.did, at: .versionTime(Date().addingTimeInterval(60))) } == "did_deactivated")
        }
    }

    /// A crash between the keystore write and the log write, or after the log write
    /// but before the keystore is finalised, must leave a node that still works.
    @Test func interruptedRotationRecoversEitherWay() async throws {
        try await withNode { identity, _ in
            let created = try await identity.create(name: "n", publicURL: nil, passphrase: "pw")
            let home = identity.context.home
            let keys = try NodeKeys(secrets: try Keystore.read(from: home.keystorePath).open(passphrase: "pw"))
            let (next, _) = try keys.current.rotate(created)
            // Crash after writing {current, pending} but before saving the log.
            try Keystore.sealing(NodeKeys(current: keys.current, pending: next), passphrase: "pw").write(to: home.keystorePath)
            #expect(try await identity.unlock(passphrase: "pw") == created.did)
            #expect(try await identity.rotate(passphrase: "pw").head.number == 2)
        }
        try await withNode { identity, _ in
            let created = try await identity.create(name: "n", publicURL: nil, passphrase: "pw")
            let home = identity.context.home
            let keys = try NodeKeys(secrets: try Keystore.read(from: home.keystorePath).open(passphrase: "pw"))
            let (next, newLog) = try keys.current.rotate(created)
            // Crash after saving the log but before the keystore drops the old controller.
            try Keystore.sealing(NodeKeys(current: keys.current, pending: next), passphrase: "pw").write(to: home.keystorePath)
            try await identity.context.logs.save(try newLog.verify(), origin: .local)
            let signature = try await identity.sign([1], passphrase: "pw")
            #expect(signature.keyID == "\(created.did)#sig-2")
            #expect(try await identity.rotate(passphrase: "pw").head.number == 3)
        }
    }

    @Test func rotationPublishesTheConfiguredPublicURL() async throws {
        try await withNode { identity, directory in
            let created = try await identity.create(name: "n", publicURL: "http://127.0.0.1:1", passphrase: "pw")
            #expect(created.head.document.service(ofType: "TauMesh")?.endpointURL == "http://127.0.0.1:1")
            try AtomicFile.write("[node]\npublic_url = \"https://node.example.org\"\n", to: identity.context.home.configPath)
            let reopened = NodeIdentity(context: try await NodeContext.open(identity.context.home))
            let rotated = try await reopened.rotate(passphrase: "pw")
            #expect(rotated.head.document.service(ofType: "TauMesh")?.endpointURL == "https://node.example.org")
            #expect(rotated.head.document.services.count == 1)
        }
    }

    @Test func identityCommandsDoNotCreateAHome() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = NodeHome(path: directory.appending("typo"))
        await #expect(throws: NodeError.self) { try await NodeContext.open(home, mustExist: true) }
        #expect(!FileManager.default.fileExists(atPath: home.path))
    }

    @Test func backupAndRestore() async throws {
        try await withNode { identity, directory in
            let created = try await identity.create(name: "n", publicURL: nil, passphrase: "pw")
            _ = try await identity.rotate(passphrase: "pw")
            let logFile = directory.appending("did-log.jsonl")
            try AtomicFile.write(try await identity.context.localLog().log.jsonLines, to: logFile)
            let restoredContext = try await NodeContext.open(NodeHome(path: directory.appending("restored")))
            let restored = NodeIdentity(context: restoredContext)
            #expect(await code { _ = try await restored.restore(keystoreFile: identity.context.home.keystorePath, logFile: logFile, passphrase: "bad") } == "wrong_passphrase")
            #expect(!restoredContext.home.hasKeystore)
            let log = try await restored.restore(keystoreFile: identity.context.home.keystorePath, logFile: logFile, passphrase: "pw")
            #expect(log.did == created.did)
            #expect(try await restored.rotate(passphrase: "pw").head.number == 3)
        }
    }

    @Test func restoreRejectsAStaleLog() async throws {
        try await withNode { identity, directory in
            let created = try await identity.create(name: "n", publicURL: nil, passphrase: "pw")
            let staleLog = directory.appending("stale.jsonl")
            try AtomicFile.write(created.log.jsonLines, to: staleLog)
            _ = try await identity.rotate(passphrase: "pw")
            let restored = NodeIdentity(context: try await NodeContext.open(NodeHome(path: directory.appending("restored"))))
            #expect(await code { _ = try await restored.restore(keystoreFile: identity.context.home.keystorePath, logFile: staleLog, passphrase: "pw") } == "keystore_log_mismatch")
        }
    }
}
