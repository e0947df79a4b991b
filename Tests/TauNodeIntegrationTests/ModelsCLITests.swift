import Foundation
import TauCore
import TauIdentity
import TauNode
import TauProviders
import TauTesting
import Testing

/// A small OpenRouter `GET /api/v1/models` answer: one model the built-ins lack, one that
/// refreshes a built-in, and one malformed.
private let openRouterList = """
    {"data": [
      {"id": "deepseek/deepseek-v3.2", "name": "DeepSeek: DeepSeek V3.2", "created": 1764594642, "context_length": 163840,
       "architecture": {"modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"]},
       "pricing": {"prompt": "0.00000025", "completion": "0.00000038", "input_cache_read": "0.000000025"},
       "top_provider": {"context_length": 163840, "max_completion_tokens": 65536, "is_moderated": false},
       "supported_parameters": ["include_reasoning", "max_tokens", "reasoning", "tool_choice", "tools"]},
      {"id": "openai/gpt-5.2", "name": "OpenAI: GPT-5.2", "created": 1765389775, "context_length": 400000,
       "architecture": {"modality": "text+image->text", "input_modalities": ["file", "image", "text"], "output_modalities": ["text"]},
       "pricing": {"prompt": "0.0000016", "completion": "0.000013", "input_cache_read": "0.00000016"},
       "top_provider": {"context_length": 400000, "max_completion_tokens": 128000, "is_moderated": true},
       "supported_parameters": ["include_reasoning", "reasoning", "tools"]},
      {"id": "broken/model", "name": "Broken", "context_length": "lots", "pricing": {}}
    ]}
    """

