/// The circuit breakers of all routes, shared by every request of the node.
///
/// Callers can name routes (`<provider>:<model>`), so the board is bounded: once it
/// tracks `capacity` routes, a failure of a new route first drops the routes that are
/// merely counting failures (closed) and the open ones whose cooldown is over, then, if
/// still full, the open breaker that closes soonest, so a route that just failed is
/// always tracked.
public actor BreakerBoard {
    private var breakers: [String: CircuitBreaker] = [:]
    private let failureThreshold: Int
    private let cooldown: Duration
    private let capacity: Int

    public init(failureThreshold: Int = 5, cooldown: Duration = .seconds(30), capacity: Int = 4096) {
        self.failureThreshold = failureThreshold
        self.cooldown = cooldown
        self.capacity = max(1, capacity)
    }

    func admit(_ route: String, at now: Duration) -> CircuitBreaker.Admission {
        // Healthy routes need no entry; only failures create one (route names may come from callers).
        guard var breaker = breakers[route] else { return .allow }
        let admission = breaker.admit(at: now)
        breakers[route] = breaker
        return admission
    }

    func recordSuccess(_ route: String) {
        // A closed breaker with no failures is the same as none.
        if breakers[route] != nil { breakers[route] = nil }
    }

    func recordFailure(_ route: String, at now: Duration) {
        if breakers[route] == nil, breakers.count >= capacity {
            breakers = breakers.filter { entry in
                switch entry.value.state {
                case .closed: false
                case .open(let until): until > now
                case .halfOpen: true
                }
            }
            if breakers.count >= capacity {
                // Half-open entries have a probe out; they go last.
                let soonest = breakers.min { lhs, rhs in Self.closingTime(lhs.value.state, now) < Self.closingTime(rhs.value.state, now) }
                if let soonest { breakers[soonest.key] = nil }
            }
        }
        var breaker = breakers[route] ?? CircuitBreaker(failureThreshold: failureThreshold, cooldown: cooldown)
        breaker.recordFailure(at: now)
        breakers[route] = breaker
    }

    func abandonProbe(_ route: String, at now: Duration) {
        breakers[route]?.abandonProbe(at: now)
    }

    private static func closingTime(_ state: CircuitBreaker.State, _ now: Duration) -> Duration {
        switch state {
        case .open(let until): until
        case .halfOpen, .closed: now + .seconds(86_400 * 365)
        }
    }

    /// Every route's breaker state, for status output and metrics.
    public func states() -> [String: CircuitBreaker.State] {
        breakers.mapValues(\.state)
    }
}
