import Foundation
import Logging
import TauCore
import TauCrypto

/// A model name the service answers to, as listed by `GET /v1/models`.
public struct ServedModel: Sendable, Hashable {
    /// The name callers use: an alias from `[routes]` or a catalog id.
    public var name: String
    /// Who serves it (`tau-node` for aliases, else the provider).
    public var ownedBy: String

    public init(name: String, ownedBy: String) {
        self.name = name
        self.ownedBy = ownedBy
    }
}

/// Who pays for a call, and what they may still spend.
public struct CallContext: Sendable, Hashable {
    public var apiKeyID: String?
    public var sessionID: String?
    /// Remaining budget in USD; nil is unlimited.
    public var remainingBudget: Money?
    /// The key's whole budget, which holds of calls in flight are placed against; nil is unlimited.
    public var budget: Money?

    public init(apiKeyID: String? = nil, sessionID: String? = nil, remainingBudget: Money? = nil, budget: Money? = nil) {
        self.budget = budget
        self.apiKeyID = apiKeyID
        self.sessionID = sessionID
        self.remainingBudget = remainingBudget
    }
}

/// The model layer every caller goes through (the gateway and, later, the agent):
/// names → route chains, preflight (context window and budget), routing, and a usage
/// record with cost for every call.
public struct ModelService: Sendable {
    /// Resolves a model name to its chain; nil when the name is unknown.
    public typealias ChainResolver = @Sendable (String) -> RouteChain?

    let resolve: ChainResolver
    let servedModels: @Sendable () -> [ServedModel]
    public let router: ModelRouter
    let estimator: TokenEstimator
    let usage: any BudgetLedger
    /// The output cap sent with a call of a key with a budget that sets no `max_tokens`.
    let budgetedMaxOutputTokens: Int
    /// How long a hold on a budget lasts when its process dies before releasing it.
    static let holdLifetime: TimeInterval = 15 * 60
    let now: @Sendable () -> Date
    let onRecord: @Sendable (UsageRecord) -> Void
    let logger: Logger

    /// - Parameters:
    ///   - budgetedMaxOutputTokens: the output cap sent with a call of a key with a budget
    ///   that sets none (lowered to what every route of its chain can produce).
    ///   - onRecord: sees every usage record as it is written (for metrics).
    public init(
        resolve: @escaping ChainResolver, served: @autoclosure @escaping @Sendable () -> [ServedModel], router: ModelRouter, estimator: TokenEstimator = TokenEstimator(),
        usage: any BudgetLedger, budgetedMaxOutputTokens: Int = ModelService.defaultBudgetedMaxOutputTokens,
        now: @escaping @Sendable () -> Date = { Date() },
        onRecord: @escaping @Sendable (UsageRecord) -> Void = { _ in },
        logger: Logger = Logger(label: "tau.providers.service")
    ) {
        self.resolve = resolve
        self.servedModels = served
        self.router = router
        self.estimator = estimator
        self.usage = usage
        self.budgetedMaxOutputTokens = max(1, budgetedMaxOutputTokens)
        self.now = now
        self.onRecord = onRecord
        self.logger = logger
    }

    /// The service's wall time (the node's clock), for timestamps in answers.
    public var currentTime: Date { now() }

    /// The model names served now (they change when the catalog is refreshed).
    public var served: [ServedModel] { servedModels() }

    /// A request after preflight: the chain to use and the estimated prompt size.
    public struct Plan: Sendable {
        public var chain: RouteChain
        /// The request as it is sent: for a key with a budget, always with an output cap.
        public var request: ChatRequest
        /// The prompt estimate used against context windows (85% of the full estimate).
        public var estimatedInputTokens: Int
        /// The full prompt estimate, used when the provider reports no usage.
        public var fullEstimate: Int
        /// Budget held while the call runs (USD; zero without a budget).
        public var reservation: Money
        /// The hold placed for it in the ledger, once admitted.
        public var hold: BudgetHold? = nil
    }

