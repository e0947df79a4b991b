import ArgumentParser
import Foundation
import TauCore
import TauIdentity
import TauNode

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a detached signature over a file against a DID.",
        discussion: """
            By default the signature must be made by a key of the DID's current version. To check \
            a signature made before a rotation, pass the version it was made under (--version-id, \
            as printed by `id sign`) or the time it was made (--at). Exits 0 when valid, 1 when \
            the signature is rejected, and another non-zero code when the DID cannot be resolved.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The signed file ('-' for standard input).")
    var file: String

    @Option(help: ArgumentHelp("The signature (multibase z…, as printed by `id sign`).", valueName: "z…"))
    var signature: String

    @Option(help: "The DID that signed.")
    var did: String

    @Option(help: ArgumentHelp("Check against this DID version instead of the current one.", valueName: "N"))
    var versionId: String?

    @Option(help: ArgumentHelp("Check against the version current at this RFC 3339 time.", valueName: "time"))
    var at: String?

    @Option(name: .customLong("source"), help: ArgumentHelp("A node to fetch did:tau logs from (repeatable).", valueName: "url"))
    var sources: [String] = []

    func validate() throws {
        if versionId != nil && at != nil { throw ValidationError("use either --version-id or --at") }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .error))
        do {
            try await Output.reporting(json: homeOptions.json) {
                let message = try FileInput.read(file)
                guard signature.hasPrefix("z"), let bytes = try? Multibase.decode(signature), bytes.count == 64 else {
                    throw NodeError("signature_malformed", "--signature must be a multibase (z…) Ed25519 signature")
                }
                let subject = try DID(did)
                var query = DIDVersionQuery.latest
                if let versionId { query = .versionId(versionId) }
                if let at { query = .versionTime(try Timestamp.parse(at)) }
                let context = try await NodeContext.open(homeOptions.nodeHome, extraLogSources: sources)
                let outcome = try await SignatureCheck(resolver: context.resolver).verify(bytes, of: message, by: subject, at: query)
                if homeOptions.json {
                    Output.json([
                        "valid": true, "did": .string(outcome.did.description), "kid": .string(outcome.keyID),
                        "versionId": outcome.versionId.map(JSONValue.string) ?? .null, "didDeactivated": .bool(outcome.deactivated),
                    ])
                } else {
                    Output.line("valid: signed by \(outcome.keyID)" + (outcome.versionId.map { " (version \($0))" } ?? ""))
                    if outcome.deactivated { Output.line("note: \(outcome.did) has since been deactivated") }
                }
            }
        } catch let error as ExitCode {
            // Rejections (signature_invalid, signature_key_not_current, did_deactivated) exit 1,
            // like other verify tools; lookup failures keep their own codes.
            throw error.rawValue == 77 ? ExitCode(1) : error
        }
    }
}
