import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TauCore
import TauProviders

/// The catalog the running node serves from; replaced when a refresh lands, so that
/// new remote models and prices apply without a restart.
public final class LiveCatalog: Sendable {
    private let current: Mutex<ModelCatalog>

    public init(_ catalog: ModelCatalog) {
        current = Mutex(catalog)
    }

    public var catalog: ModelCatalog { current.withLock { $0 } }

    func replace(with catalog: ModelCatalog) {
        current.withLock { $0 = catalog }
    }
}

/// Refreshes the remote catalog (`[catalog] url`) whenever the cache is older than its
/// TTL, and swaps the node's live catalog. Failures are logged; the old catalog stays.
public struct CatalogRefreshService: Service {
    let store: CatalogStore
    let live: LiveCatalog
    let clock: NodeClock
    let logger: Logger

    public init(store: CatalogStore, live: LiveCatalog, clock: NodeClock = .system, logger: Logger) {
        self.store = store
        self.live = live
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        guard store.url != nil else { return }
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            if store.isStale {
                do {
                    let refresh = try await store.refresh()
                    live.replace(with: try store.load())
                    logger.info("catalog refreshed", metadata: ["models": "\(refresh.cache.entries.count)"])
                } catch {
                    logger.warning("catalog refresh failed; serving the cached catalog", metadata: ["reason": "\(error)"])
                }
            }
            // Check again after the TTL, but at least hourly so a failed refresh is retried.
            let wait = min(store.ttl, .seconds(3600))
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: wait) }
            } catch {
                return
            }
        }
    }
}
