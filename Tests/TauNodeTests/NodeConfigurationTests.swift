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
        let settings = try NodeSettings(configuration: configuration, home: Self.home, environment: [:])
        #expect(settings.name == "alpha")
        #expect(settings.server.host == "0.0.0.0" && settings.server.port == 8080)
        #expect(settings.server.advertisedURL == "https://alpha.example.org")
        #expect(settings.resolver.sources == ["http://127.0.0.1:7421"])
        #expect(settings.resolver.cacheTTL == .seconds(5) && settings.resolver.maximumClockSkew == 30)
        #expect(settings.resolver.insecureWebHosts == ["localhost"])
    }

    static let home = NodeHome(path: "/srv/tau")

    @Test func defaults() throws {
        let settings = try NodeSettings(configuration: try NodeConfiguration.parse(""), home: Self.home, environment: [:])
        #expect(settings.server.host == "127.0.0.1" && settings.server.port == 7420)
        #expect(settings.server.advertisedURL == "http://127.0.0.1:7420" && settings.server.publicURL == nil)
        #expect(settings.database.location == .sqlite(path: "/srv/tau/node.sqlite") && settings.database.timeout == .seconds(5))
        #expect(settings.mesh.gossipInterval == .seconds(30) && settings.mesh.gossipFanout == 3 && settings.mesh.maximumClockSkew == 300)
        #expect(settings.gateway.auth == .keys && settings.gateway.idleTimeout == .seconds(600))
        #expect(settings.gateway.budgetedMaxOutputTokens == 8192)
    }

    @Test func typedValuesAndTheDatabaseVariable() throws {
        let configuration = try NodeConfiguration.parse(
            """
            [database]
            url = "postgres://tau@db:5432/tau"
            timeout = "2s"
            [mesh]
            gossip_interval = "500ms"
            max_clock_skew = "2m"
            [gateway]
            auth = "localhost-dev"
            request_timeout = "90s"
            budgeted_max_tokens = 2048
            """)
        let settings = try NodeSettings(configuration: configuration, home: Self.home, environment: [:])
        #expect(settings.database.location == .postgres(url: "postgres://tau@db:5432/tau") && settings.database.timeout == .seconds(2))
        #expect(settings.mesh.gossipInterval == .milliseconds(500) && settings.mesh.maximumClockSkew == 120)
        #expect(settings.gateway.auth == .localhostDev && settings.gateway.idleTimeout == .seconds(90))
        #expect(settings.gateway.budgetedMaxOutputTokens == 2048)
        let overridden = try NodeSettings(
            configuration: configuration, home: Self.home, environment: ["TAU_DATABASE_URL": "postgres://other@h/db"])
        #expect(overridden.database.location == .postgres(url: "postgres://other@h/db"))
        #expect(throws: NodeError.self) {
            try NodeSettings(configuration: configuration, home: Self.home, environment: ["TAU_DATABASE_URL": "mysql://h/db"])
        }
    }

    /// Every configuration error names the file, the line and the key.
    @Test(arguments: [
        ("[server]\nport = 70000", "config.toml:2: server.port: must be 0-65535"),
        ("[server]\nport = \"x\"", "config.toml:2: server.port: expected a number"),
        ("[node]\nname = \"a\"\n\n[mesh]\n# comment\ngossip_interval = \"30\"", "config.toml:6: mesh.gossip_interval: 30 is not a duration"),
        ("[mesh]\nbootstrap = [\"node-b:7420\"]", "config.toml:2: mesh.bootstrap: node-b:7420 is not an http(s) URL"),
        ("[gateway]\nmax_attempts = 3\nauth = \"open\"", "config.toml:3: gateway.auth: must be \"keys\" or \"localhost-dev\""),
        ("[providers.ollama]\nkind = \"olama\"", "config.toml:2: providers.ollama.kind: unknown provider kind \"olama\""),
        ("[providers.openai]\nwire = \"grpc\"", "config.toml:2: providers.openai.wire: must be one of"),
        ("[providers.proxy]\nkind = \"openai\"\napi_key_env = \"\"", "config.toml:3: providers.proxy.api_key_env: must be the name of an environment variable"),
        ("[gateway]\nbudgeted_max_tokens = 0", "config.toml:2: gateway.budgeted_max_tokens: must be 1-10000000"),
        ("[database]\nurl = \"mysql://x/y\"", "config.toml:2: database.url: the database URL must look like"),
        ("[routes]\nfast = []", "config.toml:2: routes.fast: must list at least one route"),
        ("[server]\nport = 1\nprot = 1", "config.toml:3: unknown keys: server.prot"),
        ("[catalog.models.\"gpt-5.2\"]\ncontext_window = -5", "config.toml:1: catalog.models.\"gpt-5.2\": context_window must be positive"),
        ("[mesh.reputation]\nthreshold = 1.5", "config.toml:2: mesh.reputation.threshold: must be 0-1"),
        ("[mesh.reputation]\nexplore_max_price = \"lots\"", "config.toml:2: mesh.reputation.explore_max_price:"),
        ("[agent]\nprofile = \"yolo\"", "config.toml:2: agent.profile: must be one of permissive, balanced, strict"),
        ("[agent]\nmax_runs = 0", "config.toml:2: agent.max_runs: must be 1-1000"),
        ("[mcp.servers.x]\nargs = []", "config.toml:1: mcp.servers.x: set command (a stdio server) or url"),
    ])
    func errorsNameFileLineAndKey(text: String, expected: String) {
        do {
            _ = try NodeConfiguration.parse(text, origin: "config.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.code == "config_invalid")
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
    }

    @Test func reputationNumbersMayBeIntegersOrFloats() throws {
        let configuration = try NodeConfiguration.parse("[mesh.reputation]\nprior_successes = 2\nprior_failures = 1\nhalf_life_days = 3.5\nthreshold = 0.75\n")
        let reputation = try #require(configuration.mesh?.reputation)
        #expect(reputation.prior_successes == ConfigNumber(2) && reputation.half_life_days == ConfigNumber(3.5))
        #expect(reputation.threshold == ConfigNumber(0.75))
        #expect(throws: NodeError.self) { try NodeConfiguration.parse("[mesh.reputation]\nthreshold = \"high\"\n") }
    }

    @Test func theInitTemplateParses() throws {
        let configuration = try NodeConfiguration.parse(NodeConfiguration.template(name: "say \"hi\"\nnew\\line\u{7}", publicURL: nil))
        #expect(configuration.node?.name == "say \"hi\"\nnew\\line\u{7}")
        #expect(configuration.server?.port == 7420)
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
