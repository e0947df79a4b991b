import Foundation
import TauCore
import Testing

@testable import TauProviders

/// Parsing OpenRouter's model list, and the merge policy: built-ins, then remote, then overrides.
@Suite struct CatalogMergeTests {
    static func fixture(_ name: String = "openrouter-models") throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    static func remote() throws -> RemoteCatalog {
        try RemoteCatalog.parse(fixture())
    }

    @Test func parsesARecordedModelList() throws {
        let remote = try Self.remote()
        #expect(remote.entries.count == 6)
        #expect(remote.skipped == 1)
        #expect(remote.truncated == 0)
        #expect(remote.entries.allSatisfy { $0.provider == .openrouter && $0.source == .remote })
        let byID = Dictionary(uniqueKeysWithValues: remote.entries.map { ($0.id, $0) })

        let gpt = try #require(byID["openrouter/openai/gpt-5.2"])
        #expect(gpt.upstreamID == "openai/gpt-5.2")
        #expect(gpt.displayName == "OpenAI: GPT-5.2")
        #expect(gpt.inputPricePerMillion == 1.75 && gpt.outputPricePerMillion == 14 && gpt.cachedInputPricePerMillion == 0.175)
        #expect(gpt.contextWindow == 400_000 && gpt.maxOutputTokens == 128_000)
        #expect(gpt.supportsTools && gpt.supportsMultimodal && gpt.supportsExtendedThinking)
        #expect(gpt.wire == nil && !gpt.deprecated)

        // OpenRouter's own router keeps its id; "-1" prices are unknown, not negative.
        let auto = try #require(byID["openrouter/auto"])
        #expect(auto.upstreamID == "openrouter/auto")
        #expect(auto.inputPricePerMillion == nil && auto.outputPricePerMillion == nil && auto.maxOutputTokens == nil)

        let deepseek = try #require(byID["openrouter/deepseek/deepseek-v3.2"])
        #expect(deepseek.inputPricePerMillion == 0.25 && deepseek.outputPricePerMillion == 0.38)
        #expect(deepseek.cachedInputPricePerMillion == 0.025)
        #expect(deepseek.supportsExtendedThinking && !deepseek.supportsMultimodal && deepseek.maxOutputTokens == 65_536)

        let scout = try #require(byID["openrouter/meta-llama/llama-4-scout"])
        #expect(scout.inputPricePerMillion == 0.08 && scout.outputPricePerMillion == 0.3 && scout.cachedInputPricePerMillion == nil)
        #expect(scout.supportsTools && scout.supportsMultimodal && !scout.supportsExtendedThinking)

        #expect(byID["openrouter/example/half-listed-model"] == nil)
    }

