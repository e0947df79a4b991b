import Foundation
import Synchronization
import TauCore
import TauIdentity

/// ``DIDLogRepository`` in the store (SQLite or PostgreSQL).
///
/// A save never moves a DID backwards: it only replaces a held log with a longer one (the
/// resolver has already checked that it continues the held one), in one statement, so two
/// replicas saving different lengths at once keep the longer. A DID once held as `local`
/// stays local.
public struct SQLDIDLogRepository: DIDLogRepository {
    let executor: any SQLExecutor
    let now: @Sendable () -> Date
    /// The logs parsed last, by DID with their text: the resolver reads a log for every
    /// message it checks and signs, and parsing costs more than the read.
    private let parsed = ParsedLogs()

    init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date) {
        self.executor = executor
        self.now = now
    }

    public func log(for did: DID) async throws -> StoredDIDLog? {
        guard
            let row = try await executor.queryOne(
                "SELECT origin, log_jsonl, checked_at_ms FROM identity_did_logs WHERE did = ?", did.description)
        else { return nil }
        let origin = DIDLogOrigin(rawValue: try row.string("origin")) ?? .resolved
        let text = try row.string("log_jsonl")
        let log: DIDTauLog
        if let known = parsed.log(for: did, text: text) {
            log = known
        } else {
            log = try DIDTauLog(jsonLines: Array(text.utf8))
            parsed.remember(log, for: did, text: text)
        }
        return StoredDIDLog(log: log, origin: origin, checkedAt: row.optionalDate("checked_at_ms"))
    }

    public func headVersionId(for did: DID) async throws -> String? {
        try await executor.queryOne("SELECT head_version_id FROM identity_did_logs WHERE did = ?", did.description)?
            .optionalString("head_version_id")
    }

    public func save(_ log: VerifiedDIDTauLog, origin: DIDLogOrigin) async throws {
        let head = log.head
        let text = log.log.jsonLines
        let time = now().epochMilliseconds
        try await executor.execute(
            """
            INSERT INTO identity_did_logs (did, origin, head_version, head_version_id, deactivated, log_jsonl, updated_at_ms, checked_at_ms, log_bytes)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)
            ON CONFLICT (did) DO UPDATE SET
                origin = CASE WHEN identity_did_logs.origin = 'local' OR excluded.origin = 'local' THEN 'local' ELSE excluded.origin END,
                head_version = CASE WHEN excluded.head_version > identity_did_logs.head_version
                    THEN excluded.head_version ELSE identity_did_logs.head_version END,
                head_version_id = CASE WHEN excluded.head_version > identity_did_logs.head_version
                    THEN excluded.head_version_id ELSE identity_did_logs.head_version_id END,
                deactivated = CASE WHEN excluded.head_version > identity_did_logs.head_version
                    THEN excluded.deactivated ELSE identity_did_logs.deactivated END,
                log_jsonl = CASE WHEN excluded.head_version > identity_did_logs.head_version
                    THEN excluded.log_jsonl ELSE identity_did_logs.log_jsonl END,
                log_bytes = CASE WHEN excluded.head_version > identity_did_logs.head_version
                    THEN excluded.log_bytes ELSE identity_did_logs.log_bytes END,
                updated_at_ms = CASE WHEN excluded.head_version > identity_did_logs.head_version
                    THEN excluded.updated_at_ms ELSE identity_did_logs.updated_at_ms END,
                checked_at_ms = excluded.checked_at_ms
            WHERE excluded.head_version > identity_did_logs.head_version
                OR (excluded.origin = 'local' AND identity_did_logs.origin <> 'local')
            """,
            [
                .text(log.did.description), .text(origin.rawValue), .integer(Int64(head.number)), .text(head.versionId),
                .bool(head.deactivated), .text(text), .integer(time), .integer(Int64(text.utf8.count)),
            ])
    }

    public func markChecked(_ did: DID, at time: Date) async throws {
        try await executor.execute(
            "UPDATE identity_did_logs SET checked_at_ms = ? WHERE did = ?", time.epochMilliseconds, did.description)
    }

    public func storedJSONLines(for did: DID) async throws -> String? {
        try await executor.queryOne("SELECT log_jsonl FROM identity_did_logs WHERE did = ?", did.description)?.optionalString("log_jsonl")
    }

    /// One statement: rank the foreign logs newest-checked first with a running byte total,
    /// and delete those past either limit.
    public func evictForeignLogs(beyond limits: ForeignLogLimits) async throws {
        try await executor.execute(
            """
            DELETE FROM identity_did_logs WHERE origin <> 'local' AND did IN (
                SELECT did FROM (
                    SELECT did,
                        ROW_NUMBER() OVER (ORDER BY checked_at_ms DESC, did DESC) AS position,
                        SUM(log_bytes) OVER (ORDER BY checked_at_ms DESC, did DESC ROWS UNBOUNDED PRECEDING) AS running
                    FROM identity_did_logs WHERE origin <> 'local') ranked
                WHERE position > ?1 OR running > ?2)
            """,
            Int64(limits.maximumLogs), Int64(limits.maximumBytes))
    }

    public func heldDIDs() async throws -> [DID] {
        try await executor.query("SELECT did FROM identity_did_logs ORDER BY did").compactMap { row in
            row.optionalString("did").flatMap { try? DID($0) }
        }
    }

    /// The DID this node controls, if its identity has been created.
    public func localDID() async throws -> DID? {
        try await executor.queryOne("SELECT did FROM identity_did_logs WHERE origin = 'local' LIMIT 1")
            .flatMap { $0.optionalString("did") }.flatMap { try? DID($0) }
    }
}

/// Parsed logs keyed by DID and exact stored text: a text that changed in any way (another
/// process saved a longer log) is parsed again. Only parsing is skipped, never verification.
final class ParsedLogs: Sendable {
    /// Beyond this many DIDs the memo starts over (it only saves work).
    static let limit = 1_024
    private let entries = Mutex<[DID: (text: String, log: DIDTauLog)]>([:])

    func log(for did: DID, text: String) -> DIDTauLog? {
        entries.withLock { entries in
            guard let entry = entries[did], entry.text == text else { return nil }
            return entry.log
        }
    }

    func remember(_ log: DIDTauLog, for did: DID, text: String) {
        entries.withLock { entries in
            if entries[did] == nil, entries.count >= ParsedLogs.limit { entries.removeAll() }
            entries[did] = (text, log)
        }
    }
}
