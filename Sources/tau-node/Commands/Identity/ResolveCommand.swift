import ArgumentParser
import Foundation
import TauCore
import TauIdentity
import TauNode

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a DID (did:tau, did:key, did:web) and print its document and metadata.",
        discussion: """
            did:tau logs are read from this node's database, or fetched from the DID's TauMesh \
            endpoint, from [resolver] sources, and from --source URLs, and verified from their \
            first entry. With --json the output is a W3C DID Resolution result.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The DID or DID URL (…?versionId=N also works).")
    var did: String

    @Option(help: ArgumentHelp("Resolve this version: N or N-<hash>.", valueName: "N"))
    var versionId: String?

    @Option(help: ArgumentHelp("Resolve the version current at this RFC 3339 time.", valueName: "time"))
    var versionTime: String?

    @Option(name: .customLong("source"), help: ArgumentHelp("A node to fetch did:tau logs from (repeatable).", valueName: "url"))
    var sources: [String] = []

    @Flag(help: "Ask the sources now, even if this node checked them within [resolver] cache_ttl_seconds (to see a rotation or revocation at once).")
    var fresh = false

    func validate() throws {
        if versionId != nil && versionTime != nil { throw ValidationError("use either --version-id or --version-time") }
        if let versionTime, (try? Timestamp.parse(versionTime)) == nil {
            throw ValidationError("--version-time must be an RFC 3339 time such as 2026-01-02T03:04:05Z")
        }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .error))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome, extraLogSources: sources, freshResolution: fresh)
            var didURL = did
            if let versionId { didURL += (did.contains("?") ? "&" : "?") + "versionId=\(versionId)" }
            if let versionTime {
                let encoded = versionTime.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-.:_"))) ?? versionTime
                didURL += (did.contains("?") ? "&" : "?") + "versionTime=\(encoded)"
            }
            let result = await context.resolver.resolve(didURL)
            if homeOptions.json { Output.json(result.json) }
            guard let document = result.document else {
                let error = result.error ?? "internalError"
                let message = result.resolutionMetadata["errorMessage"]?.stringValue ?? "resolution failed"
                if !homeOptions.json { Output.standardError("error[\(result.reason ?? error)]: \(error): \(message)\n") }
                throw ExitCode(Output.exitCode(for: SignatureCheck.category(of: result)))
            }
            guard !homeOptions.json else { return }
            let metadata = result.documentMetadata
            var rows: [(String, String)] = [("DID", document.id.description)]
            if let versionId = metadata.versionId { rows.append(("Version", versionId)) }
            if let created = metadata.created { rows.append(("Created", created)) }
            if let updated = metadata.updated { rows.append(("Updated", updated)) }
            if let next = metadata.nextVersionId { rows.append(("Superseded by", next)) }
            rows.append(("Status", metadata.deactivated ? "DEACTIVATED" : "active"))
            Output.table(rows)
            Output.line("")
            Output.json(document.json)
        }
    }
}