    @Test func refusesBodiesOfTheWrongShape() {
        for body in ["<html>Bad gateway</html>", "[]", "{\"models\": []}", "{\"data\": {}}", "{\"data\": null}", ""] {
            #expect(throws: ProviderError.self, "\(body)") {
                _ = try RemoteCatalog.parse(Array(body.utf8))
            }
            do {
                _ = try RemoteCatalog.parse(Array(body.utf8))
            } catch {
                #expect(error.code == "catalog_invalid")
                #expect(error.category == .unavailable)
            }
        }
        #expect((try? RemoteCatalog.parse(Array("{\"data\": []}".utf8)))?.entries.isEmpty == true)
    }

    @Test func skipsMalformedEntriesAndCountsThem() throws {
        func model(_ id: JSONValue, context: JSONValue = 8192, prompt: JSONValue = "0.000001", cacheRead: JSONValue? = nil) -> JSONValue {
            var pricing: JSONValue = ["prompt": prompt, "completion": "0.000002"]
            if let cacheRead { pricing["input_cache_read"] = cacheRead }
            return ["id": id, "name": "M", "context_length": context, "pricing": pricing]
        }
        let body: JSONValue = [
            "data": [
                model("good/one"),
                42, "text", .null,
                model(""), model("has space/model"), model(7), model("no/context", context: .null),
                model("zero/context", context: 0), model("bad/price", prompt: "1e"), model("nan/price", prompt: "NaN"),
                model("bad/cache", cacheRead: "?"),
                model("good/one"),
                model("null/cache", cacheRead: .null),
                ["id": "fallback/context", "pricing": ["prompt": "0", "completion": "0"], "top_provider": ["context_length": 4096],
                 "architecture": ["modality": "text+image->text"]],
            ]
        ]
        let remote = try RemoteCatalog.parse(body.canonicalBytes())
        #expect(remote.entries.map(\.id) == ["openrouter/good/one", "openrouter/null/cache", "openrouter/fallback/context"])
        #expect(remote.skipped == 12)
        let fallback = try #require(remote.entries.last)
        #expect(fallback.contextWindow == 4096 && fallback.supportsMultimodal && fallback.displayName == "fallback/context")
        #expect(fallback.inputPricePerMillion == 0 && !fallback.supportsTools)
    }

    @Test func capsTheNumberOfEntries() throws {
        let models: [JSONValue] = (0..<12).map { index in
            ["id": .string("vendor/model-\(index)"), "context_length": 1000, "pricing": ["prompt": "0", "completion": "0"]]
        }
        let remote = try RemoteCatalog.parse(JSONValue.object(["data": .array(models)]).canonicalBytes(), maximumEntries: 10)
        #expect(remote.entries.count == 10)
        #expect(remote.truncated == 2)
        #expect(RemoteCatalog.maximumEntries == 5000)
    }

    @Test func remoteEntriesRefreshOpenRouterBuiltinsAndAddTheRest() throws {
        let merged = ModelCatalog.builtin.merging(remote: try Self.remote().entries)
        // 38 built-ins + deepseek-v3.2 + llama-4-scout; the other four matched built-ins.
        #expect(merged.count == 40)

        // Matched by upstream id although OpenRouter's slug differs from the entry id.
        let opus = try #require(merged.entry(for: "openrouter/anthropic/claude-opus-4-6"))
        #expect(opus.contextWindow == 1_000_000 && opus.displayName == "Anthropic: Claude Opus 4.6" && opus.source == .remote)
        #expect(opus.upstreamID == "anthropic/claude-opus-4.6" && opus.provider == .openrouter)
        #expect(merged.entry(for: "openrouter/anthropic/claude-opus-4.6") == nil)

        let mistral = try #require(merged.entry(for: "openrouter/mistralai/mistral-large-3"))
        #expect(mistral.contextWindow == 262_144 && !mistral.supportsExtendedThinking && mistral.maxOutputTokens == nil)
        #expect(merged.entry(for: "openrouter/mistralai/mistral-large-2512") == nil)

        // Unknown remote prices keep the built-in ones (here: none); the window is refreshed.
        let auto = try #require(merged.entry(for: "openrouter/auto"))
        #expect(auto.inputPricePerMillion == nil && auto.source == .remote && auto.note != nil)

        // Built-ins the remote list lacks stay as they were; other providers are untouched.
        #expect(merged.entry(for: "openrouter/deepseek/deepseek-chat") == BuiltinCatalog.entry("openrouter/deepseek/deepseek-chat"))
        #expect(merged.entry(for: "gpt-5.2") == BuiltinCatalog.entry("gpt-5.2"))
        #expect(merged.entry(for: "openrouter/deepseek/deepseek-v3.2")?.source == .remote)
    }

    @Test func remoteNeverChangesIdentityWireOrDeprecation() throws {
        let pinned = ModelEntry(
            id: "openrouter/vendor/old", provider: .openrouter, displayName: "Old", contextWindow: 8000, maxOutputTokens: 1000,
            inputPricePerMillion: 1, outputPricePerMillion: 2, cachedInputPricePerMillion: 0.5, knowledgeCutoff: "2024-01",
            deprecated: true, sunset: "2026-06-30", note: "going away", wire: .openAIResponses, upstreamID: "vendor/old-2024")
        let incoming = ModelEntry(
            id: "openrouter/vendor/old-2024", provider: .openrouter, displayName: "Vendor: Old", contextWindow: 16000,
            supportsTools: false, supportsMultimodal: true, inputPricePerMillion: 3, outputPricePerMillion: 4,
            knowledgeCutoff: "2025-01", upstreamID: "vendor/old-2024", source: .remote)
        let stranger = ModelEntry(id: "gpt-5.2", provider: .openai, displayName: "Hijack", contextWindow: 1, source: .remote)
        let merged = ModelCatalog([pinned, try #require(BuiltinCatalog.entry("gpt-5.2"))]).merging(remote: [incoming, stranger])
        #expect(merged.count == 2)
        let updated = try #require(merged.entry(for: "openrouter/vendor/old"))
        #expect(updated.id == pinned.id && updated.provider == .openrouter && updated.wire == .openAIResponses)
        #expect(updated.deprecated && updated.sunset == "2026-06-30" && updated.note == "going away")
        #expect(updated.upstreamID == "vendor/old-2024" && updated.knowledgeCutoff == "2024-01")
        #expect(updated.contextWindow == 16000 && updated.maxOutputTokens == 1000 && updated.displayName == "Vendor: Old")
        #expect(!updated.supportsTools && updated.supportsMultimodal)
        // Known remote prices replace all three, so a stale cache discount goes away.
        #expect(updated.inputPricePerMillion == 3 && updated.outputPricePerMillion == 4 && updated.cachedInputPricePerMillion == nil)
        #expect(merged.entry(for: "gpt-5.2")?.displayName == "GPT-5.2")
    }

    @Test func overridesWinOverBuiltinsAndRemote() throws {
        let overrides: [String: ModelOverride] = [
            "llama-4-scout": ModelOverride(contextWindow: 131_072, maxOutputTokens: 8192),
            "openrouter/anthropic/claude-opus-4-6": ModelOverride(displayName: "Opus via OR", inputPricePerMillion: 4.5),
            "local/qwen3-coder": ModelOverride(
                provider: .local, contextWindow: 32_768, supportsTools: true, inputPricePerMillion: 0, outputPricePerMillion: 0,
                upstreamID: "qwen3-coder:30b"),
            "gpt-4o": ModelOverride(deprecated: false, note: "still used by the billing agent"),
        ]
        let catalog = try ModelCatalog.assemble(remote: try Self.remote().entries, overrides: overrides)
        #expect(catalog.count == 41)

        let scout = try #require(catalog.entry(for: "llama-4-scout"))
        #expect(scout.contextWindow == 131_072 && scout.maxOutputTokens == 8192 && scout.source == .override)
        #expect(scout.inputPricePerMillion == 0.15 && scout.provider == .groq)

        let opus = try #require(catalog.entry(for: "openrouter/anthropic/claude-opus-4-6"))
        #expect(opus.displayName == "Opus via OR" && opus.inputPricePerMillion == 4.5)
        #expect(opus.contextWindow == 1_000_000 && opus.outputPricePerMillion == 25)

        let local = try #require(catalog.entry(for: "local/qwen3-coder"))
        #expect(local.provider == .local && local.contextWindow == 32_768 && local.displayName == "local/qwen3-coder")
        #expect(local.supportsTools && !local.supportsMultimodal && local.upstreamModel == "qwen3-coder:30b")
        #expect(local.cost(for: Usage(inputTokens: 1000, outputTokens: 1000)) == 0)
        #expect(local.source == .override)

        #expect(catalog.entry(for: "gpt-4o")?.deprecated == false)
        #expect(catalog.entries(provider: .openai, includeDeprecated: false).contains { $0.id == "gpt-4o" })
    }

    @Test func overridesAreValidated() {
        func failure(_ overrides: [String: ModelOverride]) -> ProviderError? {
            do {
                _ = try ModelCatalog.assemble(overrides: overrides)
                return nil
            } catch {
                return error
            }
        }
        let noProvider = failure(["my-model": ModelOverride(contextWindow: 1000)])
        #expect(noProvider?.code == "catalog_override_invalid")
        #expect(noProvider?.message.contains("needs provider") == true)
        let neither = failure(["my-model": ModelOverride(displayName: "Mine")])
        #expect(neither?.message.contains("provider and context_window") == true)
        let noWindow = failure(["my-model": ModelOverride(provider: .local)])
        #expect(noWindow?.message.contains("needs context_window") == true)
        #expect(failure(["gpt-5.2": ModelOverride(inputPricePerMillion: -1)])?.message.contains("input_price_per_million") == true)
        #expect(failure(["gpt-5.2": ModelOverride(outputPricePerMillion: .infinity)]) != nil)
        #expect(failure(["gpt-5.2": ModelOverride(contextWindow: 0)])?.message.contains("context_window") == true)
        #expect(failure(["gpt-5.2": ModelOverride(knowledgeCutoff: "Aug 2025")])?.message.contains("knowledge_cutoff") == true)
        #expect(failure(["gpt-5.2": ModelOverride(sunset: "2026-13-01")])?.message.contains("sunset") == true)
        #expect(failure(["bad id": ModelOverride(provider: .local, contextWindow: 10)]) != nil)
        #expect(failure(["gpt-5.2": ModelOverride(knowledgeCutoff: "2025-08", sunset: "2026-03-31")]) == nil)
    }

    @Test func overridesDecodeWithSnakeCaseKeysAndIntegerPrices() throws {
        let json = """
            {"provider": "local", "context_window": 32768, "input_price_per_million": 2, "output_price_per_million": 0.5,
             "supports_extended_thinking": true, "upstream_id": "qwen3", "wire": "openai-chat"}
            """
        let override = try JSONDecoder().decode(ModelOverride.self, from: Data(json.utf8))
        #expect(override.provider == .local && override.contextWindow == 32_768 && override.upstreamID == "qwen3")
        #expect(override.inputPricePerMillion == 2 && override.outputPricePerMillion == 0.5)
        #expect(override.supportsExtendedThinking == true && override.wire == .openAIChat && override.displayName == nil)
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode(ModelOverride.self, from: Data("{\"provider\": \"skynet\"}".utf8))
        }
    }
}
