import Foundation
import Synchronization
import TauIdentity

/// A ``DIDLogRepository`` kept in memory, for resolver tests that need no database.
public actor InMemoryDIDLogRepository: DIDLogRepository {
    private var logs: [DID: StoredDIDLog] = [:]

    public init() {}

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
    }

    public func heldDIDs() async throws -> [DID] { logs.keys.sorted() }

    public func markChecked(_ did: DID, at time: Date) async throws {
        guard let stored = logs[did] else { return }
        logs[did] = StoredDIDLog(log: stored.log, origin: stored.origin, checkedAt: time)
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
