import Synchronization

/// The log fetch attempts one inbound message (or one outbound exchange) may cause
/// (`Specs/mesh.md` section 6.3). Each message gets its own, so messages handled at the
/// same time cannot spend or reset each other's.
public final class LogPullBudget: Sendable {
    /// Attempts allowed per inbound message and per outbound exchange.
    public static let attemptsPerMessage = 8

    private let left: Mutex<Int>

    /// A budget of `attempts` fetch attempts.
    public init(attempts: Int = LogPullBudget.attemptsPerMessage) {
        left = Mutex(max(0, attempts))
    }

    /// Attempts not spent yet.
    public var remaining: Int { left.withLock { $0 } }

    /// Spends one attempt; false (and nothing spent) when none is left.
    public func take() -> Bool {
        left.withLock { left in
            guard left > 0 else { return false }
            left -= 1
            return true
        }
    }
}
