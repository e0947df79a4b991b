import Foundation

/// A token bucket: `capacity` messages at once, refilled at `refillPerSecond`.
/// A plain value; the caller keeps one per sender.
public struct TokenBucket: Sendable, Equatable {
    public let capacity: Double
    public let refillPerSecond: Double
    public private(set) var tokens: Double
    public private(set) var updated: Date

    public init(capacity: Double, refillPerSecond: Double, now: Date) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.tokens = capacity
        self.updated = now
    }

    /// Takes one token if there is one.
    public mutating func take(at now: Date) -> Bool {
        let elapsed = max(0, now.timeIntervalSince(updated))
        tokens = min(capacity, tokens + elapsed * refillPerSecond)
        // A clock that went back (or another replica's, behind) must not earn a refill later.
        updated = max(updated, now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// How long until a token is available (zero when one is).
    public func waitTime(at now: Date) -> TimeInterval {
        let available = min(capacity, tokens + max(0, now.timeIntervalSince(updated)) * refillPerSecond)
        guard available < 1, refillPerSecond > 0 else { return 0 }
        return (1 - available) / refillPerSecond
    }
}