    /// Checks a request before anything is sent.
    /// - Throws: `model_not_found` (404), `response_format_unsupported` (400) when no route
    ///   can answer in the requested shape, `context_length_exceeded` (400) when no route's
    ///   window holds the estimated prompt plus the requested output, `budget_exceeded`
    ///   when even the cheapest route's prompt cost exceeds the remaining budget.
    public func preflight(_ request: ChatRequest, context: CallContext) throws -> Plan {
        guard let chain = resolve(request.model), !chain.routes.isEmpty else {
            throw ProviderError("model_not_found", "the model `\(request.model)` does not exist or has no route", category: .notFound)
        }
        let estimate = estimator.estimate(request)
        // The estimate runs up to ~9% high on some texts (docs/token-estimation.md): windows are
        // checked against 85% of it so that a request that fits is never refused here.
        let windowEstimate = estimate * 85 / 100
        let output = request.maxOutputTokens ?? 0
        var candidates = chain.routes
        if let format = request.responseFormat {
            // A caller that asked for JSON must never get free text from a route that cannot promise it.
            candidates = candidates.filter { $0.client.supports(format) }
            guard !candidates.isEmpty else {
                throw ProviderError(
                    "response_format_unsupported",
                    "no route of `\(request.model)` can answer in the requested response_format (Anthropic takes json_schema, not json_object)")
            }
        }
        let fitting = candidates.filter { $0.fits(inputTokens: windowEstimate, outputTokens: output) }
        guard !fitting.isEmpty else {
            let largest = candidates.compactMap(\.contextWindow).max() ?? 0
            throw ProviderError(
                "context_length_exceeded",
                "the prompt is about \(estimate) tokens and \(output) output tokens were requested; the largest context window of `\(request.model)` is \(largest) tokens"
            )
        }
        var plan = Plan(
            chain: RouteChain(name: chain.name, routes: fitting), request: request, estimatedInputTokens: windowEstimate,
            fullEstimate: estimate, reservation: .zero(.usd))
        if let remaining = context.remainingBudget {
            try budget(&plan, remaining: remaining)
        }
        return plan
    }

    /// Preflight plus a hold on the caller's budget for the duration of the call, so that
    /// concurrent calls cannot all spend the same remaining amount.
    func admit(_ request: ChatRequest, context: CallContext) async throws -> Plan {
        var plan = try preflight(request, context: context)
        guard let key = context.apiKeyID, let remaining = context.remainingBudget, plan.reservation.isPositive else { return plan }
        let budget = context.budget ?? remaining
        let hold = BudgetHold(
            id: Hex.encode(SecureRandom.bytes(12)), apiKeyID: key, amount: plan.reservation,
            expiresAt: now().addingTimeInterval(Self.holdLifetime))
        // The ledger is shared with every replica on the store, so holds there bound them all.
        guard try await usage.place(hold, budget: budget, now: now()) else {
            throw BudgetRefused(
                .exceeded,
                "calls in flight already hold the API key's remaining \(remaining.formatted(places: 6)); "
                    + "this one needs about \(plan.reservation.formatted(places: 6))")
        }
        plan.hold = hold
        return plan
    }

    /// Serves a request for a whole answer and records its usage.
    public func complete(_ request: ChatRequest, context: CallContext) async throws -> Routed<ChatResponse> {
        let plan = try await admit(request, context: context)
        let started = now()
        do {
            var routed = try await router.complete(plan.request, via: plan.chain, estimatedInputTokens: plan.estimatedInputTokens)
            // An upstream that reports no counts (some llama.cpp builds) is charged the estimate,
            // and the caller is shown what was charged.
            routed.value.usage = chargedUsage(routed.value.usage, for: routed.value, complete: true, promptEstimate: plan.fullEstimate)
            await record(routed.value.usage, request: request, route: routed.route, context: context, status: "ok", started: started, plan: plan)
            return routed
        } catch {
            await recordFailure(error, request: request, context: context, started: started, plan: plan)
            throw error
        }
    }

    /// Serves a request for a streamed answer. Usage is recorded when the stream ends
    /// (also when it breaks or the caller goes away), from the provider's counts or,
    /// when it sent none, from an estimate of the text received.
    public func stream(_ request: ChatRequest, context: CallContext) async throws -> Routed<ChatEventStream> {
        let routed = try await streamBatches(request, context: context)
        return Routed(value: PulledStream.flatten(routed.value), route: routed.route, attempts: routed.attempts)
    }

