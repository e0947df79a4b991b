import ArgumentParser
import Foundation
import TauCore
import TauEnvelope
import TauNode

struct ReceiptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts", abstract: "Check the signed receipts of an escrow.",
        subcommands: [ReceiptsVerifyCommand.self])
}

struct ReceiptsVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a receipt bundle (tau-receipts/1) offline.",
        discussion: """
            Checks every signed message of the bundle against its signer's key as it was when the \
            message was made: for did:tau from the log in the bundle, verified from its genesis \
            entry; for did:key from the DID itself. Nothing is fetched and no node home is used; \
            did:web signers are refused (receipt_signer_unverifiable). Every message must name \
            the bundle's escrow. Exits 0 when every message verifies, 65 otherwise, with the \
            first reason code on standard error (docs/receipts.md).
            """)

    @Argument(help: "The bundle file ('-' for standard input).")
    var file: String

    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

    /// Message types are printed without this common prefix.
    static let typePrefix = "https://tau-node.dev/kamn/1/"

    func run() async throws {
        var failure: ReceiptError?
        try await Output.reporting(json: json) {
            let report = try ReceiptVerifier().verify(bytes: try FileInput.read(file))
            if json {
                Output.json(Self.json(report))
            } else {
                var rows: [[String]] = [["TYPE", "FROM", "CREATED", "KID", "RESULT"]]
                for check in report.checks {
                    rows.append([
                        check.type.map(Self.shortType) ?? "?", check.from?.description ?? "?",
                        check.createdTime.map { Timestamp.format(Date(timeIntervalSince1970: TimeInterval($0))) } ?? "?",
                        check.keyID.map(Self.fragment) ?? "?", check.failure?.code ?? "ok",
                    ])
                }
                Output.columns(rows)
                let verified = report.checks.filter(\.isVerified).count
                Output.line("\(verified) of \(report.checks.count) messages verify for \(report.escrow)")
            }
            failure = report.firstFailure
        }
        if let failure {
            Output.standardError("error[\(failure.code)]: \(failure.message)\n")
            throw ExitCode(Output.exitCode(for: .invalidInput))
        }
    }

    static func shortType(_ type: String) -> String {
        type.hasPrefix(typePrefix) ? String(type.dropFirst(typePrefix.count)) : type
    }

    /// The key's fragment is enough on a line that already names the DID.
    static func fragment(_ keyID: String) -> String {
        keyID.firstIndex(of: "#").map { String(keyID[$0...]) } ?? keyID
    }

    static func json(_ report: ReceiptReport) -> JSONValue {
        let messages: [JSONValue] = report.checks.map { check in
            [
                "index": .number(Double(check.index)), "id": check.id.map(JSONValue.string) ?? .null,
                "type": check.type.map(JSONValue.string) ?? .null, "from": check.from.map { .string($0.description) } ?? .null,
                "created_time": check.createdTime.map { .number(Double($0)) } ?? .null,
                "created": check.createdTime.map { .string(Timestamp.format(Date(timeIntervalSince1970: TimeInterval($0)))) } ?? .null,
                "kid": check.keyID.map(JSONValue.string) ?? .null, "version_id": check.versionId.map(JSONValue.string) ?? .null,
                "result": .string(check.failure?.code ?? "ok"), "reason": check.failure.map { .string($0.message) } ?? .null,
            ]
        }
        return [
            "escrow": .string(report.escrow), "valid": .bool(report.isValid),
            "verified": .number(Double(report.checks.filter(\.isVerified).count)), "total": .number(Double(report.checks.count)),
            "messages": .array(messages),
        ]
    }
}
