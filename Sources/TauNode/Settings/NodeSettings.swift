import Foundation
import TauCore
import TauIdentity
import TauProviders
import TauStore

/// `config.toml` and the environment, parsed once into typed values when a home is opened
/// (``NodeContext/open(_:extraLogSources:mustExist:environment:clock:logger:)``). Services
/// read these, never the file: a bad value fails at start with its file, line and key.
public struct NodeSettings: Sendable {
    public struct Server: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// What other nodes are told to use: `[node] public_url`, if set.
        public var publicURL: String?
        /// `publicURL`, else `http://host:port` (`0.0.0.0` read as `127.0.0.1`).
        public var advertisedURL: String
    }

    public struct Database: Sendable, Equatable {
        /// `TAU_DATABASE_URL`, else `[database] url`, else `node.sqlite` in the home.
        public var location: StoreLocation
        public var timeout: Duration
    }

    public struct Resolver: Sendable, Equatable {
        public var sources: [String]
        public var cacheTTL: Duration
        public var maximumClockSkew: TimeInterval
        public var insecureWebHosts: Set<String>
        public var foreignLogLimits: ForeignLogLimits
    }

    public struct Mesh: Sendable, Equatable {
        public var bootstrap: [String]
        public var gossipInterval: Duration
        public var gossipFanout: Int
        public var maximumClockSkew: TimeInterval
    }

    public struct Gateway: Sendable, Equatable {
        public var auth: GatewayAuthMode
        public var maxAttempts: Int
        public var retryBaseDelay: Duration
        public var maxRetryAfter: Duration
        public var breakerFailures: Int
        public var breakerCooldown: Duration
        public var requestTimeout: Duration
        public var idleTimeout: Duration
        /// The output cap of a budgeted key's call that sets none.
        public var budgetedMaxOutputTokens: Int
    }

    /// `[node] name`.
    public var name: String?
    public var server: Server
    public var database: Database
    public var resolver: Resolver
    public var mesh: Mesh
    public var gateway: Gateway
    /// Which addresses fetches may go to: `[outbound] allow` plus `TAU_OUTBOUND_ALLOW`.
    public var outbound: OutboundPolicy
    /// Whether `/metrics` requires the operator token (`[metrics] auth = "operator"`).
    public var metricsRequireOperator: Bool

    /// Comma-separated CIDR blocks added to `[outbound] allow`.
    public static let outboundAllowVariable = "TAU_OUTBOUND_ALLOW"

    /// Reads a configuration that ``NodeConfiguration/parse(_:origin:)`` has validated, and
    /// the environment.
    /// - Throws: ``NodeError`` `store_url_invalid` for a bad `TAU_DATABASE_URL`.
    public init(configuration: NodeConfiguration, home: NodeHome, environment: [String: String]) throws(NodeError) {
        func duration(_ text: String?, _ fallback: Duration) -> Duration {
            text.flatMap { try? NodeConfiguration.duration($0) } ?? fallback
        }
        name = configuration.node?.name
        let host = configuration.server?.host ?? NodeConfiguration.defaultHost
        let port = configuration.server?.port ?? NodeConfiguration.defaultPort
        server = Server(
            host: host, port: port, publicURL: configuration.node?.public_url,
            advertisedURL: configuration.node?.public_url ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)")
        let location: StoreLocation
        if let url = environment[NodeContext.databaseURLVariable], !url.isEmpty {
            location = .postgres(url: url)
            do {
                try location.validate()
            } catch {
                throw NodeError(error.code, "\(NodeContext.databaseURLVariable): \(error.message)", category: error.category)
            }
        } else if let url = configuration.database?.url {
            location = .postgres(url: url)
        } else {
            location = .sqlite(path: home.databasePath)
        }
        database = Database(location: location, timeout: duration(configuration.database?.timeout, .seconds(5)))
        resolver = Resolver(
            sources: configuration.resolver?.sources ?? [], cacheTTL: .seconds(configuration.resolver?.cache_ttl_seconds ?? 60),
            maximumClockSkew: TimeInterval(configuration.resolver?.max_clock_skew_seconds ?? 300),
            insecureWebHosts: Set(configuration.resolver?.insecure_web_hosts ?? []),
            foreignLogLimits: ForeignLogLimits(
                maximumLogs: configuration.resolver?.max_foreign_logs ?? 10_000,
                maximumBytes: (configuration.resolver?.max_foreign_log_mib ?? 256) << 20))
        mesh = Mesh(
            bootstrap: configuration.mesh?.bootstrap ?? [], gossipInterval: duration(configuration.mesh?.gossip_interval, .seconds(30)),
            gossipFanout: configuration.mesh?.gossip_fanout ?? 3,
            maximumClockSkew: duration(configuration.mesh?.max_clock_skew, .seconds(300)).timeInterval)
        do {
            let fromEnvironment = (environment[NodeSettings.outboundAllowVariable] ?? "").split(separator: ",").map(String.init)
            outbound = OutboundPolicy(allowed: try OutboundPolicy.parseAllowed((configuration.outbound?.allow ?? []) + fromEnvironment))
        } catch {
            throw NodeError(error.code, "\(NodeSettings.outboundAllowVariable) or [outbound] allow: \(error.message)", category: error.category)
        }
        metricsRequireOperator = configuration.metrics?.auth == "operator"
        let gateway = configuration.gateway
        let requestTimeout = duration(gateway?.request_timeout, .seconds(600))
        self.gateway = Gateway(
            auth: gateway?.auth.flatMap(GatewayAuthMode.init(rawValue:)) ?? .keys, maxAttempts: gateway?.max_attempts ?? 3,
            retryBaseDelay: duration(gateway?.retry_base_delay, .milliseconds(500)),
            maxRetryAfter: duration(gateway?.max_retry_after, .seconds(60)), breakerFailures: gateway?.breaker_failures ?? 5,
            breakerCooldown: duration(gateway?.breaker_cooldown, .seconds(30)), requestTimeout: requestTimeout,
            idleTimeout: duration(gateway?.idle_timeout, requestTimeout),
            budgetedMaxOutputTokens: gateway?.budgeted_max_tokens ?? ModelService.defaultBudgetedMaxOutputTokens)
    }
}
