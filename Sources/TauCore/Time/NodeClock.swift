import Foundation

/// The node's one source of time, injected into every component that reads the time or
/// waits: wall time for what is recorded (timestamps, expiry, `created_time`), and a
/// monotonic clock for sleeping and measuring (gossip intervals, deadlines, backoff).
///
/// Services never call `Date()` or `Task.sleep` themselves; tests pass a clock they drive
/// (TauTesting's `TestNodeClock`), so timers fire without anyone waiting.
public struct NodeClock: Sendable {
    /// The current wall time.
    public let now: @Sendable () -> Date
    /// Sleeps and measures elapsed time.
    public let monotonic: any Clock<Duration>

    public init(now: @escaping @Sendable () -> Date, monotonic: any Clock<Duration>) {
        self.now = now
        self.monotonic = monotonic
    }

    /// The system's clocks.
    public static var system: NodeClock { NodeClock(now: { Date() }, monotonic: ContinuousClock()) }

    /// Waits `duration` on the monotonic clock; throws `CancellationError` when cancelled.
    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else { return try Task.checkCancellation() }
        try await monotonic.sleep(for: duration, tolerance: nil)
    }
}
