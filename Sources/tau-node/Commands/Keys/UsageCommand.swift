import ArgumentParser
import Foundation
import TauCore
import TauNode
import TauProviders

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Show model calls with their tokens and cost, and totals per API key or session.")

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: "Totals for one API key id.")
    var key: String?

    @Option(help: "Totals for one session id (X-Tau-Session-ID header, or the request's `user`).")
    var session: String?

    @Option(help: "How many recent calls to list.")
    var last: Int = 20

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let context = try await NodeContext.open(homeOptions.nodeHome)
            if key != nil || session != nil {
                let totals =
                    if let key { try await context.usage.totals(apiKeyID: APIKeySecret(presented: key)?.id ?? key) } else {
                        try await context.usage.totals(sessionID: session ?? "")
                    }
                if homeOptions.json {
                    Output.json([
                        "requests": .number(Double(totals.requests)), "input_tokens": .number(Double(totals.inputTokens)),
                        "output_tokens": .number(Double(totals.outputTokens)),
                        "cached_input_tokens": .number(Double(totals.cachedInputTokens)), "cost_usd": .amount(totals.cost),
                    ])
                } else {
                    Output.table([
                        ("requests", String(totals.requests)), ("input tokens", String(totals.inputTokens)),
                        ("cached input tokens", String(totals.cachedInputTokens)), ("output tokens", String(totals.outputTokens)),
                        ("cost", totals.cost.formatted(places: 6)),
                    ])
                }
                return
            }
            let records = try await context.usage.recent(limit: max(1, last))
            if homeOptions.json {
                Output.json(["calls": .array(records.map(\.json))])
                return
            }
            guard !records.isEmpty else {
                Output.line("No model calls yet.")
                return
            }
            var table = [["TIME", "KEY", "MODEL", "ROUTE", "IN", "CACHED", "OUT", "COST", "STATUS", "MS"]]
            for record in records {
                table.append([
                    Timestamp.format(record.time), record.apiKeyID ?? "-", record.requestedModel, record.route,
                    String(record.usage.inputTokens), String(record.usage.cachedInputTokens), String(record.usage.outputTokens),
                    record.cost.map { $0.formatted(places: 6) } ?? "-", record.status, String(record.latencyMilliseconds),
                ])
            }
            Output.columns(table)
        }
    }
}

extension UsageRecord {
    var json: JSONValue {
        [
            "time": .string(Timestamp.format(time)), "api_key_id": apiKeyID.map(JSONValue.string) ?? .null,
            "session_id": sessionID.map(JSONValue.string) ?? .null, "requested_model": .string(requestedModel),
            "model": .string(model), "route": .string(route), "input_tokens": .number(Double(usage.inputTokens)),
            "cached_input_tokens": .number(Double(usage.cachedInputTokens)), "output_tokens": .number(Double(usage.outputTokens)),
            "reasoning_tokens": .number(Double(usage.reasoningTokens)), "cost_usd": cost.map(JSONValue.amount) ?? .null,
            "status": .string(status), "latency_ms": .number(Double(latencyMilliseconds)),
        ]
    }
}
