import Foundation
import TauCore
import TauEnvelope
import TauIdentity

/// ``ReplayCache`` in the store: survives restarts, and every process that shares the
/// database (CLI, daemon, replicas on one PostgreSQL) sees the same pairs. The insert is
/// one statement, so of two replicas receiving the same message exactly one accepts it.
public struct SQLReplayCache: ReplayCache {
    let executor: any SQLExecutor
    let now: @Sendable () -> Date

    init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date) {
        self.executor = executor
        self.now = now
    }

    public func markSeen(sender: DID, id: String, retainUntil: Date) async throws -> Bool {
        // Keep the table small without a timer of its own: each insert clears a few expired pairs.
        try await executor.execute(
            """
            DELETE FROM envelope_replay WHERE (sender, message_id) IN
                (SELECT sender, message_id FROM envelope_replay WHERE retain_until_ms < ? LIMIT 64)
            """, now().epochMilliseconds)
        let inserted = try await executor.query(
            """
            INSERT INTO envelope_replay (sender, message_id, retain_until_ms) VALUES (?, ?, ?)
            ON CONFLICT (sender, message_id) DO NOTHING RETURNING 1 AS inserted
            """, sender.description, id, retainUntil.epochMilliseconds)
        return inserted.count == 1
    }

    public func purge(before now: Date) async throws -> Int {
        try await executor.query(
            "DELETE FROM envelope_replay WHERE retain_until_ms < ? RETURNING 1 AS purged", now.epochMilliseconds
        ).count
    }
}
