import Clocks
import Foundation
import TauCore

/// A ``NodeClock`` that tests drive: wall time and the monotonic clock move together,
/// only when ``advance(by:)`` is called, so timers fire without anyone waiting.
public final class TestNodeClock: Sendable {
    public let monotonic = TestClock<Duration>()
    let start: Date
    let origin: TestClock<Duration>.Instant

    public init(start: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        self.start = start
        origin = monotonic.now
    }

    /// The clock to inject.
    public var clock: NodeClock {
        let monotonic = monotonic
        let start = start
        let origin = origin
        return NodeClock(now: { start.addingTimeInterval(origin.duration(to: monotonic.now).timeInterval) }, monotonic: monotonic)
    }

    /// The current wall time.
    public var now: Date { start.addingTimeInterval(origin.duration(to: monotonic.now).timeInterval) }

    /// Moves both clocks forward, resuming every sleeper whose time has come.
    public func advance(by duration: Duration) async {
        await monotonic.advance(by: duration)
    }
}
