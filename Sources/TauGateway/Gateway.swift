import Foundation
import Hummingbird
import Logging
import NIOCore
import TauCore
import TauIdentity

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

    public init(
        localDID: @escaping @Sendable () async throws -> DID?, logs: any DIDLogRepository, resolver: DIDResolver,
        version: String
    ) {
        self.localDID = localDID
        self.logs = logs
        self.resolver = resolver
        self.version = version
    }
}

/// Builds the node's HTTP application (Hummingbird), run as a ServiceLifecycle service.
public enum Gateway {
    /// The router with every route of the node. Exposed for in-process tests.
    public static func router(_ dependencies: GatewayDependencies, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.debug))
        HealthRoutes(dependencies: dependencies).register(on: router)
        IdentityRoutes(dependencies: dependencies).register(on: router)
        return router
    }

    /// The application listening on `host:port` (port 0 picks a free port).
    /// `onListening` receives the bound port once the socket is open.
    public static func application(
        _ dependencies: GatewayDependencies, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router(dependencies, logger: logger),
            configuration: .init(address: .hostname(host, port: port), serverName: "tau-node"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? port)
            },
            logger: logger)
    }
}
