import Foundation
import TauCore
import Testing

@testable import TauProviders

/// The built-in catalog, lookups and cost.
@Suite struct CatalogTests {
    @Test func everyRoadmapModelIsBuiltIn() throws {
        let ids = Set(BuiltinCatalog.entries.map(\.id))
        let missing = BuiltinCatalog.roadmapIDs.filter { !ids.contains($0) }
        #expect(missing.isEmpty, "missing: \(missing)")
        // Written out independently of `roadmapIDs`, so that a shortened list is caught too.
        let expected = [
            "gpt-5.2", "gpt-5.2-pro", "gpt-5", "gpt-5-codex", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3", "o4-mini",
            "gpt-4o", "gpt-4o-mini", "claude-opus-4-6", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-sonnet-4-0",
            "claude-opus-4-5", "gemini-3-pro-preview", "gemini-3-flash-preview", "gemini-2.5-pro", "gemini-2.5-flash",
            "gemini-2.5-flash-lite", "grok-4", "grok-4-fast", "grok-code-fast-1", "mistral-large-3", "mistral-medium-3",
            "mistral-small-3.1-24b", "llama-4-scout", "llama-4-maverick", "deepseek-chat", "deepseek-reasoner",
            "openrouter/auto", "openrouter/openai/gpt-5.2", "openrouter/anthropic/claude-opus-4-6",
            "openrouter/google/gemini-3-pro-preview", "openrouter/meta-llama/llama-4-maverick",
            "openrouter/deepseek/deepseek-chat", "openrouter/mistralai/mistral-large-3",
        ]
        #expect(Set(expected) == ids)
        #expect(BuiltinCatalog.entries.count == 38)
    }

