import Foundation
import Logging
import TauCore

/// A ``BudgetLedger`` that writes usage records in groups (`docs/gateway-api.md`, durability):
/// a call's record is queued and the call goes on; the queue is written by one store
/// transaction per group, at most ``window`` after its first record or as soon as it holds
/// ``maximumGroup``. Writing one transaction for many calls takes the store's commit (an
/// fsync on SQLite) off every request's path.
///
/// What this trades: a process killed outright (or a power loss) loses the records of its last
/// window; a graceful stop (``flush()``, called on shutdown) loses nothing. Budgets stay safe:
/// a call's hold stays placed until its record is written, and the hold covers its cost.
/// Reports (`totals`, `recent`) write the queue first, so this process reads its own writes.
public actor GroupCommitLedger: BudgetLedger {
    private let base: any BudgetLedger
    /// How long the first record of a group waits for others.
    public let window: Duration
    /// The most records of one transaction.
    public let maximumGroup: Int
    /// Records kept when the store keeps failing; beyond, the oldest are dropped (and logged).
    public let maximumQueued: Int
    private let logger: Logger
    /// Queued records in arrival order, numbered so that a group written while others were
    /// queued or dropped is removed exactly.
    private var queue: [(number: Int, record: UsageRecord, hold: BudgetHold?)] = []
    private var nextNumber = 0
    /// Wakes a writer ``window`` after the first record of a group (or a second after a failure).
    private var timer: Task<Void, Never>?
    /// Whether a writer is writing now (one at a time, so no record is written twice).
    private var writing = false

    public init(
        _ base: any BudgetLedger, window: Duration = .milliseconds(5), maximumGroup: Int = 256, maximumQueued: Int = 100_000,
        logger: Logger = Logger(label: "tau.usage")
    ) {
        self.base = base
        self.window = window
        self.maximumGroup = max(1, maximumGroup)
        self.maximumQueued = max(1, maximumQueued)
        self.logger = logger
    }

    public func record(_ record: UsageRecord) async throws {
        try await self.record(record, releasing: nil)
    }

    /// Queues the record; it is written with its group.
    public func record(_ record: UsageRecord, releasing hold: BudgetHold?) async throws {
        queue.append((nextNumber, record, hold))
        nextNumber += 1
        if queue.count > maximumQueued {
            let dropped = queue.count - maximumQueued
            queue.removeFirst(dropped)
            logger.error("usage records dropped: the store has not taken them", metadata: ["dropped": "\(dropped)"])
        }
        if queue.count >= maximumGroup {
            Task { await self.writeQueued() }
        } else {
            wake(after: window)
        }
    }

    /// Writes everything queued now, waiting for a writer already at work (a graceful stop
    /// calls this last).
    public func flush() async {
        while writing { try? await Task.sleep(for: .milliseconds(1)) }
        await writeQueued()
    }

    private func wake(after delay: Duration) {
        guard timer == nil else { return }
        timer = Task {
            try? await Task.sleep(for: delay)
            await self.timerFired()
        }
    }

    private func timerFired() async {
        timer = nil
        await writeQueued()
    }

    private func writeQueued() async {
        guard !writing else { return }
        writing = true
        defer { writing = false }
        while !queue.isEmpty {
            let group = Array(queue.prefix(maximumGroup))
            do {
                try await base.recordAll(group.map { ($0.record, $0.hold) })
                let last = group[group.count - 1].number
                queue.removeAll { $0.number <= last }
            } catch {
                // Kept for the next attempt; the holds keep their budgets covered meanwhile.
                logger.error("could not write usage records; will retry", metadata: ["records": "\(group.count)", "error": "\(error)"])
                wake(after: .seconds(1))
                return
            }
        }
    }

    public func totals(apiKeyID: String) async throws -> UsageTotals {
        await flush()
        return try await base.totals(apiKeyID: apiKeyID)
    }

    public func totals(sessionID: String) async throws -> UsageTotals {
        await flush()
        return try await base.totals(sessionID: sessionID)
    }

    public func recent(limit: Int) async throws -> [UsageRecord] {
        await flush()
        return try await base.recent(limit: limit)
    }

    /// Without the queued records: every request reads it, and the holds of queued calls,
    /// still placed, keep ``place(_:budget:now:)`` exact.
    public func spent(apiKeyID: String) async throws -> Money {
        try await base.spent(apiKeyID: apiKeyID)
    }

    public func place(_ hold: BudgetHold, budget: Money, now: Date) async throws -> Bool {
        try await base.place(hold, budget: budget, now: now)
    }

    public func recordAll(_ records: [(UsageRecord, BudgetHold?)]) async throws {
        for (record, hold) in records { try await self.record(record, releasing: hold) }
    }
}