/// `tau-node models list / show / refresh`, run as the built binary in temporary homes.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ModelsCLITests {
    func tau(_ arguments: [String]) async throws -> TauNodeProcess.Result {
        try await TauNodeProcess.run(arguments)
    }

    func json(_ result: TauNodeProcess.Result) throws -> JSONValue {
        try JSONValue(parsing: result.standardOutput)
    }

    func ids(_ result: TauNodeProcess.Result) throws -> [String] {
        try json(result)["models"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test func listsTheBuiltInCatalog() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")

        let listed = try await tau(["models", "list", "--home", home, "--json"])
        #expect(listed.exitCode == 0, "\(listed.standardError)")
        let body = try json(listed)
        let current = try ids(listed)
        #expect(current.count == 34)
        #expect(body["count"] == 34)
        #expect(body["remote"] == .null)
        for id in ["gpt-5.2", "claude-opus-4-6", "gemini-3-pro-preview", "deepseek-chat", "openrouter/auto"] {
            #expect(current.contains(id), "\(id)")
        }
        #expect(!current.contains("gpt-4o"))
        let gpt = try #require(body["models"]?.arrayValue?.first { $0["id"] == "gpt-5.2" })
        #expect(gpt["input_price_per_million"] == 1.75 && gpt["context_window"] == 400_000 && gpt["provider"] == "openai")
        // Listing creates nothing in the home.
        #expect(!FileManager.default.fileExists(atPath: home))

        let everything = try await tau(["models", "list", "--home", home, "--json", "--include-deprecated"])
        #expect(try ids(everything).count == 38)
        #expect(try ids(everything).contains("gpt-4o"))

        let anthropic = try await tau(["models", "list", "--home", home, "--json", "--provider", "anthropic"])
        #expect(try ids(anthropic) == ["claude-haiku-4-5", "claude-opus-4-6", "claude-sonnet-4-5"])
        let unknownProvider = try await tau(["models", "list", "--home", home, "--provider", "acme"])
        #expect(unknownProvider.exitCode == 64)
        #expect(unknownProvider.standardError.contains("openrouter"))

        let text = try await tau(["models", "--home", home])
        #expect(text.exitCode == 0)
        #expect(text.standardOutput.contains("ID"))
        #expect(text.standardOutput.contains("$IN/M"))
        let line = try #require(text.standardOutput.split(separator: "\n").first { $0.hasPrefix("gpt-5.2 ") })
        for cell in ["openai", "400K", "1.75", "14.00", "TMR"] { #expect(line.contains(cell), "\(cell) in \(line)") }
        #expect(text.standardOutput.contains("4 deprecated hidden"))
        let deepseek = try #require(text.standardOutput.split(separator: "\n").first { $0.hasPrefix("deepseek-chat ") })
        #expect(deepseek.contains("164K") && deepseek.contains("0.28") && deepseek.contains("0.42"))
    }

    @Test func showsOneModelAndSuggestsOnTypos() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")

        let shown = try json(try await tau(["models", "show", "gpt-5.2-pro", "--home", home, "--json"]))
        #expect(shown["wire"] == "openai-responses")
        #expect(shown["output_price_per_million"] == 168)
        #expect(shown["cached_input_price_per_million"] == .null)
        #expect(shown["source"] == "builtin")

        let text = try await tau(["models", "show", "anthropic/claude-opus-4-6", "--home", home])
        #expect(text.exitCode == 0, "\(text.standardError)")
        for fragment in ["claude-opus-4-6", "Claude Opus 4.6", "anthropic-messages (provider default)", "128,000 tokens", "0.50"] {
            #expect(text.standardOutput.contains(fragment), "\(fragment)")
        }
        let routed = try await tau(["models", "show", "openrouter/openai/gpt-5.2", "--home", home])
        #expect(routed.standardOutput.contains("openai/gpt-5.2"))

        let typo = try await tau(["models", "show", "gpt-5.3", "--home", home])
        #expect(typo.exitCode == 66)
        #expect(typo.standardError.contains("model_not_found"))
        #expect(typo.standardError.contains("did you mean gpt-5.2?"))
        let typoJSON = try await tau(["models", "show", "claude-opus-4.6", "--home", home, "--json"])
        #expect(typoJSON.exitCode == 66)
        #expect(try json(typoJSON)["error"]?["code"] == "model_not_found")
        #expect(try json(typoJSON)["error"]?["message"]?.stringValue?.contains("claude-opus-4-6") == true)
    }

    @Test func refreshFetchesIntoTheCacheAndKeepsItOnFailure() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let cachePath = home + "/catalog-cache.json"

        let unconfigured = try await tau(["models", "refresh", "--home", home, "--json"])
        #expect(unconfigured.exitCode == 65)
        #expect(try json(unconfigured)["error"]?["code"] == "catalog_not_configured")
        #expect(unconfigured.standardError.contains("https://openrouter.ai/api/v1/models"))

        try await StaticHTTPServer.with(["/api/v1/models": .init(body: openRouterList)]) { baseURL in
            try AtomicFile.write("[catalog]\nurl = \"\(baseURL)/api/v1/models\"\nttl = \"1h\"\n", to: home + "/config.toml")
            let refreshed = try await TauNodeProcess.run(["models", "refresh", "--home", home, "--json"])
            #expect(refreshed.exitCode == 0, "\(refreshed.standardError)")
            let summary = try JSONValue(parsing: refreshed.standardOutput)
            #expect(summary["models"] == 2 && summary["skipped"] == 1 && summary["cache"]?.stringValue == cachePath)
            let text = try await TauNodeProcess.run(["models", "refresh", "--home", home])
            #expect(text.standardOutput.contains("Fetched 2 models"))
            #expect(text.standardOutput.contains("1 malformed skipped"))
        }
        let cached = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: cachePath))))
        #expect(cached["entries"]?.arrayValue?.count == 2)
        #expect(cached["fetched_at"]?.stringValue?.hasSuffix("Z") == true)

        // The cached list is merged in: a new model, and fresh prices for a built-in OpenRouter entry.
        let listed = try json(try await tau(["models", "list", "--home", home, "--json", "--provider", "openrouter"]))
        #expect(listed["remote"]?["stale"] == false)
        let models = try #require(listed["models"]?.arrayValue)
        #expect(models.contains { $0["id"] == "openrouter/deepseek/deepseek-v3.2" && $0["source"] == "remote" })
        let gpt = try #require(models.first { $0["id"] == "openrouter/openai/gpt-5.2" })
        #expect(gpt["input_price_per_million"] == 1.6 && gpt["source"] == "remote")
        #expect(try json(try await tau(["models", "show", "gpt-5.2", "--home", home, "--json"]))["input_price_per_million"] == 1.75)

        // Failures leave the cache byte for byte as it was.
        let before = try Data(contentsOf: URL(fileURLWithPath: cachePath))
        try AtomicFile.write("[catalog]\nurl = \"http://127.0.0.1:1/api/v1/models\"\n", to: home + "/config.toml")
        let unreachable = try await tau(["models", "refresh", "--home", home, "--json"])
        #expect(unreachable.exitCode == 69)
        #expect(try json(unreachable)["error"]?["code"] == "catalog_unreachable")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cachePath)) == before)
        try await StaticHTTPServer.with(["/api/v1/models": .init(body: "<html>down for maintenance</html>", contentType: "text/html")]) { baseURL in
            try AtomicFile.write("[catalog]\nurl = \"\(baseURL)/api/v1/models\"\n", to: home + "/config.toml")
            let invalid = try await TauNodeProcess.run(["models", "refresh", "--home", home])
            #expect(invalid.exitCode == 69)
            #expect(invalid.standardError.contains("catalog_invalid"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: cachePath)) == before)
        // The old cache still serves, though it now counts as stale (another URL).
        let stale = try await tau(["models", "list", "--home", home, "--json"])
        #expect(try ids(stale).contains("openrouter/deepseek/deepseek-v3.2"))
        #expect(try json(stale)["remote"]?["stale"] == true)
    }

    @Test func configOverridesPinAndAddModels() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try AtomicFile.write(
            """
            [catalog.models."llama-4-scout"]
            context_window = 131072
            max_output_tokens = 8192

            [catalog.models."local/qwen3-coder"]
            provider = "local"
            context_window = 32768
            supports_tools = true
            input_price_per_million = 0
            output_price_per_million = 0
            upstream_id = "qwen3-coder:30b"
            """, to: home + "/config.toml")
        let scout = try json(try await tau(["models", "show", "llama-4-scout", "--home", home, "--json"]))
        #expect(scout["context_window"] == 131_072 && scout["max_output_tokens"] == 8192 && scout["source"] == "override")
        let local = try await tau(["models", "list", "--home", home, "--provider", "local"])
        #expect(local.standardOutput.contains("local/qwen3-coder"))
        #expect(local.standardOutput.contains("0.00"))
        #expect(local.standardOutput.contains("TO"))

        try AtomicFile.write("[catalog.models.\"my-model\"]\ncontext_window = 1000\n", to: home + "/config.toml")
        let incomplete = try await tau(["models", "list", "--home", home, "--json"])
        #expect(incomplete.exitCode == 65)
        #expect(try json(incomplete)["error"]?["code"] == "config_invalid")
        #expect(incomplete.standardError.contains("needs provider"))

        try AtomicFile.write("[catalog.models.\"gpt-5.2\"]\ncontext_windw = 1000\n", to: home + "/config.toml")
        let typo = try await tau(["models", "list", "--home", home])
        #expect(typo.exitCode == 65)
        #expect(typo.standardError.contains("context_windw"))

        try AtomicFile.write("[catalog]\nttl = \"forever\"\n", to: home + "/config.toml")
        #expect(try await tau(["models", "list", "--home", home]).exitCode == 65)
    }
}

