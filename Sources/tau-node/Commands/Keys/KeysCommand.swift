import ArgumentParser
import Foundation
import TauCore
import TauNode
import TauProviders

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys of the model gateway (/v1/chat/completions).",
        discussion: "Keys are stored hashed (SHA-256) in node.sqlite; the secret is shown once, at creation.",
        subcommands: [KeysCreateCommand.self, KeysListCommand.self, KeysRevokeCommand.self])
}

struct KeysCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an API key and print its secret (shown only once).")

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: "A label for the key, e.g. the team or app using it.")
    var name: String = "default"

    @Option(help: "Spending limit in USD over the key's lifetime, e.g. 25 or 0.5.")
    var budget: String?

    @Option(help: "Requests per minute (token bucket).")
    var rpm: Int?

    @Option(help: "Comma-separated model names the key may call (aliases or catalog ids); all when omitted.")
    var models: String?

    func validate() throws {
        _ = try budgetAmount()
        if let rpm, rpm <= 0 { throw ValidationError("--rpm must be a positive number of requests per minute.") }
        if let models, allowedModels(models).isEmpty { throw ValidationError("--models needs at least one model name.") }
    }

    /// `--budget`, read exactly (no binary rounding) as USD with at most 6 decimal places.
    private func budgetAmount() throws(ValidationError) -> Money? {
        guard let budget else { return nil }
        let amount: Money
        do {
            amount = try Money(parsing: budget, currency: .usd, allowingNegative: true)
        } catch {
            // The parser says why (too precise, too large, not a number); no code to branch on.
            throw ValidationError("--budget: \(error.message)")
        }
        guard amount.isPositive else { throw ValidationError("--budget must be a positive amount of USD.") }
        return amount
    }

    private func allowedModels(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome)
            let secret = APIKeySecret.generate()
            let key = APIKey(
                id: secret.id, name: name, secretHash: secret.hash, createdAt: Date(), budget: try budgetAmount(), requestsPerMinute: rpm,
                allowedModels: models.map(allowedModels))
            try await context.apiKeys.insert(key)
            if homeOptions.json {
                var json = key.json(spent: .zero(.usd))
                json["key"] = .string(secret.token)
                Output.json(json)
            } else {
                Output.line(secret.token)
                Output.standardError("Created key \(key.id) (\(name)). Store the secret now: it cannot be shown again.\n")
            }
        }
    }
}

struct KeysListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List API keys with their limits and spending.")

    @OptionGroup var homeOptions: HomeOptions

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome)
            var rows: [(APIKey, UsageTotals)] = []
            for key in try await context.apiKeys.all() {
                rows.append((key, try await context.usage.totals(apiKeyID: key.id)))
            }
            if homeOptions.json {
                Output.json(["keys": .array(rows.map { key, totals in key.json(spent: totals.cost, requests: totals.requests) })])
                return
            }
            guard !rows.isEmpty else {
                Output.line("No API keys yet. Create one with `tau-node keys create`.")
                return
            }
            var table = [["ID", "NAME", "STATE", "SPENT", "BUDGET", "RPM", "REQUESTS", "MODELS"]]
            for (key, totals) in rows {
                table.append([
                    key.id, key.name, key.isRevoked ? "revoked" : "active", totals.cost.formatted(places: 4),
                    key.budget.map { $0.formatted(places: 4) } ?? "-", key.requestsPerMinute.map(String.init) ?? "-",
                    String(totals.requests), key.allowedModels?.joined(separator: ",") ?? "all",
                ])
            }
            Output.columns(table)
        }
    }
}

struct KeysRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke an API key; requests with it are refused from then on.")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The key's id (as in `keys list`) or the whole key.")
    var key: String

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome)
            let id = APIKeySecret(presented: key)?.id ?? key
            guard try await context.apiKeys.revoke(id: id, at: Date()) else {
                throw NodeError("api_key_not_found", "there is no API key \(id)", category: .notFound)
            }
            if homeOptions.json {
                Output.json(["id": .string(id), "revoked": true])
            } else {
                Output.line("Revoked key \(id).")
            }
        }
    }
}

extension APIKey {
    /// The key's row of `keys list --json`: amounts are JSON numbers of USD.
    func json(spent: Money, requests: Int = 0) -> JSONValue {
        var json: JSONValue = [
            "id": .string(id), "name": .string(name), "created_at": .string(Timestamp.format(createdAt)),
            "revoked": .bool(isRevoked), "spent_usd": .amount(spent), "requests": .number(Double(requests)),
            "budget_usd": budget.map(JSONValue.amount) ?? .null,
            "rpm": requestsPerMinute.map { .number(Double($0)) } ?? .null,
            "models": allowedModels.map { .array($0.map(JSONValue.string)) } ?? .null,
        ]
        if let revokedAt { json["revoked_at"] = .string(Timestamp.format(revokedAt)) }
        return json
    }
}
