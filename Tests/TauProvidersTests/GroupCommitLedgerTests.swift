import Foundation
import Synchronization
import TauCore
import TauProviders
import TauTesting
import Testing

/// Usage written in groups: queued records reach the store together, reports read them, a
/// flush writes everything, and a store that fails keeps them for the next attempt.
struct GroupCommitLedgerTests {
    static func record(_ index: Int, key: String? = "k") -> UsageRecord {
        UsageRecord(
            time: Date(epochMilliseconds: 1_790_000_000_000 + Int64(index)), apiKeyID: key, sessionID: nil, requestedModel: "m", model: "m",
            route: "r", usage: Usage(inputTokens: 10, outputTokens: 5), cost: Money(microunits: 100, currency: .usd), status: "ok",
            latencyMilliseconds: 1)
    }

    /// A ledger that counts group writes and fails the first `failures` of them.
    final class CountingLedger: BudgetLedger {
        let base = InMemoryUsageRepository()
        let groups = Mutex<[Int]>([])
        let failures: Mutex<Int>

        init(failing failures: Int = 0) { self.failures = Mutex(failures) }

        func recordAll(_ records: [(UsageRecord, BudgetHold?)]) async throws {
            let fail = failures.withLock { left in
                guard left > 0 else { return false }
                left -= 1
                return true
            }
            if fail { throw TestingError("the store is down") }
            groups.withLock { $0.append(records.count) }
            for (record, hold) in records { try await base.record(record, releasing: hold) }
        }

        func record(_ record: UsageRecord) async throws { try await recordAll([(record, nil)]) }
        func record(_ record: UsageRecord, releasing hold: BudgetHold?) async throws { try await recordAll([(record, hold)]) }
        func totals(apiKeyID: String) async throws -> UsageTotals { try await base.totals(apiKeyID: apiKeyID) }
        func totals(sessionID: String) async throws -> UsageTotals { try await base.totals(sessionID: sessionID) }
        func recent(limit: Int) async throws -> [UsageRecord] { try await base.recent(limit: limit) }
        func spent(apiKeyID: String) async throws -> Money { try await base.spent(apiKeyID: apiKeyID) }
        func place(_ hold: BudgetHold, budget: Money, now: Date) async throws -> Bool { try await base.place(hold, budget: budget, now: now) }
    }

    @Test func recordsOfOneWindowAreWrittenTogetherAndReportsSeeThem() async throws {
        let store = CountingLedger()
        let ledger = GroupCommitLedger(store, window: .seconds(30))
        for index in 0..<10 { try await ledger.record(Self.record(index), releasing: nil) }
        #expect(try await store.recent(limit: 100).isEmpty, "queued, not written yet")
        #expect(try await ledger.totals(apiKeyID: "k").requests == 10, "a report writes the queue first")
        #expect(store.groups.withLock { $0 } == [10], "one transaction for the ten")
    }

    @Test func aFullGroupIsWrittenWithoutWaitingForTheWindow() async throws {
        let store = CountingLedger()
        let ledger = GroupCommitLedger(store, window: .seconds(30), maximumGroup: 4)
        for index in 0..<4 { try await ledger.record(Self.record(index), releasing: nil) }
        for _ in 0..<200 where try await store.recent(limit: 100).count < 4 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await store.recent(limit: 100).count == 4)
    }

    @Test func aFailingStoreKeepsTheRecordsForTheNextAttempt() async throws {
        let store = CountingLedger(failing: 1)
        let ledger = GroupCommitLedger(store, window: .milliseconds(1))
        for index in 0..<3 { try await ledger.record(Self.record(index), releasing: nil) }
        for _ in 0..<300 where try await store.recent(limit: 100).count < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await store.recent(limit: 100).count == 3, "written on the retry, none lost")
        await ledger.flush()
        #expect(try await store.recent(limit: 100).count == 3, "and written once")
    }

    @Test func aFullQueueMakesCallsWaitAndLosesNothing() async throws {
        let store = CountingLedger(failing: 1_000)
        let ledger = GroupCommitLedger(store, window: .seconds(30), maximumQueued: 5)
        for index in 0..<5 { try await ledger.record(Self.record(index), releasing: nil) }
        // The queue is full and the store fails: three more calls wait for room.
        let waiting = Task {
            for index in 5..<8 { try await ledger.record(Self.record(index), releasing: nil) }
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await store.recent(limit: 100).isEmpty, "nothing written while the store fails")
        store.failures.withLock { $0 = 0 }
        // The writer retries a second after its last failure, then makes room for the waiting calls.
        try await waiting.value
        await ledger.flush()
        let kept = try await store.recent(limit: 100).map(\.time.epochMilliseconds).sorted()
        #expect(kept == (0..<8).map { 1_790_000_000_000 + Int64($0) }, "every record, once")
    }
}
