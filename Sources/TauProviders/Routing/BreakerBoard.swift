/// The circuit breakers of all routes, shared by every request of the node.
public actor BreakerBoard {
    private var breakers: [String: CircuitBreaker] = [:]
    private let failureThreshold: Int
    private let cooldown: Duration

    public init(failureThreshold: Int = 5, cooldown: Duration = .seconds(30)) {
        self.failureThreshold = failureThreshold
        self.cooldown = cooldown
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
        var breaker = breakers[route] ?? CircuitBreaker(failureThreshold: failureThreshold, cooldown: cooldown)
        breaker.recordFailure(at: now)
        breakers[route] = breaker
    }

    func abandonProbe(_ route: String, at now: Duration) {
        breakers[route]?.abandonProbe(at: now)
    }

    /// Every route's breaker state, for status output and metrics.
    public func states() -> [String: CircuitBreaker.State] {
        breakers.mapValues(\.state)
    }
}
