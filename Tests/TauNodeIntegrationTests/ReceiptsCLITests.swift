import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauTesting
import Testing

/// `tau-node receipts verify` as a child process, on bundle files written by the test.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ReceiptsCLITests {
    static let escrow = "esc_00000000000000000000000a"
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    func sign(_ controller: DIDTauController, _ type: String, at seconds: TimeInterval) -> SignedMessage {
        EnvelopeSigner(
            did: controller.did, keyID: controller.signingKeyID, key: controller.signingKey, now: { Self.start.addingTimeInterval(seconds) }
        ).sign(type: "https://tau-node.dev/kamn/1/" + type, body: ["escrow": .string(Self.escrow)], to: [controller.did])
    }

    @Test func verifiesBundlesAndExitsWithTheFirstReason() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // An identity whose keys rotate at +1000 s: its old key signed one message before and one after.
        let (first, genesis) = try DIDTauController.create(now: Self.start)
        let (second, rotated) = try first.rotate(try genesis.verify(now: Self.start), now: Self.start.addingTimeInterval(1_000))
        let logs = [first.did: rotated.jsonLines]
        let open = sign(first, "escrow/open", at: 100)
        let release = sign(second, "escrow/release", at: 2_000)
        let late = sign(first, "escrow/release", at: 2_000)

        let good = directory.appending("good.json")
        let goodBytes = try ReceiptBundle(escrow: Self.escrow, messages: [open.bytes, release.bytes], logs: logs).bytes
        try Data(goodBytes).write(to: URL(fileURLWithPath: good))
        let verified = try await TauNodeProcess.run(["receipts", "verify", good])
        #expect(verified.exitCode == 0, "\(verified.standardError)")
        let lines = verified.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("escrow/open") && lines[1].contains(first.did.description) && lines[1].contains("#sig-1") && lines[1].hasSuffix("ok"))
        #expect(lines[1].contains("2027-01-15T08:01:40Z"))
        #expect(lines[2].hasPrefix("escrow/release") && lines[2].contains("#sig-2") && lines[2].hasSuffix("ok"))
        #expect(lines[3] == "2 of 2 messages verify for \(Self.escrow)")
        #expect(verified.standardError.isEmpty)

        let json = try await TauNodeProcess.run(["receipts", "verify", good, "--json"])
        #expect(json.exitCode == 0)
        let report = try JSONValue(parsing: json.standardOutput)
        #expect(report["valid"] == true && report["verified"] == 2 && report["total"] == 2 && report["escrow"] == .string(Self.escrow))
        #expect(report["messages"]?.arrayValue?.map { $0["result"] } == ["ok", "ok"])
        #expect(report["messages"]?.arrayValue?.first?["version_id"]?.stringValue == rotated.entries[0].versionId)

        let piped = try await TauNodeProcess.run(["receipts", "verify", "-"], input: String(decoding: goodBytes, as: UTF8.self))
        #expect(piped.exitCode == 0 && piped.standardOutput.contains("2 of 2 messages verify"))

        // The old key after the rotation: data error, the reason on standard error.
        let bad = directory.appending("bad.json")
        try Data(try ReceiptBundle(escrow: Self.escrow, messages: [open.bytes, late.bytes], logs: logs).bytes).write(to: URL(fileURLWithPath: bad))
        let refused = try await TauNodeProcess.run(["receipts", "verify", bad])
        #expect(refused.exitCode == 65)
        #expect(refused.standardError.hasPrefix("error[receipt_key_not_valid]"))
        #expect(refused.standardOutput.contains("receipt_key_not_valid") && refused.standardOutput.contains("1 of 2 messages verify"))
        let refusedJSON = try await TauNodeProcess.run(["receipts", "verify", bad, "--json"])
        #expect(refusedJSON.exitCode == 65 && refusedJSON.standardError.contains("receipt_key_not_valid"))
        let refusedReport = try JSONValue(parsing: refusedJSON.standardOutput)
        #expect(refusedReport["valid"] == false && refusedReport["messages"]?.arrayValue?.map { $0["result"] } == ["ok", "receipt_key_not_valid"])

        // Without the log; a file that is not a bundle; a file that is not there.
        let noLog = directory.appending("nolog.json")
        try Data(try ReceiptBundle(escrow: Self.escrow, messages: [open.bytes], logs: [:]).bytes).write(to: URL(fileURLWithPath: noLog))
        let missingLog = try await TauNodeProcess.run(["receipts", "verify", noLog])
        #expect(missingLog.exitCode == 65 && missingLog.standardError.contains("receipt_log_missing"))
        let malformed = try await TauNodeProcess.run(["receipts", "verify", "-"], input: "{\"format\":\"tau-receipts/1\"")
        #expect(malformed.exitCode == 65 && malformed.standardError.contains("error[receipt_malformed]"))
        let malformedJSON = try await TauNodeProcess.run(["receipts", "verify", "-", "--json"], input: "[]")
        #expect(malformedJSON.exitCode == 65)
        #expect(try JSONValue(parsing: malformedJSON.standardOutput)["error"]?["code"] == "receipt_malformed")
        let absent = try await TauNodeProcess.run(["receipts", "verify", directory.appending("absent.json")])
        #expect(absent.exitCode == 66 && absent.standardError.contains("file_unreadable"))
        let tooLarge = try await TauNodeProcess.run(["receipts", "verify", "-"], input: String(repeating: " ", count: ReceiptBundle.maximumBytes + 1))
        #expect(tooLarge.exitCode == 65 && tooLarge.standardError.contains("receipt_too_large"))
    }
}
