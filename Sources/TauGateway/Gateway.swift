import Foundation
import Hummingbird
import ServiceLifecycle
import Logging
import NIOCore
import TauCore
import TauIdentity
import TauMesh

/// What the HTTP surface needs from the node.
public struct GatewayDependencies: Sendable {
    /// The DID this node controls, or nil before `tau-node init`.
    public var localDID: @Sendable () async throws -> DID?
    /// Logs the node holds (its own and resolved ones).
    public var logs: any DIDLogRepository
    /// Resolution for `/1.0/identifiers/{did}`.
    public var resolver: DIDResolver
    /// The node software version reported by `/healthz`.
    public var version: String
    /// The mesh, when the node runs with its keys; nil turns the inbox off.
    public var mesh: MeshNode?
    /// The peer table.
    public var peers: any PeerRepository
    /// The swift-metrics backend whose registry `/metrics` prints.
    public var metrics: PrometheusExporter
    /// Bearer token for operator routes; nil disables them.
    public var operatorToken: String?
    /// The OpenAI-compatible model API; nil turns `/v1/*` off.
    public var models: ModelGatewayDependencies?
    /// The runs API; nil turns `/agent/v1/*` off.
    public var agent: AgentGatewayDependencies?
    /// The A2A front door (`/.well-known/agent-card.json`, `POST /a2a`); needs ``agent``.
    public var a2a: A2AGatewayDependencies?
    /// Throws (a coded error) when the node cannot serve, e.g. its database is down.
    public var checkHealth: @Sendable () async throws -> Void
    /// Which `Host` headers are answered; nil answers any (a node bound to a public address).
    public var hostPolicy: HostPolicy?
    /// Per-client-address buckets of the routes anyone may call at a cost to the node
    /// (`/1.0/identifiers/*`, `/mesh/v1/dids/*`), kept in process memory.
    public var clientLimiter: any RateLimiter
    /// The bucket shape of those routes per client address.
    public var clientLimit: RateLimit
    /// The wall clock the limits read.
    public var now: @Sendable () -> Date
    /// `/metrics` requires the operator token when true (`[metrics] auth = "operator"`).
    public var metricsRequireOperator: Bool

    public init(
        localDID: @escaping @Sendable () async throws -> DID?, logs: any DIDLogRepository, resolver: DIDResolver,
        version: String, mesh: MeshNode? = nil, peers: any PeerRepository,
        metrics: PrometheusExporter = PrometheusExporter(help: MeshMetrics.help.merging(GatewayMetrics.help) { first, _ in first }),
        operatorToken: String? = nil, models: ModelGatewayDependencies? = nil, agent: AgentGatewayDependencies? = nil,
        a2a: A2AGatewayDependencies? = nil,
        checkHealth: @escaping @Sendable () async throws -> Void = {}, hostPolicy: HostPolicy? = nil,
        clientLimiter: any RateLimiter = InMemoryRateLimiter(), clientLimit: RateLimit = GatewayDependencies.defaultClientLimit,
        now: @escaping @Sendable () -> Date = { Date() }, metricsRequireOperator: Bool = false
    ) {
        self.checkHealth = checkHealth
        self.hostPolicy = hostPolicy
        self.clientLimiter = clientLimiter
        self.clientLimit = clientLimit
        self.now = now
        self.metricsRequireOperator = metricsRequireOperator
        self.localDID = localDID
        self.logs = logs
        self.resolver = resolver
        self.version = version
        self.mesh = mesh
        self.peers = peers
        self.metrics = metrics
        self.operatorToken = operatorToken
        self.models = models
        self.agent = agent
        self.a2a = a2a
    }
}

extension GatewayDependencies {
    /// 120 requests at once, then 2 a second, per client address.
    public static let defaultClientLimit = RateLimit(capacity: 120, refillPerSecond: 2)
}

/// Builds the node's HTTP application (Hummingbird), run as a ServiceLifecycle service.
public enum Gateway {
    /// The router with every route of the node. Exposed for in-process tests.
    public static func router(_ dependencies: GatewayDependencies, logger: Logger) -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: CodedErrorMiddleware())
        if let policy = dependencies.hostPolicy { router.add(middleware: HostCheckMiddleware(policy: policy)) }
        router.add(
            middleware: ClientAddressLimitMiddleware(
                limiter: dependencies.clientLimiter, limit: dependencies.clientLimit, now: dependencies.now))
        HealthRoutes(dependencies: dependencies).register(on: router)
        IdentityRoutes(dependencies: dependencies).register(on: router)
        MeshRoutes(dependencies: dependencies).register(on: router)
        if let models = dependencies.models { OpenAIRoutes(dependencies: models).register(on: router) }
        if let agent = dependencies.agent { AgentRoutes(dependencies: agent).register(on: router) }
        if let agent = dependencies.agent, let a2a = dependencies.a2a {
            A2ARoutes(dependencies: a2a, agent: agent, gateway: dependencies).register(on: router)
        }
        GatewayOperatorRoutes(dependencies: dependencies).register(on: router)
        return router
    }

    /// The application listening on `host:port` (port 0 picks a free port).
    /// `onListening` receives the bound port once the socket is open.
    public static func application(
        _ dependencies: GatewayDependencies, host: String, port: Int, logger: Logger, services: [any Service] = [],
        onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router(dependencies, logger: logger),
            configuration: .init(address: .hostname(host, port: port), serverName: "tau-node"),
            services: services,
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? port)
            },
            logger: logger)
    }
}
