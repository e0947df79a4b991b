import Foundation
import Synchronization
import TauEnvelope
import TauIdentity

/// A ``ReplayCache`` in memory, for verifier tests and benchmarks that need no database.
/// A lock rather than an actor: a check is a dictionary lookup, cheaper than a hop to an
/// actor's executor and back.
public final class InMemoryReplayCache: ReplayCache {
    private let seen = Mutex<[String: Date]>([:])

    public init() {}

    public func markSeen(sender: DID, id: String, retainUntil: Date) async throws -> Bool {
        let key = "\(sender) \(id)"
        return seen.withLock { seen in
            guard seen[key] == nil else { return false }
            seen[key] = retainUntil
            return true
        }
    }

    public func purge(before now: Date) async throws -> Int {
        seen.withLock { seen in
            let expired = seen.filter { $0.value < now }.map(\.key)
            for key in expired { seen[key] = nil }
            return expired.count
        }
    }
}
