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
    /// The most records queued: beyond it a call waits for the writer (backpressure) instead
    /// of a record being dropped.
    public let maximumQueued: Int
    private let logger: Logger
    /// Queued records in arrival order; a group written is always the queue's first records.
    private var queue: [(record: UsageRecord, hold: BudgetHold?)] = []
    /// Calls waiting for room in a full queue, resumed as groups are written.
    private var waitingForRoom: [CheckedContinuation<Void, Never>] = []
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

    /// Queues the record; it is written with its group. When the queue is full (the store is
    /// slower than the calls, or failing), waits until a group has been written: the calls slow
    /// down to the store's pace and no record is ever dropped.
    public func record(_ record: UsageRecord, releasing hold: BudgetHold?) async throws {
        while queue.count >= maximumQueued {
            if !writing { Task { await self.writeQueued() } }
            await withCheckedContinuation { waitingForRoom.append($0) }
        }
        queue.append((record, hold))
        if queue.count >= maximumGroup {
            if !writing { Task { await self.writeQueued() } }
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
                try await base.recordAll(group)
                // Only this writer removes records, and calls only append: the group is still first.
                queue.removeFirst(group.count)
                resumeWaiting()
            } catch {
                // Kept for the next attempt; the holds keep their budgets covered meanwhile.
                logger.error("could not write usage records; will retry", metadata: ["records": "\(group.count)", "error": "\(error)"])
                wake(after: .seconds(1))
                return
            }
        }
    }

    private func resumeWaiting() {
        let room = maximumQueued - queue.count
        guard room > 0, !waitingForRoom.isEmpty else { return }
        let resumed = waitingForRoom.prefix(room)
        waitingForRoom.removeFirst(resumed.count)
        for waiting in resumed { waiting.resume() }
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
