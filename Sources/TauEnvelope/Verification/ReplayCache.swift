import Foundation
import TauIdentity

/// Remembers which `(from, id)` pairs have been accepted, so that no message is
/// accepted twice. Implemented in the node database (TauStore) so that it survives
/// restarts and is shared by replicas.
public protocol ReplayCache: Sendable {
    /// Records `(sender, id)` until `retainUntil`. Returns false, recording nothing,
    /// when the pair is already recorded. Must be atomic: of two concurrent calls with
    /// the same pair, exactly one returns true.
    func markSeen(sender: DID, id: String, retainUntil: Date) async throws -> Bool
    /// Forgets pairs whose retention ended before `now`; returns how many.
    @discardableResult
    func purge(before now: Date) async throws -> Int
}
