import Foundation
import TauCore
import TauProviders

/// The node's model catalog on disk: built-ins, plus the remote catalog cached in
/// `<home>/catalog-cache.json`, plus `[catalog.models]` overrides from `config.toml`.
///
/// The remote list is fetched only by ``refresh(using:)`` (`tau-node models refresh`, or a
/// server that finds the cache stale); ``load()`` never touches the network and uses the
/// cache whatever its age.
public struct CatalogStore: Sendable {
    /// The cache file's name inside the node home.
    public static let cacheFileName = "catalog-cache.json"

    public let home: NodeHome
    public let settings: NodeConfiguration.Catalog
    let now: @Sendable () -> Date

    /// - Parameter http: fetches the remote catalog, under the node's outbound policy.
    public init(
        home: NodeHome, configuration: NodeConfiguration, http: any OutboundHTTP, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.home = home
        self.http = http
        self.settings = configuration.catalog ?? NodeConfiguration.Catalog()
        self.now = now
    }

    let http: any OutboundHTTP

    public var cachePath: String { home.path + "/" + CatalogStore.cacheFileName }

    /// `[catalog] url`, if set.
    public var url: String? { settings.url }

    /// `[catalog] ttl`, default 24 h.
    public var ttl: Duration { settings.refreshInterval }

    /// The cached remote catalog; nil when none has been fetched.
    /// - Throws: ``NodeError`` `catalog_cache_invalid` when the file exists but cannot be read.
    public func cache() throws(NodeError) -> CatalogCache? {
        guard let data = FileManager.default.contents(atPath: cachePath) else { return nil }
        do {
            return try JSONDecoder().decode(CatalogCache.self, from: data)
        } catch {
            throw NodeError(
                "catalog_cache_invalid", "\(cachePath) is unreadable (\(error)); run `tau-node models refresh`",
                category: .internal)
        }
    }

    /// Built-ins + cached remote entries + overrides. An unreadable cache counts as absent,
    /// so that a damaged file never stops the node; `models refresh` rewrites it.
    /// - Throws: ``NodeError`` `config_invalid` for a bad override.
    public func load() throws(NodeError) -> ModelCatalog {
        let remote = (try? cache())?.entries ?? []
        do {
            return try ModelCatalog.assemble(remote: remote, overrides: settings.models ?? [:])
        } catch {
            throw NodeError("config_invalid", "\(home.configPath): \(error.message)")
        }
    }

    /// Whether a refresh is due now (see ``isStale(at:)``).
    public var isStale: Bool { isStale(at: now()) }

    /// Whether a refresh is due: a URL is configured and the cache is missing, unreadable,
    /// from another URL, or older than the TTL. Without a URL nothing is ever stale.
    public func isStale(at date: Date) -> Bool {
        guard let url else { return false }
        guard let cached = try? cache(), cached.url == url else { return true }
        let age = date.timeIntervalSince(cached.fetchedAt)
        return age < 0 || age >= ttl.timeInterval
    }

    /// Fetches the remote catalog and replaces the cache atomically. On any failure the old
    /// cache is left untouched.
    /// - Throws: ``NodeError`` `catalog_not_configured` without `[catalog] url`; the fetcher's
    ///   `catalog_unreachable` / `catalog_invalid` / `catalog_url_invalid`; `home_unwritable`
    ///   or `file_write_failed` when the cache cannot be written.
    public func refresh(using fetcher: RemoteCatalogFetcher? = nil) async throws -> CatalogRefresh {
        let fetcher = fetcher ?? RemoteCatalogFetcher(http: http)
        guard let url else {
            throw NodeError(
                "catalog_not_configured",
                "no remote catalog configured: set url in [catalog] of \(home.configPath), e.g. url = \"\(RemoteCatalogFetcher.openRouterURL)\"")
        }
        let remote = try await fetcher.fetch(url)
        let cache = CatalogCache(fetchedAt: now(), url: url, entries: remote.entries, skipped: remote.skipped)
        try home.create()
        let data: Data
        do {
            data = try cache.encoded()
        } catch {
            throw NodeError("catalog_cache_invalid", "cannot encode the catalog cache: \(error)", category: .internal, cause: error)
        }
        try AtomicFile.write(Array(data), to: cachePath, mode: 0o644)
        return CatalogRefresh(cache: cache, truncated: remote.truncated, cachePath: cachePath)
    }
}

/// What a refresh fetched and where it was written.
public struct CatalogRefresh: Sendable, Equatable {
    public var cache: CatalogCache
    /// Models beyond the entry cap, left out.
    public var truncated: Int
    public var cachePath: String
}
