import ArgumentParser
import Foundation
import TauNode
import TauProviders

struct ModelsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show every field of one catalog model.",
        discussion: """
            Takes a catalog id (gpt-5.2, openrouter/openai/gpt-5.2) or <provider>/<id> \
            (anthropic/claude-opus-4-6). An unknown id fails with model_not_found (exit 66) \
            and suggests the closest known id.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The model id.")
    var id: String

    func run() async throws {
        Logs.bootstrap(level: Logs.level(nil, default: .warning))
        try await Output.reporting(json: homeOptions.json) {
            let entry = try homeOptions.catalogStore().load().require(id)
            if homeOptions.json {
                Output.json(entry.json)
                return
            }
            func tokens(_ count: Int?) -> String {
                count.map { "\(ModelFormat.grouped($0)) tokens" } ?? "unknown"
            }
            func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }
            Output.table([
                ("id", entry.id),
                ("name", entry.displayName),
                ("provider", entry.provider.rawValue),
                ("upstream id", entry.upstreamModel),
                ("wire", entry.effectiveWire.rawValue + (entry.wire == nil ? " (provider default)" : "")),
                ("context window", tokens(entry.contextWindow)),
                ("max output", tokens(entry.maxOutputTokens)),
                ("tools", yesNo(entry.supportsTools)),
                ("multimodal", yesNo(entry.supportsMultimodal)),
                ("extended thinking", yesNo(entry.supportsExtendedThinking)),
                ("input $/M", ModelFormat.price(entry.inputPricePerMillion)),
                ("cached input $/M", entry.cachedInputPricePerMillion.map { ModelFormat.price($0) } ?? "same as input"),
                ("output $/M", ModelFormat.price(entry.outputPricePerMillion)),
                ("knowledge cutoff", entry.knowledgeCutoff ?? "unknown"),
                ("deprecated", yesNo(entry.deprecated) + (entry.sunset.map { ", sunset \($0)" } ?? "")),
                ("note", entry.note ?? "-"),
                ("source", entry.source.rawValue),
            ])
        }
    }
}
