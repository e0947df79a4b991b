import Foundation
import Logging
import TauCore
import TauIdentity
import TauMesh
import TauStore

/// An opened node home: configuration, database, log repository and resolver.
/// Commands and the server both start from one.
public struct NodeContext: Sendable {
    public let home: NodeHome
    public let configuration: NodeConfiguration
    public let database: NodeDatabase
    public let logs: SQLiteDIDLogRepository
    public let resolver: DIDResolver
    public let peers: SQLitePeerRepository
    public let replayCache: SQLiteReplayCache

    /// Opens `home`, creating the directory and database if needed.
    /// - Parameter extraLogSources: added to `[resolver] sources` (e.g. `--source` flags).
    /// - Parameter mustExist: fail with `identity_missing` instead of creating a missing home,
    ///   for commands that only make sense on an initialised node.
    public static func open(
        _ home: NodeHome, extraLogSources: [String] = [], mustExist: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "tau.node")
    ) throws(NodeError) -> NodeContext {
        if mustExist, !home.hasKeystore {
            throw NodeError("identity_missing", "\(home.path) has no identity; run `tau-node init` first", category: .notFound)
        }
        try home.create()
        let configuration = try NodeConfiguration.load(from: home.configPath)
        let database: NodeDatabase
        do {
            database = try NodeDatabase(path: home.databasePath)
        } catch {
            throw NodeError(error.code, error.message, category: error.category)
        }
        let logs = SQLiteDIDLogRepository(database: database)
        let peers = SQLitePeerRepository(database: database)
        let settings = configuration.resolver
        let resolver = DIDResolver(
            configuration: .init(
                cacheTTL: .seconds(settings?.cache_ttl_seconds ?? 60),
                logSources: (settings?.sources ?? []) + extraLogSources,
                maximumClockSkew: TimeInterval(settings?.max_clock_skew_seconds ?? 300),
                insecureWebHosts: Set(settings?.insecure_web_hosts ?? [])),
            repository: logs, extraSources: { (try? await peers.all().filter { $0.state != .dead }.map(\.endpoint)) ?? [] },
            now: now, logger: logger)
        return NodeContext(
            home: home, configuration: configuration, database: database, logs: logs, resolver: resolver, peers: peers,
            replayCache: SQLiteReplayCache(database: database))
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
