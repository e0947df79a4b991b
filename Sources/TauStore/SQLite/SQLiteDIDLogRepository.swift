import Foundation
import GRDB
import TauCore
import TauIdentity

/// ``DIDLogRepository`` in the node's SQLite database.
///
/// A save never moves a DID backwards: it only replaces a held log with a longer
/// one (the resolver has already checked that it continues the held one), and a
/// DID once held as `local` stays local.
public struct SQLiteDIDLogRepository: DIDLogRepository {
    let database: NodeDatabase

    public init(database: NodeDatabase) {
        self.database = database
    }

    public func log(for did: DID) async throws -> StoredDIDLog? {
        // The closure returns Sendable values so that GRDB's async (non-blocking) read is
        // chosen; a Row result would select the blocking overload and stall the cooperative pool.
        let fetched: (origin: String, log: String, updated: String?)? = try await database.pool.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT origin, log_jsonl, updated_at FROM did_log WHERE did = ?", arguments: [did.description])
            else { return nil }
            return (row["origin"], row["log_jsonl"], row["updated_at"])
        }
        guard let fetched else { return nil }
        let text = fetched.log
        let origin = DIDLogOrigin(rawValue: fetched.origin) ?? .resolved
        let checked = fetched.updated.flatMap { try? Timestamp.parse($0) }
        return StoredDIDLog(log: try DIDTauLog(jsonLines: Array(text.utf8)), origin: origin, checkedAt: checked)
    }

    public func save(_ log: VerifiedDIDTauLog, origin: DIDLogOrigin) async throws {
        let did = log.did.description
        let head = log.head
        let jsonLines = log.log.jsonLines
        let now = Timestamp.format(Date())
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO did_log (did, origin, head_version, head_version_id, deactivated, log_jsonl, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(did) DO UPDATE SET
                        origin = CASE WHEN did_log.origin = 'local' THEN 'local' ELSE excluded.origin END,
                        head_version = excluded.head_version,
                        head_version_id = excluded.head_version_id,
                        deactivated = excluded.deactivated,
                        log_jsonl = excluded.log_jsonl,
                        updated_at = excluded.updated_at
                    WHERE excluded.head_version > did_log.head_version
                    """,
                arguments: [did, origin.rawValue, head.number, head.versionId, head.deactivated, jsonLines, now])
            // Becoming the node's own identity does not depend on the log being longer.
            if origin == .local {
                try db.execute(sql: "UPDATE did_log SET origin = 'local' WHERE did = ?", arguments: [did])
            }
        }
    }

    public func markChecked(_ did: DID, at time: Date) async throws {
        let stamp = Timestamp.format(time)
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE did_log SET updated_at = ? WHERE did = ?", arguments: [stamp, did.description])
        }
    }

    public func heldDIDs() async throws -> [DID] {
        let texts = try await database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT did FROM did_log ORDER BY did")
        }
        return texts.compactMap { try? DID($0) }
    }

    /// The DID this node controls, if its identity has been created.
    public func localDID() async throws -> DID? {
        let text = try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT did FROM did_log WHERE origin = 'local' LIMIT 1")
        }
        return text.flatMap { try? DID($0) }
    }

    /// What is held, newest change first, for listings.
    public func summaries() async throws -> [HeldLogSummary] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT did, origin, head_version_id, deactivated, updated_at FROM did_log ORDER BY did"
            ).map {
                HeldLogSummary(
                    did: $0["did"], origin: $0["origin"], headVersionId: $0["head_version_id"], deactivated: $0["deactivated"],
                    updatedAt: $0["updated_at"])
            }
        }
    }
}

/// One row of the held-logs listing.
public struct HeldLogSummary: Sendable, Equatable {
    public let did: String
    public let origin: String
    public let headVersionId: String
    public let deactivated: Bool
    public let updatedAt: String
}
