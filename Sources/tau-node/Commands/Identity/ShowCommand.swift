import ArgumentParser
import TauCore
import TauIdentity
import TauNode

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the node's DID, current keys and log version.")

    @OptionGroup var homeOptions: HomeOptions

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome, mustExist: true)
            let log = try await context.localLog()
            let head = log.head
            let document = head.document
            if homeOptions.json {
                Output.json([
                    "did": .string(log.did.description),
                    "name": context.configuration.node?.name.map(JSONValue.string) ?? .null,
                    "home": .string(context.home.path),
                    "versionId": .string(head.versionId),
                    "created": .string(log.versions[0].versionTimeText),
                    "updated": head.number > 1 ? .string(head.versionTimeText) : .null,
                    "deactivated": .bool(log.isDeactivated),
                    "document": document.json,
                ])
                return
            }
            var rows: [(String, String)] = [("DID", log.did.description)]
            if let name = context.configuration.node?.name { rows.append(("Name", name)) }
            rows += [
                ("Status", log.isDeactivated ? "DEACTIVATED (revoked at \(head.versionTimeText))" : "active"),
                ("Version", "\(head.versionId)"),
                ("Created", log.versions[0].versionTimeText),
            ]
            if head.number > 1 { rows.append(("Updated", head.versionTimeText)) }
            for method in document.authentication { rows.append(("Signing key", "\(method.id)  \(method.publicKeyMultibase ?? "")")) }
            for method in document.keyAgreement { rows.append(("Agreement key", "\(method.id)  \(method.publicKeyMultibase ?? "")")) }
            for service in document.services { rows.append(("Service", "\(service.type)  \(service.endpointURL ?? service.serviceEndpoint.canonicalString())")) }
            rows.append(("Home", context.home.path))
            Output.table(rows)
        }
    }
}
