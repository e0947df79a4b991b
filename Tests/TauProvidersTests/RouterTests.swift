import Clocks
import Foundation
import NIOHTTP1
import TauCore
import Testing
@testable import TauProviders

@Suite struct RouterTests {
    static let request = ChatRequest(model: "alias", messages: [.text(.user, "Say hello")])

    @Test func failingRouteOpensItsBreakerAndTrafficMovesOnThenOneProbeClosesIt() async throws {
        let upstream = ScriptedUpstream(["a": [.status(500)], "b": [.text("from b")]])
        try await upstream.serve { base, http in
            let clock = ImmediateClock()
            let router = ModelRouter(
                retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(100)),
                breakers: BreakerBoard(failureThreshold: 2, cooldown: .seconds(30)), clock: RouterClock(clock), random: { 0.5 })
            let chain = RouteChain(
                name: "alias", routes: [ScriptedUpstream.route("a", baseURL: base, http: http), ScriptedUpstream.route("b", baseURL: base, http: http)])

            // a fails twice (one retry after a backoff), its breaker opens, b answers.
            let first = try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            #expect(first.route.name == "b")
            #expect(first.value.message.text == "from b")
            #expect(upstream.calls("a") == 2)
            #expect(await router.breakers.states()["a"] == .open(until: .milliseconds(75) + .seconds(30)))

            // While open, a is not called at all.
            let second = try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            #expect(second.route.name == "b")
            #expect(second.attempts.first?.outcome == .skippedBreakerOpen)
            #expect(upstream.calls("a") == 2)

            // After the cooldown one probe goes to a; it succeeds and closes the breaker.
            upstream.set("a", [.text("from a")])
            try await clock.sleep(for: .seconds(31))
            let third = try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            #expect(third.route.name == "a")
            #expect(upstream.calls("a") == 3)
            #expect(await router.breakers.states()["a"] == nil)
            let fourth = try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            #expect(fourth.route.name == "a")
            #expect(upstream.calls("b") == 2)
        }
    }

    @Test func aFailedProbeReopensTheBreaker() async throws {
        let upstream = ScriptedUpstream(["a": [.status(503)], "b": [.text("b")]])
        try await upstream.serve { base, http in
            let clock = ImmediateClock()
            let router = ModelRouter(
                retry: RetryPolicy(maxAttempts: 1), breakers: BreakerBoard(failureThreshold: 1, cooldown: .seconds(10)), clock: RouterClock(clock))
            let chain = RouteChain(
                name: "alias", routes: [ScriptedUpstream.route("a", baseURL: base, http: http), ScriptedUpstream.route("b", baseURL: base, http: http)])
            _ = try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            try await clock.sleep(for: .seconds(11))
            _ = try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            #expect(upstream.calls("a") == 2)
            #expect(await router.breakers.states()["a"] == .open(until: .seconds(21)))
        }
    }

    @Test func rateLimitWithRetryAfterWaitsThatLongThenRetriesTheSameRoute() async throws {
        let upstream = ScriptedUpstream(["a": [.status(429, headers: ["Retry-After": "2"]), .text("after waiting")], "b": [.text("b")]])
        try await upstream.serve { base, http in
            let clock = ImmediateClock()
            let router = ModelRouter(clock: RouterClock(clock))
            let chain = RouteChain(
                name: "alias", routes: [ScriptedUpstream.route("a", baseURL: base, http: http), ScriptedUpstream.route("b", baseURL: base, http: http)])
            let routed = try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            #expect(routed.route.name == "a")
            #expect(routed.value.message.text == "after waiting")
            #expect(ImmediateClock<Duration>.Instant().duration(to: clock.now) == .seconds(2))
            #expect(upstream.calls("b") == 0)
        }
    }

    @Test func aRetryAfterLongerThanTheLimitMovesToTheNextRouteAtOnce() async throws {
        let upstream = ScriptedUpstream(["a": [.status(429, headers: ["retry-after": "3600"])], "b": [.text("b")]])
        try await upstream.serve { base, http in
            let clock = ImmediateClock()
            let router = ModelRouter(retry: RetryPolicy(maxRetryAfter: .seconds(60)), clock: RouterClock(clock))
            let chain = RouteChain(
                name: "alias", routes: [ScriptedUpstream.route("a", baseURL: base, http: http), ScriptedUpstream.route("b", baseURL: base, http: http)])
            let routed = try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            #expect(routed.route.name == "b")
            #expect(upstream.calls("a") == 1)
            #expect(ImmediateClock<Duration>.Instant().duration(to: clock.now) == .zero)
        }
    }

    @Test func otherClientErrorsAreNeitherRetriedNorFallenBackFrom() async throws {
        let upstream = ScriptedUpstream([
            "a": [.status(400, body: #"{"error":{"message":"messages[0].content is invalid","type":"invalid_request_error"}}"#)],
            "b": [.text("b")],
        ])
        try await upstream.serve { base, http in
            let router = ModelRouter(clock: RouterClock(ImmediateClock()))
            let chain = RouteChain(
                name: "alias", routes: [ScriptedUpstream.route("a", baseURL: base, http: http), ScriptedUpstream.route("b", baseURL: base, http: http)])
            let error = await #expect(throws: UpstreamFailure.self) {
                try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            }
            #expect(error?.kind == .rejected)
            #expect(error?.status == 400)
            #expect(error?.message == "messages[0].content is invalid")
            #expect(upstream.calls("a") == 1)
            #expect(upstream.calls("b") == 0)
            // A request error says nothing about the route's health.
            #expect(await router.breakers.states()["a"] == nil)
        }
    }

    @Test func contextWindowFallbackSkipsSmallRoutesAndFollowsAnUpstreamTooLong() async throws {
        let tooLong = #"{"error":{"message":"This model's maximum context length is 8192 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#
        let upstream = ScriptedUpstream(["small": [.text("small")], "medium": [.status(400, body: tooLong)], "large": [.text("large")]])
        try await upstream.serve { base, http in
            let router = ModelRouter(clock: RouterClock(ImmediateClock()))
            let chain = RouteChain(
                name: "alias",
                routes: [
                    ScriptedUpstream.route("small", baseURL: base, http: http, contextWindow: 4_000),
                    ScriptedUpstream.route("medium", baseURL: base, http: http, contextWindow: 8_192),
                    ScriptedUpstream.route("large", baseURL: base, http: http, contextWindow: 1_000_000),
                ])
            // The estimate does not fit small; medium says it is too long after all; large answers.
            let routed = try await router.complete(Self.request, via: chain, estimatedInputTokens: 5_000)
            #expect(routed.route.name == "large")
            #expect(routed.attempts.map(\.route) == ["small", "medium", "large"])
            #expect(routed.attempts.first?.outcome == .skippedContextWindow)
            #expect(upstream.calls("small") == 0)
            #expect(upstream.calls("medium") == 1)

            let nothingFits = await #expect(throws: RoutingExhausted.self) {
                try await router.complete(Self.request, via: chain, estimatedInputTokens: 2_000_000)
            }
            #expect(nothingFits?.code == "context_length_exceeded")
            #expect(nothingFits?.category == .invalidInput)
        }
    }

    @Test func aStreamFailingBeforeItsFirstTokenFallsBack() async throws {
        let upstream = ScriptedUpstream(["a": [.status(502)], "b": [.text("streamed from b")]])
        try await upstream.serve { base, http in
            let router = ModelRouter(retry: RetryPolicy(maxAttempts: 1), clock: RouterClock(ImmediateClock()))
            let chain = RouteChain(
                name: "alias", routes: [ScriptedUpstream.route("a", baseURL: base, http: http), ScriptedUpstream.route("b", baseURL: base, http: http)])
            let routed = try await router.streamBatches(Self.request, via: chain, estimatedInputTokens: 10)
            var accumulator = ChatResponseAccumulator()
            for try await group in routed.value {
                #expect(!group.isEmpty)
                for event in group { accumulator.add(event) }
            }
            #expect(routed.route.name == "b")
            #expect(accumulator.response.message.text == "streamed from b")
            #expect(accumulator.response.usage.outputTokens == 3)
        }
    }

    @Test func aStreamFailingAfterItsFirstTokenIsReportedNotRetried() async throws {
        let upstream = ScriptedUpstream(["a": [.breakAfterFirstToken], "b": [.text("b")]])
        try await upstream.serve { base, http in
            let router = ModelRouter(clock: RouterClock(ImmediateClock()))
            let chain = RouteChain(
                name: "alias", routes: [ScriptedUpstream.route("a", baseURL: base, http: http), ScriptedUpstream.route("b", baseURL: base, http: http)])
            let routed = try await router.streamBatches(Self.request, via: chain, estimatedInputTokens: 10)
            var texts: [String] = []
            let error = await #expect(throws: UpstreamFailure.self) {
                for try await group in routed.value {
                    for event in group { if case .text(let text) = event { texts.append(text) } }
                }
            }
            #expect(error?.kind == .streamInterrupted)
            #expect(texts == ["Hel"])
            #expect(upstream.calls("a") == 1)
            #expect(upstream.calls("b") == 0)
        }
    }

    @Test func aRouteOutOfCreditOrWithoutTheModelFallsBack() async throws {
        let upstream = ScriptedUpstream([
            "a": [.status(402, body: #"{"error":{"message":"Insufficient Balance"}}"#)], "b": [.status(404)], "c": [.text("c")],
        ])
        try await upstream.serve { base, http in
            let router = ModelRouter(clock: RouterClock(ImmediateClock()))
            let chain = RouteChain(
                name: "alias",
                routes: ["a", "b", "c"].map { ScriptedUpstream.route($0, baseURL: base, http: http) })
            let routed = try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            #expect(routed.route.name == "c")
            #expect(upstream.calls("a") == 1)
            #expect(upstream.calls("b") == 1)
        }
    }

    @Test func everyRouteFailingReportsEachAttempt() async throws {
        let upstream = ScriptedUpstream(["a": [.status(500)], "b": [.status(429)]])
        try await upstream.serve { base, http in
            let router = ModelRouter(retry: RetryPolicy(maxAttempts: 1), clock: RouterClock(ImmediateClock()))
            let chain = RouteChain(
                name: "alias", routes: [ScriptedUpstream.route("a", baseURL: base, http: http), ScriptedUpstream.route("b", baseURL: base, http: http)])
            let error = await #expect(throws: RoutingExhausted.self) {
                try await router.complete(Self.request, via: chain, estimatedInputTokens: 10)
            }
            #expect(error?.code == "upstream_rate_limited")
            #expect(error?.attempts.count == 2)
            #expect(error?.message.contains("a: upstream_server_error (HTTP 500): upstream says no") == true)
            // Callers get codes only; the upstream's words stay in the node's log.
            #expect(error?.summary.contains("a: upstream_server_error (HTTP 500)") == true)
            #expect(error?.summary.contains("upstream says no") == false)
        }
    }
}

