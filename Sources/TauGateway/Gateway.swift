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
    /// Throws (a coded error) when the node cannot serve, e.g. its database is down.
    public var checkHealth: @Sendable () async throws -> Void

    public init(
        localDID: @escaping @Sendable () async throws -> DID?, logs: any DIDLogRepository, resolver: DIDResolver,
        version: String, mesh: MeshNode? = nil, peers: any PeerRepository,
        metrics: PrometheusExporter = PrometheusExporter(help: MeshMetrics.help.merging(GatewayMetrics.help) { first, _ in first }),
        operatorToken: String? = nil, models: ModelGatewayDependencies? = nil,
        checkHealth: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.checkHealth = checkHealth
        self.localDID = localDID
        self.logs = logs
        self.resolver = resolver
        self.version = version
        self.mesh = mesh
        self.peers = peers
        self.metrics = metrics
        self.operatorToken = operatorToken
        self.models = models
    }
}

/// Builds the node's HTTP application (Hummingbird), run as a ServiceLifecycle service.
public enum Gateway {
    /// The router with every route of the node. Exposed for in-process tests.
    public static func router(_ dependencies: GatewayDependencies, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: CodedErrorMiddleware())
        HealthRoutes(dependencies: dependencies).register(on: router)
        IdentityRoutes(dependencies: dependencies).register(on: router)
        MeshRoutes(dependencies: dependencies).register(on: router)
        if let models = dependencies.models { OpenAIRoutes(dependencies: models).register(on: router) }
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
