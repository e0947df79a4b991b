import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import TauCore
import TauProviders

/// The node's model layer, composed from `config.toml`, the environment and the
/// catalog: provider endpoints, route chains for aliases and catalog models, the
/// router with its breakers, the model service and gateway admission.
public struct NodeModels: Sendable {
    public let service: ModelService
    public let access: GatewayAccess
    let http: HTTPClient
    /// The usage ledger, writing in groups.
    let ledger: GroupCommitLedger
    /// The providers found in `config.toml` and the environment (which have keys).
    let providers: ProviderDirectory
    /// `[routes]` aliases.
    let aliasNames: [String]
    let catalog: LiveCatalog

    /// Builds the model layer.
    /// - Parameters:
    ///   - bindHost: where the server listens; `localhost-dev` mode is refused unless it is loopback.
    ///   - remote: the mesh route for a model name (filled by the mesh), tried after all local routes.
    ///   - onRecord: sees every usage record (for metrics).
    /// - Throws: `config_invalid` for unknown provider kinds, wires or route specs and for
    ///   `localhost-dev` off loopback; `provider_key_missing` for a `[routes]` entry whose
    ///   provider has no key.
    public static func make(
        context: NodeContext, catalog live: LiveCatalog, bindHost: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        remote: (@Sendable (String) -> Route?)? = nil, clock: RouterClock? = nil,
        onRecord: @escaping @Sendable (UsageRecord) -> Void = { _ in }, logger: Logger
    ) throws -> NodeModels {
        let configuration = context.configuration
        let settings = context.settings.gateway
        let mode = try authMode(settings.auth, bindHost: bindHost)
        // async-http-client's read timeout also covers the wait for the response head, so it
        // defaults to the request timeout: a long reasoning call must not be cut and retried.
        let idle = settings.idleTimeout
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // A refused connection should fail now so the router can fall back, not be retried until the connect timeout.
        pool.retryConnectionEstablishment = false
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                timeout: .init(connect: .seconds(5), read: .milliseconds(idle.components.seconds * 1000 + idle.components.attoseconds / 1_000_000_000_000_000)),
                connectionPool: pool))
        do {
            let upstream = UpstreamHTTP(client: http, requestTimeout: settings.requestTimeout)
            let providers = try ProviderDirectory(configuration: configuration, environment: environment, http: upstream)
            let catalog = live.catalog
            var aliases: [String: RouteChain] = [:]
            for (alias, specs) in configuration.routes ?? [:] {
                guard !specs.isEmpty else { throw NodeError("config_invalid", "[routes] \(alias) lists no routes") }
                let routes = try specs.map { spec in try providers.route(for: spec, catalog: catalog, strict: true) }
                aliases[alias] = RouteChain(name: alias, routes: routes)
            }
            let frozenAliases = aliases
            let resolve: ModelService.ChainResolver = { name in
                let remoteRoute = remote?(name)
                if let chain = frozenAliases[name] { return RouteChain(name: name, routes: chain.routes, remote: remoteRoute) }
                let local = (try? providers.route(for: name, catalog: live.catalog, strict: false)).map { [$0] } ?? []
                guard !local.isEmpty || remoteRoute != nil else { return nil }
                return RouteChain(name: name, routes: local, remote: remoteRoute)
            }
            let aliasModels = aliases.keys.sorted().map { ServedModel(name: $0, ownedBy: "tau-node") }
            let served: @Sendable () -> [ServedModel] = {
                aliasModels
                    + live.catalog.entries(includeDeprecated: false).filter { providers.hasKey($0.provider) }
                    .map { ServedModel(name: $0.id, ownedBy: $0.provider.rawValue) }
            }
            let router = ModelRouter(
                retry: RetryPolicy(
                    maxAttempts: settings.maxAttempts, baseDelay: settings.retryBaseDelay, maxRetryAfter: settings.maxRetryAfter),
                breakers: BreakerBoard(
                    failureThreshold: settings.breakerFailures, cooldown: settings.breakerCooldown),
                clock: clock ?? RouterClock(context.clock.monotonic), logger: logger)
            // Usage is written in groups, off the request path; `shutdown()` writes the rest.
            let ledger = GroupCommitLedger(context.usage, logger: logger)
            let service = ModelService(
                resolve: resolve, served: served(), router: router, usage: ledger,
                budgetedMaxOutputTokens: settings.budgetedMaxOutputTokens, now: context.clock.now, onRecord: onRecord,
                logger: logger)
            let access = GatewayAccess(
                mode: mode, keys: context.apiKeys, usage: ledger, rateLimiter: context.store.rateLimiter, now: context.clock.now)
            return NodeModels(
                service: service, access: access, http: http, ledger: ledger, providers: providers, aliasNames: aliases.keys.sorted(),
                catalog: live)
        } catch {
            // Not syncShutdown: this may run on an event loop thread, where waiting is forbidden.
            let client = http
            Task { try? await client.shutdown() }
            throw error
        }
    }

    /// The model names metrics label by name: the aliases of `[routes]`, the built-in
    /// catalog ids and the ids of `[catalog.models]` overrides. Remote catalog ids (up to
    /// thousands) and caller-made `<provider>:<model>` names are not, so that callers
    /// cannot grow the number of series.
    public static func listedNames(configuration: NodeConfiguration) -> @Sendable (String) -> Bool {
        let names = Set((configuration.routes ?? [:]).keys)
            .union(BuiltinCatalog.entries.map(\.id))
            .union((configuration.catalog?.models ?? [:]).keys)
        return { names.contains($0) }
    }

    /// Closes upstream connections.
    /// Writes the usage records still queued, then closes the HTTP client.
    public func shutdown() async {
        await ledger.flush()
        try? await http.shutdown()
    }

    static func authMode(_ mode: GatewayAuthMode, bindHost: String) throws(NodeError) -> GatewayAuthMode {
        if mode == .localhostDev && !["127.0.0.1", "::1", "localhost"].contains(bindHost) {
            throw NodeError(
                "config_invalid",
                "[gateway] auth = \"localhost-dev\" serves models without keys and is only allowed when the server listens on loopback (127.0.0.1 or ::1), not \(bindHost)"
            )
        }
        return mode
    }
}
