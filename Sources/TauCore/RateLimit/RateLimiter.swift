import Foundation

/// The shape of one token bucket: `capacity` at once, refilled at `refillPerSecond`.
public struct RateLimit: Sendable, Hashable {
    public var capacity: Double
    public var refillPerSecond: Double

    public init(capacity: Double, refillPerSecond: Double) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
    }

    /// `count` per minute, all of it available at once.
    public static func perMinute(_ count: Int) -> RateLimit {
        RateLimit(capacity: Double(count), refillPerSecond: Double(count) / 60)
    }
}

/// What a ``RateLimiter`` decided.
public enum RateDecision: Sendable, Hashable {
    case admitted
    /// Refused; a token is available again after this many seconds.
    case refused(retryAfter: TimeInterval)

    public var isAdmitted: Bool { self == .admitted }
}

/// Token buckets by name (an API key id, a sender DID, `*` for all unverified traffic).
///
/// The in-process implementation is ``InMemoryRateLimiter``; TauStore keeps the buckets
/// in the database so that replicas of one node share them. A bucket that does not exist
/// yet starts full.
public protocol RateLimiter: Sendable {
    /// Takes one token from bucket `key`, atomically: of concurrent takes from one bucket
    /// with one token left, exactly one is admitted.
    func take(_ key: String, limit: RateLimit, at now: Date) async throws -> RateDecision
}

/// ``RateLimiter`` in process memory. Buckets idle long enough to be full again are
/// dropped once more than `maximumBuckets` exist, so a flood of names cannot grow it.
public actor InMemoryRateLimiter: RateLimiter {
    private var buckets: [String: TokenBucket] = [:]
    private let maximumBuckets: Int

    public init(maximumBuckets: Int = 10_000) {
        self.maximumBuckets = maximumBuckets
    }

    public func take(_ key: String, limit: RateLimit, at now: Date) -> RateDecision {
        var bucket = buckets[key] ?? TokenBucket(capacity: limit.capacity, refillPerSecond: limit.refillPerSecond, now: now)
        let admitted = bucket.take(at: now)
        let wait = bucket.waitTime(at: now)
        buckets[key] = bucket
        if buckets.count > maximumBuckets {
            // A bucket that would be full again by now behaves exactly like a new one.
            buckets = buckets.filter { _, bucket in
                bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * bucket.refillPerSecond < bucket.capacity
            }
        }
        return admitted ? .admitted : .refused(retryAfter: wait)
    }
}
