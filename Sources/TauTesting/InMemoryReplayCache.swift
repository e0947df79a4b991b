import Foundation
import TauEnvelope
import TauIdentity

/// A ``ReplayCache`` in memory, for verifier tests that need no database.
public actor InMemoryReplayCache: ReplayCache {
    private var seen: [String: Date] = [:]

    public init() {}

    public func markSeen(sender: DID, id: String, retainUntil: Date) async throws -> Bool {
        let key = "\(sender) \(id)"
        guard seen[key] == nil else { return false }
        seen[key] = retainUntil
        return true
    }

    public func purge(before now: Date) async throws -> Int {
        let expired = seen.filter { $0.value < now }.map(\.key)
        for key in expired { seen[key] = nil }
        return expired.count
    }
}
