import Foundation
import GRDB
import TauEnvelope
import TauIdentity

/// ``ReplayCache`` in the node database: survives restarts, and every process that
/// shares the database (CLI, daemon, replicas) sees the same pairs.
public struct SQLiteReplayCache: ReplayCache {
    let database: NodeDatabase

    public init(database: NodeDatabase) {
        self.database = database
    }

    public func markSeen(sender: DID, id: String, retainUntil: Date) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try await database.pool.write { db in
            // Keep the table small without a separate timer: each insert clears a few expired rows.
            try db.execute(
                sql: """
                    DELETE FROM replay_cache WHERE rowid IN
                        (SELECT rowid FROM replay_cache WHERE retain_until < ? LIMIT 64)
                    """, arguments: [now])
            try db.execute(
                sql: "INSERT INTO replay_cache (sender, message_id, retain_until) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [sender.description, id, retainUntil.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    public func purge(before now: Date) async throws -> Int {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM replay_cache WHERE retain_until < ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
