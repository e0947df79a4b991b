import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TauCore
import TauCrypto
import TauEnvelope
import TauGateway
import TauIdentity
import TauLedger
import TauMesh
import TauProviders

/// `tau-node serve`: the node's HTTP surface and, when the keystore is unlocked, the
/// mesh (inbox and gossip), run in a ServiceGroup that drains on SIGTERM / SIGINT and
/// returns normally, so the process exits 0.
public struct NodeServer: Sendable {
    public let context: NodeContext
    public let host: String
    public let port: Int
    let passphrase: String?
    let bootstrap: [String]
    let logger: Logger

    /// - Parameters:
    ///   - passphrase: unlocks the keystore for the mesh; nil serves DIDs only.
    ///   - bootstrap: peers to greet, added to `[mesh] bootstrap`.
    public init(
        context: NodeContext, host: String? = nil, port: Int? = nil, passphrase: String? = nil, bootstrap: [String] = [],
        logger: Logger
    ) {
        self.context = context
        self.host = host ?? context.settings.server.host
        self.port = port ?? context.settings.server.port
        self.passphrase = passphrase
        self.bootstrap = bootstrap
        self.logger = logger
    }

    /// Runs until a shutdown signal. `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let logs = context.logs
        // Every module's metrics go through swift-metrics into this one exporter.
        let exporter = PrometheusExporter(
            help: MeshMetrics.help.merging(GatewayMetrics.help) { first, _ in first }, buckets: GatewayMetrics.buckets)
        let catalogStore = CatalogStore(home: context.home, configuration: context.configuration, http: context.http, now: context.clock.now)
        let catalog = LiveCatalog(try catalogStore.load())
        let operatorToken = try OperatorToken.loadOrCreate(in: context.home)
        // The mesh route of each model (tried after the local ones) is filled in once the mesh runs.
        let link = MeshModelLink()
        // Last fallible step before the group runs, so the HTTP client is always shut down.
        let gatewayMetrics = GatewayMetrics(factory: exporter, isListed: NodeModels.listedNames(configuration: context.configuration))
        let models = try NodeModels.make(
            context: context, catalog: catalog, bindHost: host, remote: { link.route(for: $0) }, onRecord: { gatewayMetrics.record($0) },
            logger: logger)
        let mesh: MeshNode?
        do {
            mesh = try await makeMesh(metrics: MeshMetrics(factory: exporter), models: models)
        } catch {
            await models.shutdown()
            throw error
        }
        var services: [any Service] = []
        if let mesh {
            services.append(
                GossipService(
                    node: mesh, bootstrap: context.settings.mesh.bootstrap + bootstrap,
                    interval: context.settings.mesh.gossipInterval, clock: context.clock, timers: context.store.timers,
                    logger: logger))
        }
        // Due escrows are settled here whether or not the mesh runs: a refund needs no peer.
        let desk = mesh.map { context.delegationDesk(node: $0, logger: logger) }
        services.append(
            EscrowTimerService(
                book: EscrowBook(escrows: context.store.escrows, now: context.clock.now), clock: context.clock, interval: .seconds(1), logger: logger,
                onSettled: { escrow in await desk?.settledByTimer(escrow) }))
        let a2a: A2AGatewayDependencies
        do {
            a2a = try await a2aDependencies(desk: desk, models: models)
        } catch {
            await models.shutdown()
            throw error
        }
        if let desk {
            link.attach(desk)
            services.append(MeshModelDirectoryService(link: link, clock: context.clock, interval: .seconds(1)))
        }
        if catalogStore.url != nil {
            // A ServiceGroup service must run until shutdown, so it only exists when there is something to refresh.
            services.append(CatalogRefreshService(store: catalogStore, live: catalog, clock: context.clock, logger: logger))
        }
        let agentGateway: AgentGatewayDependencies
        let runService: AgentRunService
        do {
            (agentGateway, runService) = try await context.agentGateway(
                models: models, access: models.access, metrics: gatewayMetrics, logger: logger)
        } catch {
            await models.shutdown()
            throw error
        }
        if let desk {
            // Delegated tasks, and deliveries to peers, are worked on every replica.
            services.append(
                DelegationWorker(
                    desk: desk, runner: context.taskRunner(models: models, logger: logger), replica: agentGateway.runs.replica, clock: context.clock,
                    interval: .milliseconds(250)))
        }
        logger.info(
            "model gateway ready",
            metadata: ["models": "\(models.service.served.count)", "auth": "\(models.access.mode.rawValue)"])
        let dependencies = GatewayDependencies(
            localDID: { try await logs.localDID() }, logs: logs, resolver: context.resolver, version: tauNodeVersion, mesh: mesh,
            peers: context.peers, metrics: exporter, operatorToken: operatorToken,
            models: ModelGatewayDependencies(service: models.service, access: models.access, metrics: gatewayMetrics), agent: agentGateway, a2a: a2a,
            checkHealth: { [health = HealthProbe(store: context.store, clock: context.clock)] in try await health.check() },
            hostPolicy: HostPolicy.forBinding(host, publicURL: context.settings.server.publicURL), now: context.clock.now,
            metricsRequireOperator: context.settings.metricsRequireOperator)
        let advertisedHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        let publicURL = context.settings.server.publicURL
        let application = Gateway.application(
            dependencies, host: host, port: port, logger: logger, services: services,
            onListening: { boundPort in
                await mesh?.listening(at: publicURL ?? "http://\(advertisedHost):\(boundPort)")
                await onListening(boundPort)
            })
        let group = ServiceGroup(
            configuration: .init(
                // Shut down in reverse order: the runs end (and their event streams close) before the HTTP server stops.
                services: [.init(service: application), .init(service: runService)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        let outcome: Result<Void, any Error>
        do {
            try await group.run()
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await models.shutdown()
        do {
            try outcome.get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw NodeError("address_in_use", "\(host):\(port) is already in use (is another node running?)", category: .unavailable)
        } catch let error as IOError {
            throw NodeError("listen_failed", "cannot listen on \(host):\(port): \(error)", category: .unavailable, cause: error)
        } catch let error as SocketAddressError {
            throw NodeError("listen_failed", "cannot listen on \(host):\(port): \(error)", category: .unavailable, cause: error)
        }
    }

    /// The mesh node, when there is an identity and a passphrase that opens it.
    private func makeMesh(metrics: MeshMetrics, models: NodeModels) async throws -> MeshNode? {
        guard try await context.logs.localDID() != nil else { return nil }
        guard let passphrase else {
            logger.warning("no passphrase given: serving DIDs only, the mesh is off (set TAU_PASSPHRASE or --passphrase-file)")
            return nil
        }
        // Models served to peers (`[delegation] serve_models`) are advertised and answered.
        let served = context.delegationSettings.serveModels
        return try await context.meshNode(
            signer: LocalSigner(context: context, passphrase: passphrase), metrics: metrics,
            extraHandlers: served.isEmpty ? [] : [context.modelHandler(service: models.service, logger: logger)],
            extraCapabilities: served.map { MeshModelLink.capabilityPrefix + $0 }, logger: logger)
    }
}

/// The bearer token for operator routes (`GET /mesh/v1/peers`), kept in
/// `operator.token` in the node home with mode 0600.
public enum OperatorToken {
    public static func path(in home: NodeHome) -> String { home.path + "/operator.token" }

    /// Reads the token, creating a random one on first use.
    public static func loadOrCreate(in home: NodeHome) throws -> String {
        let path = path(in: home)
        if let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), text.count >= 32
        {
            return text
        }
        let token = Hex.encode(SecureRandom.bytes(32))
        try AtomicFile.write(token + "\n", to: path, mode: 0o600)
        return token
    }
}
