import Foundation
import TauCore

/// ``TimerQueue`` in the store. A claim is one statement; on PostgreSQL the rows are
/// picked `FOR UPDATE SKIP LOCKED`, so replicas claiming at once never wait for each
/// other nor get the same timer.
public struct SQLTimerQueue: TimerQueue {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    public func schedule(_ name: String, at due: Date, payload: String?, replacing: Bool) async throws {
        let conflict =
            replacing
            ? "DO UPDATE SET due_at_ms = excluded.due_at_ms, payload = excluded.payload, claimed_by = NULL, claimed_until_ms = NULL"
            : "DO NOTHING"
        try await executor.execute(
            "INSERT INTO timers_due (name, due_at_ms, payload) VALUES (?, ?, ?) ON CONFLICT (name) \(conflict)",
            [.text(name), due.sqlValue, payload.sqlValue])
    }

    public func claimDue(now: Date, lease: TimeInterval, claimer: String, limit: Int) async throws -> [DueTimer] {
        try await claim(where: "", [], now: now, lease: lease, claimer: claimer, limit: limit)
    }

    public func claim(_ name: String, now: Date, lease: TimeInterval, claimer: String) async throws -> DueTimer? {
        try await claim(where: "name = ?5 AND ", [.text(name)], now: now, lease: lease, claimer: claimer, limit: 1).first
    }

    private func claim(
        where condition: String, _ extra: [SQLValue], now: Date, lease: TimeInterval, claimer: String, limit: Int
    ) async throws -> [DueTimer] {
        let time = now.epochMilliseconds
        let until = now.addingTimeInterval(max(0.001, lease)).epochMilliseconds
        return try await executor.query(
            """
            UPDATE timers_due SET claimed_by = ?1, claimed_until_ms = ?2
            WHERE name IN (
                SELECT name FROM timers_due
                WHERE \(condition)due_at_ms <= ?3 AND (claimed_until_ms IS NULL OR claimed_until_ms < ?3)
                ORDER BY due_at_ms LIMIT ?4\(executor.dialect.forUpdateSkipLocked))
            RETURNING name, due_at_ms, payload
            """,
            [.text(claimer), .integer(until), .integer(time), .integer(Int64(max(1, limit)))] + extra
        ).map { row in
            DueTimer(name: try row.string("name"), dueAt: try row.date("due_at_ms"), payload: row.optionalString("payload"))
        }.sorted { $0.dueAt < $1.dueAt }
    }

    @discardableResult
    public func complete(_ name: String, claimer: String, next: Date?) async throws -> Bool {
        if let next {
            return try await !executor.query(
                """
                UPDATE timers_due SET due_at_ms = ?, claimed_by = NULL, claimed_until_ms = NULL
                WHERE name = ? AND claimed_by = ? RETURNING name
                """, next.epochMilliseconds, name, claimer
            ).isEmpty
        }
        return try await !executor.query("DELETE FROM timers_due WHERE name = ? AND claimed_by = ? RETURNING name", name, claimer).isEmpty
    }

    public func cancel(_ name: String) async throws {
        try await executor.execute("DELETE FROM timers_due WHERE name = ?", name)
    }
}
