/// A circuit breaker for one route, as a plain state machine: the router asks it
/// whether a call may go out and tells it how the call ended.
///
/// closed → (failureThreshold consecutive failures) → open → (cooldown elapsed) →
/// half-open: exactly one probe goes out; its success closes the breaker, its
/// failure opens it for another cooldown. Times are offsets on the router's clock.
public struct CircuitBreaker: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        case open(until: Duration)
        case halfOpen
    }

    /// The decision for one call.
    public enum Admission: Sendable, Hashable {
        /// Send the call.
        case allow
        /// Send the call as the one half-open probe; report its outcome.
        case probe
        /// Do not call this route; it may be tried again at `retryAt`.
        case reject(retryAt: Duration)
    }

    public let failureThreshold: Int
    public let cooldown: Duration
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(failureThreshold: Int = 5, cooldown: Duration = .seconds(30)) {
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
    }

    public mutating func admit(at now: Duration) -> Admission {
        switch state {
        case .closed: return .allow
        case .open(let until):
            guard now >= until else { return .reject(retryAt: until) }
            state = .halfOpen
            return .probe
        case .halfOpen:
            // The probe is still out; everyone else keeps away until it reports.
            return .reject(retryAt: now + cooldown)
        }
    }

    /// The upstream answered (any answer that is not its own failure, including a 4xx
    /// caused by the request).
    public mutating func recordSuccess() {
        state = .closed(consecutiveFailures: 0)
    }

    /// The upstream failed (5xx, 429, timeout, connection, authentication).
    public mutating func recordFailure(at now: Duration) {
        switch state {
        case .closed(let failures):
            state = failures + 1 >= failureThreshold ? .open(until: now + cooldown) : .closed(consecutiveFailures: failures + 1)
        case .halfOpen, .open:
            state = .open(until: now + cooldown)
        }
    }

    /// A probe ended without an outcome (the caller went away): let the next call probe.
    public mutating func abandonProbe(at now: Duration) {
        if state == .halfOpen { state = .open(until: now) }
    }

    /// Short name for status output: `closed`, `open`, `half_open`.
    public var stateName: String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half_open"
        }
    }
}
