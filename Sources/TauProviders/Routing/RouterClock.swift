/// The router's view of time: a monotonic offset from a fixed origin, and sleeping.
/// Injected so that tests drive backoff and breaker cooldowns without waiting.
public struct RouterClock: Sendable {
    private let nowFunction: @Sendable () -> Duration
    private let sleepFunction: @Sendable (Duration) async throws -> Void

    /// Wraps any clock measured in `Duration` (ContinuousClock, a test clock, ...).
    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        nowFunction = { origin.duration(to: clock.now) }
        sleepFunction = { duration in try await clock.sleep(for: duration) }
    }

    /// The real monotonic clock.
    public static var continuous: RouterClock { RouterClock(ContinuousClock()) }

    public var now: Duration { nowFunction() }

    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else { return }
        try await sleepFunction(duration)
    }
}