@Suite struct BreakerAndRetryPolicyTests {
    @Test func breakerStateMachine() {
        var breaker = CircuitBreaker(failureThreshold: 3, cooldown: .seconds(10))
        breaker.recordFailure(at: .seconds(1))
        breaker.recordFailure(at: .seconds(2))
        #expect(breaker.admit(at: .seconds(2)) == .allow)
        breaker.recordSuccess()
        breaker.recordFailure(at: .seconds(3))
        breaker.recordFailure(at: .seconds(3))
        breaker.recordFailure(at: .seconds(4))
        #expect(breaker.state == .open(until: .seconds(14)))
        #expect(breaker.admit(at: .seconds(13)) == .reject(retryAt: .seconds(14)))
        #expect(breaker.admit(at: .seconds(14)) == .probe)
        #expect(breaker.admit(at: .seconds(14)) == .reject(retryAt: .seconds(24)))
        breaker.abandonProbe(at: .seconds(15))
        #expect(breaker.admit(at: .seconds(15)) == .probe)
        breaker.recordSuccess()
        #expect(breaker.state == .closed(consecutiveFailures: 0))
    }

    @Test func theBoardStaysBoundedAndAlwaysTracksTheRouteThatJustFailed() async {
        let board = BreakerBoard(failureThreshold: 2, cooldown: .seconds(10), capacity: 3)
        await board.recordFailure("a", at: .zero)
        await board.recordFailure("a", at: .zero)
        await board.recordFailure("b", at: .zero)
        await board.recordFailure("c", at: .zero)
        // Full: the closed ones (b, c) make way for d; the open one (a) stays.
        await board.recordFailure("d", at: .zero)
        #expect(await board.states() == ["a": .open(until: .seconds(10)), "d": .closed(consecutiveFailures: 1)])
        await board.recordFailure("d", at: .seconds(1))
        await board.recordFailure("e", at: .seconds(2))
        await board.recordFailure("e", at: .seconds(2))
        // Only open breakers left: the one that closes soonest (a) makes way for f.
        await board.recordFailure("f", at: .seconds(3))
        #expect(await board.states().keys.sorted() == ["d", "e", "f"])
        #expect(await board.admit("e", at: .seconds(3)) == .reject(retryAt: .seconds(12)))
        // Full again: f (closed) and d (open until 11, now over) are dropped; e is still open.
        await board.recordFailure("g", at: .seconds(11.5))
        #expect(await board.states().keys.sorted() == ["e", "g"])
    }

