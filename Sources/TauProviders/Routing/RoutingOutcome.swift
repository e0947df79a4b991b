import TauCore

/// What happened on one route while serving a request.
public struct RouteAttempt: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case succeeded
        case failed(UpstreamFailure)
        /// Skipped: the estimated prompt plus the requested output does not fit its window.
        case skippedContextWindow
        /// Skipped: its circuit breaker is open.
        case skippedBreakerOpen
    }

    public var route: String
    public var outcome: Outcome
}

/// A value produced by a route of a chain, with the route and the attempts before it.
public struct Routed<Value: Sendable>: Sendable {
    public var value: Value
    public var route: Route
    public var attempts: [RouteAttempt]
}

/// Every route of a chain failed or was skipped.
public struct RoutingExhausted: TauError {
    public var chain: String
    public var attempts: [RouteAttempt]
    /// How long until a route may be tried again, when known (breaker or Retry-After).
    public var retryAfter: Duration?

    public var lastFailure: UpstreamFailure? {
        attempts.reversed().lazy.compactMap { attempt -> UpstreamFailure? in
            if case .failed(let failure) = attempt.outcome { return failure }
            return nil
        }.first
    }

    public var code: String {
        if lastFailure == nil && attempts.allSatisfy({ $0.outcome == .skippedContextWindow }) { return "context_length_exceeded" }
        if lastFailure == nil { return "all_routes_unavailable" }
        return lastFailure?.code ?? "all_routes_unavailable"
    }

    public var category: ErrorCategory {
        if let lastFailure { return lastFailure.category }
        return code == "context_length_exceeded" ? .invalidInput : .unavailable
    }

    /// What a gateway caller is told: each route's outcome code and status, without the
    /// upstream's own wording (which may quote parts of the node's provider keys). The
    /// ``message`` with it (each provider text truncated) goes to the node's log.
    public var summary: String {
        let outcomes = attempts.map { attempt -> String in
            switch attempt.outcome {
            case .succeeded: "\(attempt.route): ok"
            case .failed(let failure): "\(attempt.route): \(failure.code)\(failure.status.map { " (HTTP \($0))" } ?? "")"
            case .skippedContextWindow: "\(attempt.route): prompt does not fit its context window"
            case .skippedBreakerOpen: "\(attempt.route): circuit open"
            }
        }
        return "no route of \(chain) could serve the request: " + outcomes.joined(separator: "; ")
    }

    public var message: String {
        let summary = attempts.map { attempt -> String in
            switch attempt.outcome {
            case .succeeded: "\(attempt.route): ok"
            case .failed(let failure):
                "\(attempt.route): \(failure.code)\(failure.status.map { " (HTTP \($0))" } ?? ""): \(UpstreamFailure.truncated(failure.message))"
            case .skippedContextWindow: "\(attempt.route): skipped, prompt does not fit its context window"
            case .skippedBreakerOpen: "\(attempt.route): skipped, circuit open"
            }
        }
        return "no route of \(chain) could serve the request: " + summary.joined(separator: "; ")
    }
}