    /// ``stream(_:context:)`` with the events in the groups the upstream made available
    /// together, for a caller that writes a group at once (the gateway).
    public func streamBatches(_ request: ChatRequest, context: CallContext) async throws -> Routed<ChatEventBatches> {
        let plan = try await admit(request, context: context)
        let started = now()
        let routed: Routed<ChatEventBatches>
        do {
            routed = try await router.streamBatches(plan.request, via: plan.chain, estimatedInputTokens: plan.estimatedInputTokens)
        } catch {
            await recordFailure(error, request: request, context: context, started: started, plan: plan)
            throw error
        }
        let estimate = plan.fullEstimate
        let service = self
        let route = routed.route
        // What the stream is charged, recorded once, when it ends however it ends.
        let settle: @Sendable (ChatResponseAccumulator, StreamEnding) async -> Usage = { accumulator, ending in
            let usage = service.chargedUsage(
                accumulator.usage, for: accumulator.response, complete: ending == .completed, promptEstimate: estimate)
            await service.record(
                usage, request: request, route: route, context: context, status: ending.recordStatus, started: started, plan: plan)
            return usage
        }
        let output = PulledStream.make(
            AccountedReading(upstream: routed.value.makeAsyncIterator(), settle: settle, logFailure: { service.logUpstream($0, route: route.name) }),
            step: { reading in try await reading.next() },
            abandoned: { reading in
                // The caller stopped reading (a client gone mid-answer): charged as cancelled,
                // from a task of its own, since nothing awaits a stream that is dropped; unless
                // the upstream's end was settled already and only the end was left unread.
                guard !reading.isSettled else { return }
                let accumulator = reading.accumulator
                Task { _ = await settle(accumulator, .cancelled) }
            })
        return Routed(value: output, route: routed.route, attempts: routed.attempts)
    }

    fileprivate func record(
        _ usage: Usage, request: ChatRequest, route: Route, context: CallContext, status: String, started: Date, plan: Plan
    ) async {
        let record = UsageRecord(
            time: now(), apiKeyID: context.apiKeyID, sessionID: context.sessionID, requestedModel: request.model,
            model: route.modelID, route: route.name, usage: usage, cost: charge(usage, at: route), status: status,
            latencyMilliseconds: max(0, Int(now().timeIntervalSince(started) * 1000)))
        // The caller may be gone (stream ended, client disconnected) and its task cancelled;
        // the record must be written all the same, so it is written from a task of its own.
        let repository = self.usage
        let logger = logger
        await Task {
            do {
                try await repository.record(record, releasing: plan.hold)
            } catch {
                logger.error("could not record usage", metadata: ["error": "\(error)", "route": "\(route.name)"])
            }
        }.value
        onRecord(record)
    }

    /// What a call is charged; nil when its route has no price. A cost beyond the range of
    /// money (absurd token counts or prices) is charged as the most there is: it fails closed.
    private func charge(_ usage: Usage, at route: Route) -> Money? {
        guard let pricing = route.pricing else { return nil }
        do {
            return try pricing.cost(of: usage)
        } catch {
            logger.error("cost out of range; charging the maximum", metadata: ["error": "\(error)", "route": "\(route.name)"])
            return Money(microunits: .max, currency: .usd)
        }
    }

    /// What a call is charged for: the provider's counts; for a stream cut short or an answer
    /// without counts, at least the prompt estimate and the tokens of what was received.
    /// (Providers send final counts last, as Anthropic's `message_delta`.)
    fileprivate func chargedUsage(_ reported: Usage, for response: ChatResponse, complete: Bool, promptEstimate: Int) -> Usage {
        guard !complete || (reported.inputTokens == 0 && reported.outputTokens == 0) else { return reported }
        let text =
            response.message.content.map { part -> String in
                switch part {
                case .text(let text, _), .thinking(let text, _): text
                case .image, .redactedThinking: ""
                }
            }.joined() + response.message.toolCalls.map { $0.name + $0.arguments }.joined()
        var usage = reported
        usage.inputTokens = max(usage.inputTokens, promptEstimate)
        usage.outputTokens = max(usage.outputTokens, estimator.count(text))
        return usage
    }

