import Foundation
import Synchronization
import TauIdentity

/// A ``DIDLogRepository`` kept in memory, for resolver tests that need no database.
public actor InMemoryDIDLogRepository: DIDLogRepository {
    private var logs: [DID: StoredDIDLog] = [:]
    /// When each log was saved or checked last, the order eviction goes by.
    private var order: [DID: Date] = [:]
    private let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    public func log(for did: DID) async throws -> StoredDIDLog? { logs[did] }

    public func save(_ log: VerifiedDIDTauLog, origin: DIDLogOrigin) async throws {
        let held = logs[log.did]
        let keptOrigin = held?.origin == .local ? .local : origin
        // Like the store: never backwards; a longer log replaces, the same one may only become local.
        if let held, held.log.entries.count >= log.log.entries.count {
            if keptOrigin != held.origin { logs[log.did] = StoredDIDLog(log: held.log, origin: keptOrigin, checkedAt: held.checkedAt) }
            return
        }
        logs[log.did] = StoredDIDLog(log: log.log, origin: keptOrigin, checkedAt: held?.checkedAt)
        order[log.did] = now()
    }

    public func heldDIDs() async throws -> [DID] { logs.keys.sorted() }

    public func markChecked(_ did: DID, at time: Date) async throws {
        guard let stored = logs[did] else { return }
        logs[did] = StoredDIDLog(log: stored.log, origin: stored.origin, checkedAt: time)
        order[did] = time
    }

    public func storedJSONLines(for did: DID) async throws -> String? { logs[did]?.log.jsonLines }

    public func evictForeignLogs(beyond limits: ForeignLogLimits) async throws {
        // Newest first, as the store orders them: by the time the sources were last asked.
        let foreign = logs.filter { $0.value.origin != .local }.keys.sorted {
            (order[$0] ?? .distantPast, $1.description) > (order[$1] ?? .distantPast, $0.description)
        }
        var bytes = 0
        for (position, did) in foreign.enumerated() {
            bytes += logs[did]?.log.jsonLines.utf8.count ?? 0
            if position >= limits.maximumLogs || bytes > limits.maximumBytes { logs[did] = nil }
        }
    }
}

/// A wall clock that tests move by hand, injected wherever tau-node reads `Date()`.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    /// The current time.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// A closure suitable for `now:` parameters.
    public var provider: @Sendable () -> Date { { [self] in self.now } }
}
