import Foundation
import TauCore
import TauTesting
import Testing

/// The built `tau-node` binary, run in temporary homes the way an operator runs it.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct CLITests {
    static let passphrase = "integration passphrase"

    func tau(_ arguments: [String], passphrase: String? = CLITests.passphrase, input: String? = nil) async throws -> TauNodeProcess.Result {
        try await TauNodeProcess.run(arguments, passphrase: passphrase, input: input)
    }

    func json(_ result: TauNodeProcess.Result) throws -> JSONValue {
        try JSONValue(parsing: result.standardOutput)
    }

    @Test func helpReadsLikeARealTool() async throws {
        let help = try await tau(["--help"])
        #expect(help.exitCode == 0)
        for word in ["init", "id", "serve", "--version", "TAU_HOME"] {
            #expect(help.standardOutput.contains(word), "\(word)")
        }
        let idHelp = try await tau(["id", "--help"])
        for word in ["show", "rotate", "revoke", "resolve", "sign", "verify", "export-log", "change-passphrase"] {
            #expect(idHelp.standardOutput.contains(word), "\(word)")
        }
        #expect(try await tau(["--version"]).standardOutput.hasPrefix("0."))
        #expect(try await tau(["frobnicate"]).exitCode == 64)
    }

    @Test func identityLifecycle() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")

        let created = try await tau(["init", "--home", home, "--name", "alpha", "--json"])
        #expect(created.exitCode == 0, "\(created.standardError)")
        let did = try #require(try json(created)["did"]?.stringValue)
        #expect(did.hasPrefix("did:tau:Qm"))
        #expect(try await tau(["init", "--home", home]).exitCode == 73)
        #expect(try await tau(["init", "--home", directory.appending("other"), "--public-url", "ftp://x"]).exitCode == 64)

        let shown = try await tau(["id", "show", "--home", home])
        #expect(shown.standardOutput.contains(did))
        #expect(shown.standardOutput.contains("alpha"))
        #expect(shown.standardOutput.contains("active"))
        let shownJSON = try json(try await tau(["id", "show", "--home", home, "--json"]))
        #expect(shownJSON["versionId"]?.stringValue?.hasPrefix("1-") == true)
        #expect(shownJSON["deactivated"] == false)

        // Sign with version 1, rotate, and check both ways.
        let file = directory.appending("message.txt")
        try AtomicFile.write("pay 10 credits to did:tau:QmBob\n", to: file)
        let signed = try json(try await tau(["id", "sign", file, "--home", home, "--json"]))
        let signature = try #require(signed["signature"]?.stringValue)
        #expect(signed["kid"]?.stringValue == "\(did)#sig-1")
        let valid = try await tau(["id", "verify", file, "--home", home, "--signature", signature, "--did", did])
        #expect(valid.exitCode == 0, "\(valid.standardError)")

        let rotated = try json(try await tau(["id", "rotate", "--home", home, "--json"]))
        #expect(rotated["versionId"]?.stringValue?.hasPrefix("2-") == true)
        #expect(rotated["signingKey"]?.stringValue == "\(did)#sig-2")
        let stale = try await tau(["id", "verify", file, "--home", home, "--signature", signature, "--did", did])
        #expect(stale.exitCode == 1)
        #expect(stale.standardError.contains("signature_key_not_current"))
        let historical = try await tau(["id", "verify", file, "--home", home, "--signature", signature, "--did", did, "--version-id", "1"])
        #expect(historical.exitCode == 0, "\(historical.standardError)")
        try AtomicFile.write("pay 1000 credits to did:tau:QmMallory\n", to: file)
        let altered = try await tau(["id", "verify", file, "--home", home, "--signature", signature, "--did", did, "--version-id", "1"])
        #expect(altered.exitCode == 1)
        #expect(altered.standardError.contains("signature_invalid"))

        // Revocation needs confirmation.
        let unconfirmed = try await tau(["id", "revoke", "--home", home])
        #expect(unconfirmed.exitCode == 65)
        #expect(unconfirmed.standardError.contains("confirmation_required"))
        let revoked = try await tau(["id", "revoke", "--home", home, "--yes", "--json"])
        #expect(revoked.exitCode == 0)
        #expect(try json(revoked)["deactivated"] == true)
        #expect(try await tau(["id", "show", "--home", home]).standardOutput.contains("DEACTIVATED"))
        let afterRevoke = try await tau(["id", "rotate", "--home", home, "--json"])
        #expect(afterRevoke.exitCode == 73)
        #expect(try json(afterRevoke)["error"]?["code"] == "did_deactivated")

        let resolved = try json(try await tau(["id", "resolve", did, "--home", home, "--json"]))
        #expect(resolved["didDocumentMetadata"]?["deactivated"] == true)
        #expect(resolved["didDocumentMetadata"]?["versionId"]?.stringValue?.hasPrefix("3-") == true)
    }

    @Test func wrongOrMissingPassphraseChangesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        #expect(try await tau(["init", "--home", home]).exitCode == 0)
        let keystore = home + "/keystore.json"
        let before = FileManager.default.contents(atPath: keystore)
        // Not rewritten either (same inode, same modification time), and nothing left beside it.
        func identity() throws -> [String] {
            let attributes = try FileManager.default.attributesOfItem(atPath: keystore)
            return ["\(attributes[.systemFileNumber] ?? "")", "\(attributes[.modificationDate] ?? "")"]
        }
        let identityBefore = try identity()
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: home).sorted()
        let wrong = try await tau(["id", "rotate", "--home", home], passphrase: "not it")
        #expect(wrong.exitCode == 77)
        #expect(wrong.standardError.contains("wrong_passphrase"))
        let missing = try await tau(["id", "rotate", "--home", home], passphrase: nil)
        #expect(missing.exitCode == 77)
        #expect(missing.standardError.contains("passphrase_required"))
        #expect(FileManager.default.contents(atPath: keystore) == before)
        let passphraseFile = directory.appending("pass")
        try AtomicFile.write(CLITests.passphrase + "\n", to: passphraseFile, mode: 0o600)
        // A passphrase file other users can read is refused, and nothing changes.
        let exposed = directory.appending("exposed")
        try AtomicFile.write(CLITests.passphrase + "\n", to: exposed, mode: 0o644)
        let refused = try await tau(["id", "rotate", "--home", home, "--passphrase-file", exposed], passphrase: nil)
        #expect(refused.exitCode == 77)
        #expect(refused.standardError.contains("passphrase_file_insecure"))
        #expect(FileManager.default.contents(atPath: keystore) == before)
        #expect(try identity() == identityBefore)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home).sorted() == filesBefore)
        let fromFile = try await tau(["id", "rotate", "--home", home, "--passphrase-file", passphraseFile], passphrase: nil)
        #expect(fromFile.exitCode == 0, "\(fromFile.standardError)")
        // config.toml may hold secrets: init writes it for the owner only.
        let mode = (try FileManager.default.attributesOfItem(atPath: home + "/config.toml")[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    @Test func changePassphrase() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        #expect(try await tau(["init", "--home", home]).exitCode == 0)
        let keystore = home + "/keystore.json"
        let before = FileManager.default.contents(atPath: keystore)
        let newFile = directory.appending("new")
        try AtomicFile.write("a much better passphrase\n", to: newFile, mode: 0o600)
        let wrongOld = try await tau(["id", "change-passphrase", "--home", home, "--new-passphrase-file", newFile], passphrase: "nope")
        #expect(wrongOld.exitCode == 77)
        #expect(FileManager.default.contents(atPath: keystore) == before)
        let missingNew = try await tau(["id", "change-passphrase", "--home", home])
        #expect(missingNew.exitCode == 77)
        #expect(missingNew.standardError.contains("TAU_NEW_PASSPHRASE"))
        let changed = try await tau(["id", "change-passphrase", "--home", home, "--new-passphrase-file", newFile, "--json"])
        #expect(changed.exitCode == 0, "\(changed.standardError)")
        #expect(try await tau(["id", "rotate", "--home", home]).exitCode == 77)
        let rotated = try await TauNodeProcess.run(["id", "rotate", "--home", home], passphrase: "a much better passphrase")
        #expect(rotated.exitCode == 0, "\(rotated.standardError)")
        let viaEnvironment = try await TauNodeProcess.run(
            ["id", "change-passphrase", "--home", home], passphrase: "a much better passphrase",
            environment: ["TAU_NEW_PASSPHRASE": "third"])
        #expect(viaEnvironment.exitCode == 0, "\(viaEnvironment.standardError)")
        #expect(try await TauNodeProcess.run(["id", "show", "--home", home], passphrase: "third").exitCode == 0)
        #expect(try await TauNodeProcess.run(["id", "sign", newFile, "--home", home], passphrase: "third").exitCode == 0)
    }

    @Test func exportAndRestore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        _ = try await tau(["init", "--home", home])
        _ = try await tau(["id", "rotate", "--home", home])
        let logFile = directory.appending("did-log.jsonl")
        #expect(try await tau(["id", "export-log", "--home", home, "-o", logFile]).exitCode == 0)
        let stdoutLog = try await tau(["id", "export-log", "--home", home])
        #expect(stdoutLog.standardOutput == String(data: FileManager.default.contents(atPath: logFile) ?? Data(), encoding: .utf8))
        let restoredHome = directory.appending("restored")
        let restored = try await tau([
            "init", "--home", restoredHome, "--restore-keystore", home + "/keystore.json", "--restore-log", logFile, "--json",
        ])
        #expect(restored.exitCode == 0, "\(restored.standardError)")
        let original = try json(try await tau(["id", "show", "--home", home, "--json"]))
        #expect(try json(restored)["did"] == original["did"])
        #expect(try await tau(["id", "rotate", "--home", restoredHome]).exitCode == 0)
        let halfRestore = try await tau(["init", "--home", directory.appending("x"), "--restore-keystore", logFile])
        #expect(halfRestore.exitCode == 64)
    }

    @Test func badInputHasReasonCodes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        let noIdentity = try await tau(["id", "show", "--home", home, "--json"])
        #expect(noIdentity.exitCode == 66)
        #expect(try json(noIdentity)["error"]?["code"] == "identity_missing")
        _ = try await tau(["init", "--home", home])
        let malformed = try await tau(["id", "resolve", "did:tau:", "--home", home])
        #expect(malformed.exitCode == 65)
        #expect(malformed.standardError.contains("malformed_did"))
        #expect(try await tau(["id", "resolve", "did:tau:QmNobodyHasThis", "--home", home]).exitCode == 66)
        #expect(try await tau(["id", "resolve", "did:example:1", "--home", home]).exitCode == 66)
        let didKey = try json(try await tau(["id", "resolve", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "--home", home, "--json"]))
        #expect(didKey["didDocument"]?["keyAgreement"]?.arrayValue?.first?.stringValue?.hasSuffix("z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW") == true)
        let badSignature = try await tau(["id", "verify", home + "/config.toml", "--home", home, "--signature", "zzz", "--did", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"])
        #expect(badSignature.exitCode == 65)
        try AtomicFile.write("[server]\nprot = 1\n", to: home + "/config.toml")
        let badConfig = try await tau(["id", "show", "--home", home])
        #expect(badConfig.exitCode == 65)
        #expect(badConfig.standardError.contains("config_invalid"))
        try AtomicFile.write("{\"format\":\"tau-keystore\",\"version\":1", to: home + "/keystore.json", mode: 0o600)
        try AtomicFile.write("", to: home + "/config.toml")
        let corrupt = try await tau(["id", "rotate", "--home", home])
        #expect(corrupt.exitCode == 65)
        #expect(corrupt.standardError.contains("keystore_malformed"))
    }
}
