import TauCore
import Testing

@testable import TauNode

struct NodeConfigurationTests {
    @Test func parsesEveryKey() throws {
        let configuration = try NodeConfiguration.parse(
            """
            [node]
            name = "alpha"
            public_url = "https://alpha.example.org"
            [server]
            host = "0.0.0.0"
            port = 8080
            [resolver]
            sources = ["http://127.0.0.1:7421"]
            cache_ttl_seconds = 5
            max_clock_skew_seconds = 30
            insecure_web_hosts = ["localhost"]
            """)
        #expect(configuration.node?.name == "alpha")
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 8080)
        #expect(configuration.publicURL == "https://alpha.example.org")
        #expect(configuration.resolver?.sources == ["http://127.0.0.1:7421"])
        #expect(configuration.resolver?.cache_ttl_seconds == 5)
    }

    @Test func defaults() throws {
        let configuration = try NodeConfiguration.parse("")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 7420)
        #expect(configuration.publicURL == "http://127.0.0.1:7420")
    }

    @Test func theInitTemplateParses() throws {
        let configuration = try NodeConfiguration.parse(NodeConfiguration.template(name: "say \"hi\"\nnew\\line\u{7}", publicURL: nil))
        #expect(configuration.node?.name == "say \"hi\"\nnew\\line\u{7}")
        #expect(configuration.port == 7420)
    }

    @Test(arguments: [
        "[server]\nprot = 1",
        "[sever]\nport = 1",
        "[server]\nport = 70000",
        "[server]\nport = \"x\"",
        "[resolver]\nsources = [\"ftp://x\"]",
        "[resolver]\ncache_ttl_seconds = -1",
        "[node\nname = 1",
    ])
    func rejectsBadConfiguration(text: String) {
        #expect(throws: NodeError.self) { try NodeConfiguration.parse(text) }
    }

    @Test func metricsLabelOnlyAliasesBuiltInIdsAndOverrides() throws {
        let configuration = try NodeConfiguration.parse(
            """
            [routes]
            assistant = ["openai:gpt-4.1-mini"]
            [catalog.models."house-model"]
            provider = "local"
            context_window = 8192
            """)
        let listed = NodeModels.listedNames(configuration: configuration)
        #expect(listed("assistant"))
        #expect(listed("gpt-4.1-mini"))
        #expect(listed("house-model"))
        #expect(!listed("openai:gpt-4.1-mini"))
        #expect(!listed("openrouter/someone/some-remote-model"))
        #expect(!listed("made-up"))
    }

    @Test func catalogPricesAreExactFromTOMLFloatsIntegersAndStrings() throws {
        let configuration = try NodeConfiguration.parse(
            """
            [catalog.models."house-model"]
            provider = "local"
            context_window = 8192
            input_price_per_million = 0.1
            output_price_per_million = 3
            cached_input_price_per_million = "0.000001"
            """)
        let model = try #require(configuration.catalog?.models?["house-model"])
        // 0.1 is read from its shortest text, not as the binary fraction nearest to it.
        #expect(model.inputPricePerMillion == Money(microunits: 100_000, currency: .usd))
        #expect(model.outputPricePerMillion == Money(microunits: 3_000_000, currency: .usd))
        #expect(model.cachedInputPricePerMillion == Money(microunits: 1, currency: .usd))
    }

    @Test(arguments: [
        ("input_price_per_million = 0.0000001", "money_too_precise"),
        ("input_price_per_million = 1e30", "money_overflow"),
        ("input_price_per_million = \"abc\"", "money_invalid"),
        ("input_price_per_million = nan", "money_invalid"),
        ("input_price_per_million = -1", "must be a number ≥ 0"),
    ])
    func refusesInexactOrNegativePrices(line: String, reason: String) {
        let text = "[catalog.models.\"gpt-5.2\"]\n" + line
        do {
            _ = try NodeConfiguration.parse(text)
            Issue.record("\(line) was accepted")
        } catch {
            #expect(error.code == "config_invalid")
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }
}
