import Logging

/// Serves a request from a route chain: skips routes the prompt cannot fit, retries a
/// route with backoff (honouring `Retry-After`), keeps a circuit breaker per route, and
/// falls back to the next route. Streams are committed at their first content event:
/// a failure before it is retried like any other, a failure after it is passed to the
/// caller and never retried (the caller has already seen part of an answer).
public struct ModelRouter: Sendable {
    public let retry: RetryPolicy
    public let breakers: BreakerBoard
    let clock: RouterClock
    let random: @Sendable () -> Double
    let logger: Logger

    public init(
        retry: RetryPolicy = RetryPolicy(), breakers: BreakerBoard = BreakerBoard(), clock: RouterClock = .continuous,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "tau.providers.router")
    ) {
        self.retry = retry
        self.breakers = breakers
        self.clock = clock
        self.random = random
        self.logger = logger
    }

    /// Sends `request` for a whole answer. `estimatedInputTokens` is the preflight estimate.
    public func complete(_ request: ChatRequest, via chain: RouteChain, estimatedInputTokens: Int) async throws -> Routed<ChatResponse> {
        try await run(request, chain, estimatedInputTokens) { route, request in
            try await route.client.complete(request)
        }
    }

    /// Sends `request` for a streamed answer; returns once a route has produced content. The
    /// events come in the groups the upstream made available together.
    public func streamBatches(_ request: ChatRequest, via chain: RouteChain, estimatedInputTokens: Int) async throws -> Routed<ChatEventBatches> {
        try await run(request, chain, estimatedInputTokens) { route, request in
            let upstream = try await route.client.streamBatches(request)
            return try await StreamCommitment.commit(upstream, onEnd: { [breakers, clock] failed in
                if failed { await breakers.recordFailure(route.name, at: clock.now) }
            })
        }
    }

    private func run<Value: Sendable>(
        _ request: ChatRequest, _ chain: RouteChain, _ estimatedInputTokens: Int,
        call: @Sendable (Route, ChatRequest) async throws -> Value
    ) async throws -> Routed<Value> {
        var attempts: [RouteAttempt] = []
        var earliestRetry: Duration?
        // After an upstream says "too long", only routes with a larger window are worth trying.
        var windowTooSmall: Int?
        let outputReserve = request.maxOutputTokens ?? 0
        for route in chain.routes {
            if !route.fits(inputTokens: estimatedInputTokens, outputTokens: outputReserve)
                || (windowTooSmall != nil && (route.contextWindow ?? Int.max) <= windowTooSmall!)
            {
                attempts.append(RouteAttempt(route: route.name, outcome: .skippedContextWindow))
                continue
            }
            var routed = request
            routed.model = route.upstreamModel
            var retries = 0
            attemptLoop: while true {
                try Task.checkCancellation()
                let admission = await breakers.admit(route.name, at: clock.now)
                if case .reject(let retryAt) = admission {
                    attempts.append(RouteAttempt(route: route.name, outcome: .skippedBreakerOpen))
                    let wait = retryAt - clock.now
                    earliestRetry = min(earliestRetry ?? wait, wait)
                    break attemptLoop
                }
                do {
                    let value = try await call(route, routed)
                    await breakers.recordSuccess(route.name)
                    attempts.append(RouteAttempt(route: route.name, outcome: .succeeded))
                    return Routed(value: value, route: route, attempts: attempts)
                } catch is CancellationError {
                    if admission == .probe { await breakers.abandonProbe(route.name, at: clock.now) }
                    throw CancellationError()
                } catch {
                    if Task.isCancelled {
                        // The caller went away: not the route's fault, and a probe must be released.
                        if admission == .probe { await breakers.abandonProbe(route.name, at: clock.now) }
                        throw CancellationError()
                    }
                    var failure = Self.failure(from: error)
                    failure.route = route.name
                    if Self.countsAgainstBreaker(failure.kind) {
                        await breakers.recordFailure(route.name, at: clock.now)
                    } else {
                        await breakers.recordSuccess(route.name)
                    }
                    attempts.append(RouteAttempt(route: route.name, outcome: .failed(failure)))
                    logger.info(
                        "route failed", metadata: ["route": "\(route.name)", "code": "\(failure.code)", "status": "\(failure.status ?? 0)"])
                    if failure.kind == .contextLengthExceeded {
                        windowTooSmall = route.contextWindow ?? windowTooSmall
                        break attemptLoop
                    }
                    guard failure.kind.allowsFallback else { throw failure }
                    retries += 1
                    guard admission == .allow, let delay = retry.delay(beforeRetry: retries, after: failure, unit: random()) else {
                        if let hint = failure.retryAfter { earliestRetry = min(earliestRetry ?? hint, hint) }
                        break attemptLoop
                    }
                    try await clock.sleep(for: delay)
                }
            }
        }
        throw RoutingExhausted(chain: chain.name, attempts: attempts, retryAfter: earliestRetry)
    }

    static func failure(from error: any Error) -> UpstreamFailure {
        if let failure = error as? UpstreamFailure { return failure }
        if let provider = error as? ProviderError {
            return UpstreamFailure(provider.category == .invalidInput ? .rejected : .authentication, message: provider.description, isLocal: true)
        }
        return UpstreamHTTP.failure(for: error)
    }

    static func countsAgainstBreaker(_ kind: UpstreamFailureKind) -> Bool {
        switch kind {
        case .rateLimited, .serverError, .timeout, .unreachable, .authentication, .routeUnavailable, .badResponse, .streamInterrupted: true
        case .rejected, .contextLengthExceeded: false
        }
    }
}