/// ``CatalogStore`` in process: staleness with an injected clock, damaged caches, refresh.
@Suite(.timeLimit(.minutes(10))) struct CatalogStoreTests {
    func store(_ home: String, url: String?, ttl: String? = nil, at date: Date) -> CatalogStore {
        let configuration = NodeConfiguration.Catalog(url: url, ttl: ttl)
        var full = NodeConfiguration()
        full.catalog = configuration
        return CatalogStore(home: NodeHome(path: home), configuration: full, http: PolicedHTTPClient.loopback, now: { date })
    }

    @Test func stalenessFollowsTheTTL() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fetched = Date(timeIntervalSince1970: 1_771_000_000)
        try await StaticHTTPServer.with(["/api/v1/models": .init(body: openRouterList)]) { baseURL in
            let url = baseURL + "/api/v1/models"
            let catalogStore = self.store(directory.path, url: url, ttl: "2h", at: fetched)
            #expect(catalogStore.isStale)
            let refresh = try await catalogStore.refresh()
            #expect(refresh.cache.entries.count == 2 && refresh.cache.skipped == 1 && refresh.cache.fetchedAt == fetched)
            #expect(try catalogStore.cache() == refresh.cache)
            #expect(!catalogStore.isStale)
            #expect(!catalogStore.isStale(at: fetched.addingTimeInterval(7199)))
            #expect(catalogStore.isStale(at: fetched.addingTimeInterval(7200)))
            #expect(catalogStore.isStale(at: fetched.addingTimeInterval(-60)))
            // The default TTL is a day; another URL makes the cache stale at once.
            #expect(!self.store(directory.path, url: url, at: fetched.addingTimeInterval(86_000)).isStale)
            #expect(self.store(directory.path, url: url + "?v=2", at: fetched).isStale)
            // Without a URL nothing is stale, but the cache is still used.
            let offline = self.store(directory.path, url: nil, at: fetched)
            #expect(!offline.isStale)
            #expect(try offline.load().entry(for: "openrouter/deepseek/deepseek-v3.2") != nil)
        }
    }

    @Test func aDamagedCacheIsIgnoredByLoadAndReportedByCache() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let damaged = self.store(directory.path, url: "https://openrouter.ai/api/v1/models", at: Date())
        #expect(try damaged.cache() == nil)
        try AtomicFile.write("{\"fetched_at\": \"yesterday\"", to: damaged.cachePath)
        #expect(throws: NodeError.self) { _ = try damaged.cache() }
        #expect(try damaged.load().count == BuiltinCatalog.entries.count)
        #expect(damaged.isStale)
    }
}
