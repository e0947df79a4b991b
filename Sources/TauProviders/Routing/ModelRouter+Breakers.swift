/// One route's breaker as operators see it.
public struct BreakerStatus: Sendable, Hashable {
    /// The route, e.g. `openai:gpt-4.1`.
    public var route: String
    /// `open`, `half_open` (a probe is out), or `failing` (closed, with failures in a row).
    public var state: String
    /// Failures in a row so far (for `failing`).
    public var consecutiveFailures: Int
    /// For `open`: how long until a probe is let through (zero when one may go now).
    public var probeIn: Duration?
}

extension ModelRouter {
    /// The routes whose breaker is not plainly closed, by route name. Healthy routes are
    /// not tracked and not listed.
    public func breakerStatuses() async -> [BreakerStatus] {
        let now = clock.now
        return await breakers.states().compactMap { route, state -> BreakerStatus? in
            switch state {
            case .closed(let failures):
                failures > 0 ? BreakerStatus(route: route, state: "failing", consecutiveFailures: failures) : nil
            case .open(let until):
                BreakerStatus(route: route, state: "open", consecutiveFailures: 0, probeIn: max(.zero, until - now))
            case .halfOpen:
                BreakerStatus(route: route, state: "half_open", consecutiveFailures: 0)
            }
        }.sorted { $0.route < $1.route }
    }
}