    /// Logs what a provider said about a failed call: callers are told only its code and
    /// status, since the provider's text may name the node's upstream account.
    fileprivate func logUpstream(_ error: any Error, route: String? = nil) {
        if let exhausted = error as? RoutingExhausted {
            logger.warning("no route served the request", metadata: ["detail": "\(exhausted.message)"])
        } else if let failure = error as? UpstreamFailure {
            logger.warning(
                "upstream call failed",
                metadata: [
                    "route": "\(failure.route ?? route ?? "-")", "code": "\(failure.code)", "status": "\(failure.status ?? 0)",
                    "detail": "\(UpstreamFailure.truncated(failure.message))",
                ])
        }
    }

    private func recordFailure(_ error: any Error, request: ChatRequest, context: CallContext, started: Date, plan: Plan) async {
        logUpstream(error)
        // Failed calls cost nothing but are kept, so operators can see them next to the successes.
        let code = (error as? any TauError)?.code ?? "error"
        let record = UsageRecord(
            time: now(), apiKeyID: context.apiKeyID, sessionID: context.sessionID, requestedModel: request.model,
            model: request.model, route: "-", usage: Usage(), cost: .zero(.usd), status: code,
            latencyMilliseconds: max(0, Int(now().timeIntervalSince(started) * 1000)))
        let repository = usage
        let logger = logger
        await Task {
            do {
                try await repository.record(record, releasing: plan.hold)
            } catch {
                logger.error("could not record a failed call", metadata: ["error": "\(error)"])
            }
        }.value
        onRecord(record)
    }
}

/// How a served stream ended, as its usage record says it (`status`).
private enum StreamEnding: Equatable {
    /// The upstream finished the answer.
    case completed
    /// The caller went away, or the stream ended without a finish reason.
    case cancelled
    /// The upstream broke; `code` is its failure's reason code.
    case failed(code: String)

    var recordStatus: String {
        switch self {
        case .completed: "ok"
        case .cancelled: "cancelled"
        case .failed(let code): code
        }
    }
}

/// A served stream: the upstream's events passed on as they are read and added up, then,
/// when the upstream ends or breaks, the usage settled (charged and recorded before the reader
/// sees the end, so that its next request sees the spending), with a usage event when the
/// charge differs from what the upstream reported.
private struct AccountedReading {
    enum Phase {
        case streaming
        /// The upstream is over: the end (or `failure`) is what the reader gets next.
        case ended(failure: (any Error)?)
        case over
    }

    var upstream: ChatEventBatches.AsyncIterator
    var accumulator = ChatResponseAccumulator()
    var phase = Phase.streaming
    /// Whether the usage was settled (the upstream is over).
    var isSettled: Bool {
        if case .streaming = phase { false } else { true }
    }
    let settle: @Sendable (ChatResponseAccumulator, StreamEnding) async -> Usage
    let logFailure: @Sendable (any Error) -> Void

    init(
        upstream: ChatEventBatches.AsyncIterator, settle: @escaping @Sendable (ChatResponseAccumulator, StreamEnding) async -> Usage,
        logFailure: @escaping @Sendable (any Error) -> Void
    ) {
        self.upstream = upstream
        self.settle = settle
        self.logFailure = logFailure
    }

    mutating func next() async throws -> [StreamEvent]? {
        guard case .streaming = phase else { return try end() }
        var ending = StreamEnding.completed
        var failure: (any Error)?
        do {
            if let group = try await upstream.next() {
                for event in group { accumulator.add(event) }
                return group
            }
            // A stream cut by the caller going away ends quietly, without a finish reason.
            if accumulator.finishReason == nil { ending = .cancelled }
        } catch {
            failure = error
            if Task.isCancelled || error is CancellationError {
                // The caller went away (a client disconnecting, a cancelled agent run): the
                // transport then reports a broken stream, which is no upstream failure.
                ending = .cancelled
            } else {
                ending = .failed(code: (error as? UpstreamFailure)?.code ?? "stream_interrupted")
                logFailure(error)
            }
        }
        let usage = await settle(accumulator, ending)
        phase = .ended(failure: failure)
        // The caller's usage chunk shows what is charged, also when the upstream sent no counts.
        if usage != accumulator.usage { return [.usage(usage)] }
        return try end()
    }

    private mutating func end() throws -> [StreamEvent]? {
        guard case .ended(let failure) = phase else { return nil }
        phase = .over
        if let failure { throw failure }
        return nil
    }
}
