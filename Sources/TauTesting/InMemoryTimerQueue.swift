import Foundation
import Synchronization
import TauCore

/// A ``TimerQueue`` in memory, for tests that need no database.
public final class InMemoryTimerQueue: TimerQueue {
    struct Entry {
        var dueAt: Date
        var payload: String?
        var claimedBy: String?
        var claimedUntil: Date?
    }

    private let timers = Mutex<[String: Entry]>([:])

    public init() {}

    public func schedule(_ name: String, at due: Date, payload: String?, replacing: Bool) async throws {
        timers.withLock { timers in
            guard replacing || timers[name] == nil else { return }
            timers[name] = Entry(dueAt: due, payload: payload)
        }
    }

    public func claimDue(now: Date, lease: TimeInterval, claimer: String, limit: Int) async throws -> [DueTimer] {
        claim(now: now, lease: lease, claimer: claimer, limit: limit) { _ in true }
    }

    public func claim(_ name: String, now: Date, lease: TimeInterval, claimer: String) async throws -> DueTimer? {
        claim(now: now, lease: lease, claimer: claimer, limit: 1) { $0 == name }.first
    }

    private func claim(now: Date, lease: TimeInterval, claimer: String, limit: Int, matching: (String) -> Bool) -> [DueTimer] {
        timers.withLock { timers in
            let due = timers.filter { name, entry in
                matching(name) && entry.dueAt <= now && (entry.claimedUntil.map { $0 < now } ?? true)
            }.sorted { $0.value.dueAt < $1.value.dueAt }.prefix(max(1, limit))
            return due.map { name, entry in
                timers[name]?.claimedBy = claimer
                timers[name]?.claimedUntil = now.addingTimeInterval(max(0.001, lease))
                return DueTimer(name: name, dueAt: entry.dueAt, payload: entry.payload)
            }
        }
    }

    public func complete(_ name: String, claimer: String, next: Date?) async throws -> Bool {
        timers.withLock { timers in
            guard timers[name]?.claimedBy == claimer else { return false }
            if let next { timers[name] = Entry(dueAt: next, payload: timers[name]?.payload) } else { timers[name] = nil }
            return true
        }
    }

    public func cancel(_ name: String) async throws {
        _ = timers.withLock { $0.removeValue(forKey: name) }
    }
}
