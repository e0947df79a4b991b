import Foundation
import Logging
import TauCore
import TauIdentity
import TauMesh
import TauStore

/// An opened node home: configuration, store, and resolver. Commands and the server
/// both start from one.
public struct NodeContext: Sendable {
    /// The environment variable that moves the node's data to PostgreSQL.
    public static let databaseURLVariable = "TAU_DATABASE_URL"

    public let home: NodeHome
    /// `config.toml` as written (providers, routes and the catalog are read from it).
    public let configuration: NodeConfiguration
    /// The typed settings every service reads.
    public let settings: NodeSettings
    /// Every repository of the node, on SQLite in the home or on PostgreSQL.
    public let store: Store
    public let resolver: DIDResolver
    /// Every fetch from an address a remote party named, under `[outbound]`'s policy.
    public let http: PolicedHTTPClient
    /// The one clock every service of this node reads and sleeps on.
    public let clock: NodeClock

    /// did:tau logs: the node's own and those it resolved.
    public var logs: SQLDIDLogRepository { store.didLogs }
    /// The mesh peer table.
    public var peers: SQLPeerRepository { store.peers }
    /// Accepted `(sender, id)` pairs of signed messages.
    public var replayCache: SQLReplayCache { store.replayCache }

    /// Opens `home`, creating the directory and database if needed.
    /// - Parameter extraLogSources: added to `[resolver] sources` (e.g. `--source` flags).
    /// - Parameter mustExist: fail with `identity_missing` instead of creating a missing home,
    ///   for commands that only make sense on an initialised node.
    /// - Parameter freshResolution: ask the sources for every DID resolved, even one checked
    ///   within `cache_ttl_seconds` (by this or another process sharing the store).
    /// - Throws: ``NodeError`` with the store's code (`store_unavailable`, ...) when the
    ///   database cannot be opened.
    public static func open(
        _ home: NodeHome, extraLogSources: [String] = [], mustExist: Bool = false, freshResolution: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: NodeClock = .system, logger: Logger = Logger(label: "tau.node")
    ) async throws(NodeError) -> NodeContext {
        if mustExist, !home.hasKeystore {
            throw NodeError("identity_missing", "\(home.path) has no identity; run `tau-node init` first", category: .notFound)
        }
        try home.create()
        let configuration = try NodeConfiguration.load(from: home.configPath)
        let settings = try NodeSettings(configuration: configuration, home: home, environment: environment)
        let store: Store
        do {
            store = try await Store.open(
                settings.database.location, timeout: settings.database.timeout, clock: clock.monotonic, now: clock.now, logger: logger)
        } catch {
            throw NodeError(error.code, error.message, category: error.category)
        }
        let peers = store.peers
        let http = PolicedHTTPClient(policy: settings.outbound, logger: logger)
        let resolver = DIDResolver(
            configuration: .init(
                cacheTTL: freshResolution ? .zero : settings.resolver.cacheTTL, logSources: settings.resolver.sources + extraLogSources,
                maximumClockSkew: settings.resolver.maximumClockSkew, insecureWebHosts: settings.resolver.insecureWebHosts,
                foreignLogLimits: settings.resolver.foreignLogLimits),
            repository: store.didLogs, http: http, extraSources: { (try? await peers.all().filter { $0.state != .dead }.map(\.endpoint)) ?? [] },
            now: clock.now, logger: logger)
        return NodeContext(
            home: home, configuration: configuration, settings: settings, store: store, resolver: resolver, http: http, clock: clock)
    }

    /// Closes the store (its connections to PostgreSQL).
    public func close() async {
        await store.close()
    }

    /// The node's own DID, or `identity_missing`.
    public func localDID() async throws -> DID {
        guard let did = try await logs.localDID() else {
            throw NodeError("identity_missing", "\(home.path) has no identity; run `tau-node init` first", category: .notFound)
        }
        return did
    }

    /// The node's own verified log.
    public func localLog() async throws -> VerifiedDIDTauLog {
        try await resolver.verifiedLog(for: try await localDID())
    }
}
