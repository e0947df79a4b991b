import ArgumentParser
import Foundation
import TauCore
import TauNode
import TauProviders

struct ModelsRefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Fetch the remote catalog ([catalog] url) into the cache.",
        discussion: """
            Downloads the model list at [catalog] url (OpenRouter GET /api/v1/models format, \
            e.g. https://openrouter.ai/api/v1/models), parses it and replaces \
            <home>/catalog-cache.json atomically. On failure the old cache is kept. Without a \
            configured url it fails with catalog_not_configured.
            """)

    @OptionGroup var homeOptions: HomeOptions

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let refresh = try await homeOptions.catalogStore().refresh()
            let cache = refresh.cache
            if homeOptions.json {
                Output.json([
                    "url": .string(cache.url), "fetched_at": .string(Timestamp.format(cache.fetchedAt)),
                    "models": .number(Double(cache.entries.count)), "skipped": .number(Double(cache.skipped)),
                    "truncated": .number(Double(refresh.truncated)), "cache": .string(refresh.cachePath),
                ])
                return
            }
            var dropped: [String] = []
            if cache.skipped > 0 { dropped.append("\(cache.skipped) malformed skipped") }
            if refresh.truncated > 0 { dropped.append("\(refresh.truncated) over the cap dropped") }
            Output.line(
                "Fetched \(cache.entries.count) models from \(cache.url)"
                    + (dropped.isEmpty ? "" : " (\(dropped.joined(separator: ", ")))") + "; cache written to \(refresh.cachePath)")
        }
    }
}