    @Test func idsAreUniqueAndEntriesWellFormed() {
        var seen: Set<String> = []
        for entry in BuiltinCatalog.entries {
            #expect(seen.insert(entry.id).inserted, "duplicate \(entry.id)")
            #expect(entry.contextWindow > 0, "\(entry.id)")
            #expect(entry.source == .builtin)
            if let maximum = entry.maxOutputTokens { #expect(maximum > 0 && maximum <= entry.contextWindow, "\(entry.id)") }
            if let cutoff = entry.knowledgeCutoff { #expect(ModelCatalog.isYearMonth(cutoff), "\(entry.id)") }
            if let cached = entry.cachedInputPricePerMillion, let input = entry.inputPricePerMillion {
                #expect(cached < input, "\(entry.id)")
            }
            if entry.id.hasPrefix("openrouter/") {
                #expect(entry.provider == .openrouter)
                #expect(entry.upstreamID != nil, "\(entry.id)")
            }
            if entry.deprecated { #expect(entry.note != nil, "deprecated \(entry.id) needs a note") }
        }
        #expect(ModelCatalog.builtin.count == BuiltinCatalog.entries.count)
    }

    @Test func spotCheckedValues() throws {
        let catalog = ModelCatalog.builtin
        let gpt = try #require(catalog.entry(for: "gpt-5.2"))
        #expect(gpt.provider == .openai && gpt.contextWindow == 400_000 && gpt.maxOutputTokens == 128_000)
        #expect(gpt.inputPricePerMillion == .usd(1_750_000) && gpt.outputPricePerMillion == .usd(14_000_000) && gpt.cachedInputPricePerMillion == .usd(175_000))
        #expect(gpt.supportsExtendedThinking && gpt.wire == nil && gpt.effectiveWire == .openAIChat)

        let pro = try #require(catalog.entry(for: "gpt-5.2-pro"))
        #expect(pro.wire == .openAIResponses && pro.inputPricePerMillion == .usd(21_000_000) && pro.outputPricePerMillion == .usd(168_000_000))
        #expect(catalog.entry(for: "gpt-5-codex")?.effectiveWire == .openAIResponses)

        let opus = try #require(catalog.entry(for: "claude-opus-4-6"))
        #expect(opus.provider == .anthropic && opus.maxOutputTokens == 128_000 && opus.inputPricePerMillion == .usd(5_000_000))
        #expect(opus.effectiveWire == .anthropicMessages && !opus.deprecated)
        #expect(catalog.entry(for: "claude-sonnet-4-5")?.maxOutputTokens == 64_000)

        let deepseek = try #require(catalog.entry(for: "deepseek-chat"))
        #expect(deepseek.provider == .deepseek && deepseek.contextWindow == 163_840)
        #expect(deepseek.inputPricePerMillion == .usd(280_000) && deepseek.outputPricePerMillion == .usd(420_000))
        #expect(deepseek.cachedInputPricePerMillion == .usd(28_000) && deepseek.upstreamModel == "deepseek-chat")

        #expect(catalog.entry(for: "grok-4-fast")?.contextWindow == 2_000_000)
        #expect(catalog.entry(for: "llama-4-scout")?.contextWindow == 10_000_000)
        #expect(catalog.entry(for: "llama-4-scout")?.provider == .groq)
        #expect(catalog.entry(for: "gemini-3-flash-preview")?.outputPricePerMillion == .usd(3_000_000))
        #expect(catalog.entry(for: "mistral-small-3.1-24b")?.inputPricePerMillion == .usd(30_000))

        let legacy = try #require(catalog.entry(for: "gpt-4o"))
        #expect(legacy.deprecated && legacy.note?.contains("2026-02-13") == true)
        #expect(catalog.entry(for: "claude-sonnet-4-0")?.deprecated == true)
        #expect(catalog.entry(for: "claude-opus-4-5")?.deprecated == true)

        let routed = try #require(catalog.entry(for: "openrouter/openai/gpt-5.2"))
        #expect(routed.upstreamModel == "openai/gpt-5.2" && routed.inputPricePerMillion == .usd(1_750_000))
        #expect(catalog.entry(for: "openrouter/anthropic/claude-opus-4-6")?.upstreamModel == "anthropic/claude-opus-4.6")
        let auto = try #require(catalog.entry(for: "openrouter/auto"))
        #expect(auto.inputPricePerMillion == nil && auto.outputPricePerMillion == nil && auto.upstreamModel == "openrouter/auto")
    }

    @Test func costCountsCachedTokensAtTheCachedPrice() throws {
        let gpt = try #require(BuiltinCatalog.entry("gpt-5.2"))
        // 1M prompt tokens of which 400K cached, 100K output:
        // 600K × 1.75 + 400K × 0.175 + 100K × 14 = 1.05 + 0.07 + 1.4 = 2.52 USD, exactly.
        #expect(try gpt.cost(for: Usage(inputTokens: 1_000_000, outputTokens: 100_000, cachedInputTokens: 400_000)) == .usd(2_520_000))
        #expect(try gpt.cost(for: Usage()) == .usd(0))

        let deepseek = try #require(BuiltinCatalog.entry("deepseek-chat"))
        #expect(try deepseek.cost(for: Usage(inputTokens: 2_000_000, outputTokens: 0, cachedInputTokens: 2_000_000)) == .usd(56_000))

        // No cached price: cached tokens are billed at the input price.
        let mistral = try #require(BuiltinCatalog.entry("mistral-large-3"))
        #expect(try mistral.cost(for: Usage(inputTokens: 1_000_000, outputTokens: 1_000_000, cachedInputTokens: 500_000)) == .usd(2_000_000))

        // Cached counts above the prompt are clamped (100 × 0.175 / 10^6 = 17.5 micro-USD, charged 18:
        // one rounding per call, up); negative counts count as zero; unknown prices give nil.
        #expect(try gpt.cost(for: Usage(inputTokens: 100, outputTokens: 0, cachedInputTokens: 1000)) == .usd(18))
        #expect(try gpt.cost(for: Usage(inputTokens: -5, outputTokens: -5, cachedInputTokens: -5)) == .usd(0))
        #expect(try BuiltinCatalog.entry("openrouter/auto")?.cost(for: Usage(inputTokens: 10, outputTokens: 10)) == nil)
    }

    @Test func costOverflowIsAnErrorNotATrap() throws {
        let absurd = ModelPricing(input: .usd(.max), output: .usd(.max))
        do {
            _ = try absurd.cost(of: Usage(inputTokens: Int.max, outputTokens: Int.max))
            Issue.record("no overflow")
        } catch {
            #expect(error.code == "money_overflow")
        }
    }

    @Test func lookupAcceptsProviderQualifiedNames() throws {
        let catalog = ModelCatalog.builtin
        #expect(catalog.entry(for: "openai/gpt-5.2")?.id == "gpt-5.2")
        #expect(catalog.entry(for: "anthropic/claude-opus-4-6")?.id == "claude-opus-4-6")
        #expect(catalog.entry(for: "groq/llama-4-scout")?.id == "llama-4-scout")
        // The exact id wins over the qualified reading.
        #expect(catalog.entry(for: "openrouter/openai/gpt-5.2")?.provider == .openrouter)
        // A provider prefix that does not serve the model, or is not a provider, matches nothing.
        #expect(catalog.entry(for: "anthropic/gpt-5.2") == nil)
        #expect(catalog.entry(for: "meta-llama/llama-4-maverick") == nil)
        #expect(catalog.entry(for: "GPT-5.2") == nil)
    }

    @Test func unknownModelsGetSuggestions() throws {
        let catalog = ModelCatalog.builtin
        #expect(catalog.suggestion(for: "gpt-5.3") == "gpt-5.2")
        #expect(catalog.suggestion(for: "claude-opus-4.6") == "claude-opus-4-6")
        #expect(catalog.suggestion(for: "GPT-4.1-MINI") == "gpt-4.1-mini")
        #expect(catalog.suggestion(for: "gemini-3-pro") == "gemini-3-pro-preview")
        #expect(catalog.suggestion(for: "claude-opus") == "claude-opus-4-6")
        #expect(catalog.suggestion(for: "maverick") == "llama-4-maverick")
        #expect(catalog.suggestion(for: "zz") == nil)
        #expect(catalog.suggestion(for: "completely-unrelated-name") == nil)
        do {
            _ = try catalog.require("gpt-5.3")
            Issue.record("expected model_not_found")
        } catch {
            #expect(error.code == "model_not_found")
            #expect(error.category == .notFound)
            #expect(error.message.contains("did you mean gpt-5.2?"))
        }
    }

    @Test func listingIsSortedAndFiltered() {
        let catalog = ModelCatalog.builtin
        let all = catalog.entries
        #expect(all.count == 38)
        #expect(all == all.sorted { ($0.provider.rawValue, $0.id) < ($1.provider.rawValue, $1.id) })
        let anthropic = catalog.entries(provider: .anthropic, includeDeprecated: false)
        #expect(anthropic.map(\.id) == ["claude-haiku-4-5", "claude-opus-4-6", "claude-sonnet-4-5"])
        #expect(catalog.entries(provider: .anthropic).count == 5)
        #expect(!catalog.entries(includeDeprecated: false).contains { $0.deprecated })
        #expect(catalog.entries(provider: .openrouter).count == 7)
    }

    @Test func jsonFormsAgreeAndRoundTrip() throws {
        for entry in BuiltinCatalog.entries {
            let encoded = try JSONEncoder().encode(entry)
            #expect(try JSONDecoder().decode(ModelEntry.self, from: encoded) == entry)
            #expect(try JSONValue(parsing: Array(encoded)) == entry.json, "\(entry.id)")
        }
        let json = try #require(BuiltinCatalog.entry("gpt-5.2-pro")).json
        #expect(json["wire"] == "openai-responses")
        #expect(json["cached_input_price_per_million"] == .null)
        #expect(json["display_name"] == "GPT-5.2 Pro")
        #expect(json["source"] == "builtin")
        #expect(json.objectValue?.count == 18)
    }
}
