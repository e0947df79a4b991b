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
        #expect(gpt.inputPricePerMillion == .usd(1_750_000) && gpt.outputPricePerMillion == .usd(14_000_000) && gpt.cachedInputPricePerMillion == .usd(175_000))
        #expect(gpt.contextWindow == 400_000 && gpt.maxOutputTokens == 128_000)
        #expect(gpt.supportsTools && gpt.supportsMultimodal && gpt.supportsExtendedThinking)
        #expect(gpt.wire == nil && !gpt.deprecated)

        // OpenRouter's own router keeps its id; "-1" prices are unknown, not negative.
        let auto = try #require(byID["openrouter/auto"])
        #expect(auto.upstreamID == "openrouter/auto")
        #expect(auto.inputPricePerMillion == nil && auto.outputPricePerMillion == nil && auto.maxOutputTokens == nil)

        let deepseek = try #require(byID["openrouter/deepseek/deepseek-v3.2"])
        #expect(deepseek.inputPricePerMillion == .usd(250_000) && deepseek.outputPricePerMillion == .usd(380_000))
        #expect(deepseek.cachedInputPricePerMillion == .usd(25_000))
        #expect(deepseek.supportsExtendedThinking && !deepseek.supportsMultimodal && deepseek.maxOutputTokens == 65_536)

        let scout = try #require(byID["openrouter/meta-llama/llama-4-scout"])
        #expect(scout.inputPricePerMillion == .usd(80_000) && scout.outputPricePerMillion == .usd(300_000) && scout.cachedInputPricePerMillion == nil)
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
        #expect(fallback.inputPricePerMillion == .usd(0) && !fallback.supportsTools)
    }

    @Test func perTokenPricesAreScaledExactly() {
        func price(_ text: String) -> Money?? { RemoteCatalog.price(.string(text)) }
        #expect(price("0.0000003") == Money.usd(300_000))
        #expect(price("0.00000175") == Money.usd(1_750_000))
        #expect(price(" 0.000015 ") == Money.usd(15_000_000))
        #expect(price("1.5e-7") == Money.usd(150_000))
        #expect(price("0") == Money.usd(0))
        // A price below a micro-USD per million tokens rounds up: money fails closed.
        #expect(price("0.0000000000001") == Money.usd(1))
        #expect(price("-1") == .some(nil))
        #expect(price("-0.000000000000001") == .some(nil))
        for malformed in ["1e", "NaN", "inf", "", "$0.000001", "0x1p-20", "1,5"] {
            #expect(price(malformed) == nil, "\(malformed)")
        }
        #expect(RemoteCatalog.price(.number(0.000001)) == nil)
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
            inputPricePerMillion: .usd(1_000_000), outputPricePerMillion: .usd(2_000_000), cachedInputPricePerMillion: .usd(500_000), knowledgeCutoff: "2024-01",
            deprecated: true, sunset: "2026-06-30", note: "going away", wire: .openAIResponses, upstreamID: "vendor/old-2024")
        let incoming = ModelEntry(
            id: "openrouter/vendor/old-2024", provider: .openrouter, displayName: "Vendor: Old", contextWindow: 16000,
            supportsTools: false, supportsMultimodal: true, inputPricePerMillion: .usd(3_000_000), outputPricePerMillion: .usd(4_000_000),
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
        #expect(updated.inputPricePerMillion == .usd(3_000_000) && updated.outputPricePerMillion == .usd(4_000_000) && updated.cachedInputPricePerMillion == nil)
        #expect(merged.entry(for: "gpt-5.2")?.displayName == "GPT-5.2")
    }

    @Test func overridesWinOverBuiltinsAndRemote() throws {
        let overrides: [String: ModelOverride] = [
            "llama-4-scout": ModelOverride(contextWindow: 131_072, maxOutputTokens: 8192),
            "openrouter/anthropic/claude-opus-4-6": ModelOverride(displayName: "Opus via OR", inputPricePerMillion: .usd(4_500_000)),
            "local/qwen3-coder": ModelOverride(
                provider: .local, contextWindow: 32_768, supportsTools: true, inputPricePerMillion: .usd(0), outputPricePerMillion: .usd(0),
                upstreamID: "qwen3-coder:30b"),
            "gpt-4o": ModelOverride(deprecated: false, note: "still used by the billing agent"),
        ]
        let catalog = try ModelCatalog.assemble(remote: try Self.remote().entries, overrides: overrides)
        #expect(catalog.count == 41)

        let scout = try #require(catalog.entry(for: "llama-4-scout"))
        #expect(scout.contextWindow == 131_072 && scout.maxOutputTokens == 8192 && scout.source == .override)
        #expect(scout.inputPricePerMillion == .usd(150_000) && scout.provider == .groq)

        let opus = try #require(catalog.entry(for: "openrouter/anthropic/claude-opus-4-6"))
        #expect(opus.displayName == "Opus via OR" && opus.inputPricePerMillion == .usd(4_500_000))
        #expect(opus.contextWindow == 1_000_000 && opus.outputPricePerMillion == .usd(25_000_000))

        let local = try #require(catalog.entry(for: "local/qwen3-coder"))
        #expect(local.provider == .local && local.contextWindow == 32_768 && local.displayName == "local/qwen3-coder")
        #expect(local.supportsTools && !local.supportsMultimodal && local.upstreamModel == "qwen3-coder:30b")
        #expect(try local.cost(for: Usage(inputTokens: 1000, outputTokens: 1000)) == .usd(0))
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
        #expect(failure(["gpt-5.2": ModelOverride(inputPricePerMillion: .usd(-1_000_000))])?.message.contains("input_price_per_million") == true)
        let credits = Money(microunits: 1, currency: .credits)
        #expect(failure(["gpt-5.2": ModelOverride(outputPricePerMillion: credits)])?.message.contains("must be in USD") == true)
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
        #expect(override.inputPricePerMillion == .usd(2_000_000) && override.outputPricePerMillion == .usd(500_000))
        #expect(override.supportsExtendedThinking == true && override.wire == .openAIChat && override.displayName == nil)
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode(ModelOverride.self, from: Data("{\"provider\": \"skynet\"}".utf8))
        }
    }
}
