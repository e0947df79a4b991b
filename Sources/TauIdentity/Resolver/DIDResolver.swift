import Foundation
import Synchronization
import Logging
import TauCore

/// Resolves `did:tau`, `did:key` and `did:web` DIDs.
///
/// did:tau logs come from the repository (the node's own log and logs it holds)
/// and, for DIDs the node does not control, from remote sources: the DID's own
/// `TauMesh` service endpoint and the configured log sources, each asked for
/// `GET {base}/mesh/v1/dids/{did}/log`. Every log accepted from anywhere is
/// verified from its genesis entry and must continue the log already held.
public actor DIDResolver {
    /// Resolver settings.
    public struct Configuration: Sendable {
        /// How long a resolved result is reused before remote sources are asked again.
        public var cacheTTL: Duration
        /// Base URLs of nodes to ask for did:tau logs.
        public var logSources: [String]
        /// Allowed clock difference when checking entry times.
        public var maximumClockSkew: TimeInterval
        /// Hosts that did:web resolves over plain HTTP (loopback setups and tests).
        public var insecureWebHosts: Set<String>
        /// How many logs of other DIDs are kept (least recently checked go first).
        public var foreignLogLimits: ForeignLogLimits

        public init(
            cacheTTL: Duration = .seconds(60), logSources: [String] = [], maximumClockSkew: TimeInterval = 300,
            insecureWebHosts: Set<String> = [], foreignLogLimits: ForeignLogLimits = ForeignLogLimits()
        ) {
            self.foreignLogLimits = foreignLogLimits
            self.cacheTTL = cacheTTL
            self.logSources = logSources
            self.maximumClockSkew = maximumClockSkew
            self.insecureWebHosts = insecureWebHosts
        }
    }

    enum Cached {
        case tau(VerifiedDIDTauLog)
        case web(DIDDocument)
        /// No source had it: remembered for the TTL so that repeated lookups of an
        /// unknown DID do not make the node ask every source again.
        case missing
        /// A did:web document that could not be fetched or was refused: remembered for
        /// the TTL, so that a hostile or dead host costs one fetch per TTL, not one per request.
        case webFailure(IdentityError)
    }

    let configuration: Configuration
    let repository: (any DIDLogRepository)?
    let http: any OutboundHTTP
    let extraSources: @Sendable () async -> [String]
    let now: @Sendable () -> Date
    let logger: Logger
    var cache: [DID: (value: Cached, expires: Date)] = [:]
    /// What a resolution can answer without the actor: did:key documents already derived
    /// (they never change, and deriving one costs more than the signature check it serves)
    /// and fresh cached logs of other nodes (`Specs/did-tau.md` 12.5, step 0). Every
    /// received message resolves its sender; answering these under a lock spares it a hop to
    /// the actor's executor and back.
    let ready = Mutex(ReadyResolutions())

    struct ReadyResolutions {
        var keyDocuments: [DID: DIDDocument] = [:]
        /// Mirrors the `.tau` entries of `cache` for DIDs that are not this node's own.
        var foreignLogs: [DID: (log: VerifiedDIDTauLog, expires: Date)] = [:]
    }
    /// DIDs whose log is this node's own (stored with origin `local`): read from storage on
    /// every resolution, never answered from the cache alone.
    var localDIDs: Set<DID> = []
    /// Remote fetches in flight, one per DID: concurrent resolutions of one DID wait for
    /// the same fetch instead of asking every source again.
    var tauFetches: [DID: Task<Result<Refresh, any Error>, Never>] = [:]
    var webFetches: [DID: Task<Result<DIDDocument, IdentityError>, Never>] = [:]
    /// Parsing and verifying untrusted logs and documents runs off this actor, at most
    /// one per core at once, so that a hostile document never stalls resolution of others.
    let verification = ConcurrencyLimiter(limit: ProcessInfo.processInfo.activeProcessorCount)

    /// - Parameters:
    ///   - http: every fetch goes through it, under its outbound address policy.
    ///   - extraSources: more log sources asked after the configured ones (the mesh's peers).
    ///   - now: the wall clock, injected so tests control TTLs and entry-time checks.
    public init(
        configuration: Configuration = Configuration(), repository: (any DIDLogRepository)?,
        http: any OutboundHTTP = PolicedHTTPClient(policy: .publicOnly), extraSources: @escaping @Sendable () async -> [String] = { [] },
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tau.identity.resolver")
    ) {
        self.configuration = configuration
        self.repository = repository
        self.http = http
        self.extraSources = extraSources
        self.now = now
        self.logger = logger
    }

    /// Resolves a DID or DID URL (`?versionId=` / `?versionTime=` select a version).
    /// Never throws: failures are reported in the result's metadata.
    public func resolve(_ didURL: String) async -> DIDResolutionResult {
        do {
            let url = try DIDURL(didURL)
            return await resolve(url.did, query: try DIDVersionQuery(url: url))
        } catch {
            return DIDResolutionResult(error: error)
        }
    }

    /// Resolves `did` at the version `query` selects.
    public nonisolated func resolve(_ did: DID, query: DIDVersionQuery = .latest) async -> DIDResolutionResult {
        switch did.method {
        case "key":
            // Derived from the DID itself: never a reason to wait for the actor.
            do throws(IdentityError) {
                guard query == .latest else {
                    throw IdentityError("version_not_found", "did:key documents have a single version", category: .notFound)
                }
                return DIDResolutionResult(document: try keyDocument(for: did), metadata: .init())
            } catch {
                return DIDResolutionResult(error: error)
            }
        case "tau" where query == .latest:
            if let fresh = ready.withLock({ $0.foreignLogs[did] }), fresh.expires > now() { return fresh.log.resolve(.latest) }
        default: break
        }
        return await resolveOnActor(did, query: query)
    }

    /// did:tau and did:web, which may read storage or fetch (did:key never comes here).
    private func resolveOnActor(_ did: DID, query: DIDVersionQuery) async -> DIDResolutionResult {
        do {
            switch did.method {
            case "tau":
                return try await verifiedLog(for: did).resolve(query)
            case "web":
                guard query == .latest else {
                    throw IdentityError("version_not_found", "did:web has no version history", category: .notFound)
                }
                return DIDResolutionResult(document: try await webDocument(for: did), metadata: .init())
            default:
                throw IdentityError("method_not_supported", "did:\(did.method) is not supported (tau, key, web are)", category: .notFound)
            }
        } catch let error as IdentityError {
            return DIDResolutionResult(error: error)
        } catch {
            return DIDResolutionResult(error: IdentityError("internal_error", "\(error)", category: .internal, cause: error))
        }
    }

    nonisolated func keyDocument(for did: DID) throws(IdentityError) -> DIDDocument {
        if let document = ready.withLock({ $0.keyDocuments[did] }) { return document }
        let document = try DIDKey.document(for: did)
        ready.withLock { ready in
            // Bounded like the cache; starting over is cheap, since each entry is derived again on use.
            if ready.keyDocuments.count >= DIDResolver.cacheLimit { ready.keyDocuments.removeAll(keepingCapacity: true) }
            ready.keyDocuments[did] = document
        }
        return document
    }

    /// Records that `did` is one of this node's own: never answered from a cache alone.
    func markLocal(_ did: DID) {
        localDIDs.insert(did)
        ready.withLock { _ = $0.foreignLogs.removeValue(forKey: did) }
    }

    /// The verified log of a did:tau DID, refreshed from remote sources when the
    /// cached copy is older than the TTL.
    /// - Throws: ``IdentityError`` (`did_not_found`, any verification code, `log_forked`).
    public func verifiedLog(for did: DID) async throws -> VerifiedDIDTauLog {
        let cached = cache[did]
        var cachedLog: VerifiedDIDTauLog?
        if case .tau(let log)? = cached?.value { cachedLog = log }
        // A fresh copy of another node's log is used as it is: storage changes only when a
        // log is accepted (here, or by a replica, which this one learns within the TTL or
        // from the first message signed with a key it does not hold).
        if let cachedLog, !localDIDs.contains(did), (cached?.expires ?? .distantPast) > now() { return cachedLog }
        // Storage is asked every time for this node's own DIDs: another process (the CLI) may
        // have rotated one, and the node's own log is never fetched from elsewhere. The
        // stored head's versionId tells whether the log in memory is still the stored one
        // without reading the log (the node signs and advertises itself for every message).
        if let cachedLog, localDIDs.contains(did), let repository,
            try await repository.headVersionId(for: did) == cachedLog.head.versionId
        {
            return cachedLog
        }
        let stored = try await repository?.log(for: did)
        var held: VerifiedDIDTauLog?
        if let stored {
            if let cachedLog, cachedLog.log == stored.log {
                held = cachedLog
            } else {
                do {
                    // Entry times were checked against the clock when the log was accepted;
                    // a clock that later steps back must not make a held log invalid.
                    let time = now()
                    held = try await verification.run { () throws(IdentityError) in
                        try stored.log.verify(did: did, now: time, maximumClockSkew: .infinity)
                    }
                } catch {
                    throw IdentityError(
                        "stored_log_invalid", "the stored log of \(did) no longer verifies: \(error.message)", category: .internal)
                }
            }
            if stored.origin == .local, let held {
                markLocal(did)
                remember(.tau(held), for: did)
                return held
            }
        }
        let fresh = (cached?.expires ?? .distantPast) > now()
        if fresh, let cachedLog, cachedLog.log.entries.count >= (held?.log.entries.count ?? 0) {
            return cachedLog
        }
        // Another process sharing the store asked the sources recently enough.
        if let held, let checked = stored?.checkedAt, now().timeIntervalSince(checked) < configuration.cacheTTL.timeInterval {
            remember(.tau(held), for: did)
            return held
        }
        let notFound = IdentityError("did_not_found", "no log for \(did) is held here or at any source", category: .notFound)
        if fresh, held == nil, case .missing? = cached?.value { throw notFound }
        let refreshed = try await sharedRefresh(did, held: held)
        held = refreshed.log
        if held != nil { try? await repository?.markChecked(did, at: now()) }
        guard let held else {
            remember(.missing, for: did)
            guard let refusal = refreshed.refusal else { throw notFound }
            throw IdentityError(notFound.code, "\(notFound.message); \(refusal)", category: .notFound)
        }
        remember(.tau(held), for: did)
        return held
    }

    /// The verified log held for `did` (cache or storage), without asking any remote
    /// source; nil when none is held. For callers that must not cause network traffic.
    public func heldLog(for did: DID) async -> VerifiedDIDTauLog? {
        if case .tau(let log)? = cache[did]?.value { return log }
        let time = now()
        guard let stored = try? await repository?.log(for: did) else { return nil }
        if stored.origin == .local { markLocal(did) }
        guard let verified = try? await verification.run({ () throws(IdentityError) in
                try stored.log.verify(did: did, now: time, maximumClockSkew: .infinity)
            })
        else { return nil }
        remember(.tau(verified), for: did)
        return verified
    }

    /// Accepts a log offered by someone (a peer, an import): verifies it, checks it
    /// continues any held log, stores it if it is newer, and returns what is held now.
    @discardableResult
    public func accept(_ log: DIDTauLog, for did: DID? = nil, origin: DIDLogOrigin = .resolved) async throws -> VerifiedDIDTauLog {
        let time = now()
        let skew = configuration.maximumClockSkew
        let verified = try await verification.run { () throws(IdentityError) in
            try log.verify(did: did, now: time, maximumClockSkew: skew)
        }
        var current = verified
        if origin == .local { markLocal(verified.did) }
        if let stored = try await repository?.log(for: verified.did) {
            if stored.origin == .local { markLocal(verified.did) }
            try verified.checkContinues(stored.log)
            if stored.log.entries.count >= verified.log.entries.count {
                current = try await verification.run { () throws(IdentityError) in
                    try stored.log.verify(did: verified.did, now: time, maximumClockSkew: skew)
                }
            } else {
                try await repository?.save(verified, origin: stored.origin == .local ? .local : origin)
            }
        } else {
            try await repository?.save(verified, origin: origin)
            if origin != .local { try await repository?.evictForeignLogs(beyond: configuration.foreignLogLimits) }
        }
        remember(.tau(current), for: verified.did)
        return current
    }

    /// Most results kept; beyond it, expired entries go first, then the soonest to expire.
    static let cacheLimit = 10_000

    /// Caches a result. Monotonic: a shorter log never replaces a longer one, and "not
    /// found" never replaces a log, whatever order concurrent resolutions finish in.
    func remember(_ value: Cached, for did: DID) {
        let current = now()
        if case .tau(let held)? = cache[did]?.value {
            switch value {
            case .missing: return
            case .tau(let offered) where offered.log.entries.count < held.log.entries.count: return
            default: break
            }
        }
        if cache[did] == nil, cache.count >= DIDResolver.cacheLimit {
            cache = cache.filter { $0.value.expires > current }
            if cache.count >= DIDResolver.cacheLimit, let soonest = cache.min(by: { $0.value.expires < $1.value.expires }) {
                cache[soonest.key] = nil
            }
        }
        let expires = current.addingTimeInterval(configuration.cacheTTL.timeInterval)
        cache[did] = (value, expires)
        let foreign = cache
        let local = localDIDs
        ready.withLock { ready in
            if case .tau(let log) = value, !local.contains(did) {
                ready.foreignLogs[did] = (log, expires)
            } else {
                ready.foreignLogs[did] = nil
            }
            // Entries the cache evicted go too.
            if ready.foreignLogs.count > foreign.count { ready.foreignLogs = ready.foreignLogs.filter { foreign[$0.key] != nil } }
        }
    }

    /// Drops cached results so the next resolution reads storage and sources again.
    public func invalidate(_ did: DID? = nil) {
        if let did { cache[did] = nil } else { cache.removeAll() }
        ready.withLock { ready in
            if let did { ready.foreignLogs[did] = nil } else { ready.foreignLogs.removeAll() }
        }
    }
}
