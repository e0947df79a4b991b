/// How often and how long to retry one route before falling back to the next.
public struct RetryPolicy: Sendable, Hashable {
    /// Calls per route, the first one included.
    public var maxAttempts: Int
    /// Delay before the first retry; doubles on each further retry.
    public var baseDelay: Duration
    /// Ceiling of the exponential delay.
    public var maxDelay: Duration
    /// A `Retry-After` longer than this is not waited for: the router moves to the next route.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(20),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry number `retry` (1 for the first retry) after `failure`, or
    /// nil when the route should not be retried. A `Retry-After` hint is honoured
    /// exactly; otherwise the delay is exponential with "equal jitter" (half fixed, half
    /// random), so that many callers do not retry in step. `unit` is a random number in 0..<1.
    public func delay(beforeRetry retry: Int, after failure: UpstreamFailure, unit: Double) -> Duration? {
        guard failure.kind.isRetryable, retry < maxAttempts else { return nil }
        if let hint = failure.retryAfter {
            return hint <= maxRetryAfter ? hint : nil
        }
        let exponent = min(retry - 1, 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let half = ceiling / 2
        return half + half * min(max(unit, 0), 1)
    }
}
