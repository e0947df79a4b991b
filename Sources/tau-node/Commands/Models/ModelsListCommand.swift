import ArgumentParser
import Foundation
import TauCore
import TauNode
import TauProviders

struct ModelsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the models of the catalog.",
        discussion: """
            Prints id, provider, context window, input and output price in USD per million \
            tokens, and flags. Deprecated models are left out unless --include-deprecated is given.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: ArgumentHelp("Only models served by this provider (\(ModelsListCommand.providerNames)).", valueName: "provider"))
    var provider: String?

    @Flag(name: .long, help: "Also list deprecated models.")
    var includeDeprecated = false

    static var providerNames: String { ProviderKind.allCases.map(\.rawValue).joined(separator: ", ") }

    func validate() throws {
        if let provider, ProviderKind(rawValue: provider) == nil {
            throw ValidationError("Unknown provider \(provider); use one of \(ModelsListCommand.providerNames).")
        }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let store = try homeOptions.catalogStore()
            let catalog = try store.load()
            let kind = provider.flatMap(ProviderKind.init(rawValue:))
            let models = catalog.entries(provider: kind, includeDeprecated: includeDeprecated)
            let cache = try? store.cache()
            if homeOptions.json {
                var remote: JSONValue = .null
                if let url = store.url {
                    remote = [
                        "url": .string(url), "fetched_at": cache.map { JSONValue.string(Timestamp.format($0.fetchedAt)) } ?? .null,
                        "stale": .bool(store.isStale),
                    ]
                }
                Output.json(["models": .array(models.map(\.json)), "count": .number(Double(models.count)), "remote": remote])
                return
            }
            var rows: [[String]] = [["ID", "PROVIDER", "CONTEXT", "$IN/M", "$OUT/M", "FLAGS"]]
            for entry in models {
                rows.append([
                    entry.id, entry.provider.rawValue, ModelFormat.tokens(entry.contextWindow),
                    ModelFormat.price(entry.inputPricePerMillion), ModelFormat.price(entry.outputPricePerMillion),
                    ModelFormat.flags(entry),
                ])
            }
            Output.columns(rows)
            let hidden = catalog.entries(provider: kind).count - models.count
            Output.line("")
            Output.line("\(models.count) models" + (hidden > 0 ? " (\(hidden) deprecated hidden; --include-deprecated shows them)." : "."))
            Output.line(ModelFormat.legend)
            if store.url != nil, store.isStale {
                Output.standardError("note: the remote catalog is missing or older than its ttl; run `tau-node models refresh`\n")
            }
        }
    }
}