    @Test func backoffIsExponentialWithJitterAndCapped() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .seconds(1), maxDelay: .seconds(8))
        let failure = UpstreamFailure(.serverError, status: 500, message: "x")
        #expect(policy.delay(beforeRetry: 1, after: failure, unit: 0) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 1, after: failure, unit: 1) == .seconds(1))
        #expect(policy.delay(beforeRetry: 3, after: failure, unit: 0) == .seconds(2))
        #expect(policy.delay(beforeRetry: 6, after: failure, unit: 1) == .seconds(8))
        #expect(policy.delay(beforeRetry: 10, after: failure, unit: 0) == nil)
        #expect(policy.delay(beforeRetry: 1, after: UpstreamFailure(.rejected, status: 422, message: "x"), unit: 0) == nil)
        #expect(policy.delay(beforeRetry: 1, after: UpstreamFailure(.rateLimited, status: 429, message: "x", retryAfter: .seconds(3)), unit: 0.9) == .seconds(3))
    }
}

@Suite struct UpstreamHintTests {
    @Test func retryAfterHintsAreBoundedAndNeverTrap() {
        func hint(_ fields: [(String, String)]) -> Duration? {
            var headers = HTTPHeaders()
            for (name, value) in fields { headers.add(name: name, value: value) }
            return UpstreamHTTP.retryAfter(headers, now: Date(timeIntervalSince1970: 1_700_000_000))
        }
        #expect(hint([("Retry-After", "7")]) == .seconds(7))
        #expect(hint([("retry-after-ms", "1400"), ("Retry-After", "2")]) == .milliseconds(1400))
        #expect(hint([("Retry-After", "Tue, 14 Nov 2023 22:13:50 GMT")]) == .seconds(30))
        for hostile in ["1e19", "inf", "nan", "-1", "1e16", "99999999999"] {
            #expect(hint([("Retry-After", hostile)]) == nil, "\(hostile)")
            #expect(hint([("retry-after-ms", hostile)]) == nil, "\(hostile)")
        }
    }
}
