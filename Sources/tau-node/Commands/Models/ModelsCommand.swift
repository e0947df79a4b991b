import ArgumentParser
import Foundation
import TauCore
import TauIdentity
import TauNode
import TauProviders

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Show the model catalog and refresh it from a remote list.",
        discussion: """
            The catalog is the built-in model list, plus the remote list cached in \
            <home>/catalog-cache.json ([catalog] url, fetched by `models refresh`), plus the \
            [catalog.models."<id>"] overrides of config.toml. See docs/models.md.
            """,
        subcommands: [ModelsListCommand.self, ModelsShowCommand.self, ModelsRefreshCommand.self],
        defaultSubcommand: ModelsListCommand.self)
}

extension HomeOptions {
    /// The catalog store of the home, with `[catalog]` checked. Creates nothing.
    func catalogStore() throws -> CatalogStore {
        let home = nodeHome
        let configuration = try NodeConfiguration.load(from: home.configPath)
        try configuration.catalog?.validate(origin: home.configPath)
        let settings = try NodeSettings(configuration: configuration, home: home, environment: ProcessInfo.processInfo.environment)
        return CatalogStore(home: home, configuration: configuration, http: PolicedHTTPClient(policy: settings.outbound))
    }
}

/// How catalog values are printed in text output.
enum ModelFormat {
    /// `400K`, `1.05M`, `10M`.
    static func tokens(_ count: Int) -> String {
        if count >= 1_000_000 {
            return count % 1_000_000 == 0 ? "\(count / 1_000_000)M" : trimmed(String(format: "%.2f", Double(count) / 1e6)) + "M"
        }
        if count >= 1000 {
            return count % 1000 == 0 ? "\(count / 1000)K" : "\(Int((Double(count) / 1000).rounded()))K"
        }
        return "\(count)"
    }

    /// Dollars per million tokens: two decimals, more when needed (`0.028`); `-` when unknown.
    static func price(_ value: Money?) -> String {
        guard let value else { return "-" }
        return value.microunits % 10_000 == 0 ? value.decimalString(places: 2) : value.decimalString
    }

    /// `1048576` → `1,048,576`.
    static func grouped(_ count: Int) -> String {
        var digits = String(count.magnitude)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(Substring(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        return (count < 0 ? "-" : "") + groups.joined(separator: ",")
    }

    /// One letter per property; see ``legend``.
    static func flags(_ entry: ModelEntry) -> String {
        var letters = ""
        if entry.supportsTools { letters += "T" }
        if entry.supportsMultimodal { letters += "M" }
        if entry.supportsExtendedThinking { letters += "R" }
        if entry.deprecated { letters += "D" }
        if entry.source == .override { letters += "O" }
        return letters.isEmpty ? "-" : letters
    }

    static let legend = "Flags: T tools, M multimodal input, R extended thinking, D deprecated, O local override."

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }
}
