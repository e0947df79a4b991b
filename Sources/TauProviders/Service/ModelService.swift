import Foundation
import Logging
import TauCore

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
    public var remainingBudgetUSD: Double?

    public init(apiKeyID: String? = nil, sessionID: String? = nil, remainingBudgetUSD: Double? = nil) {
        self.apiKeyID = apiKeyID
        self.sessionID = sessionID
        self.remainingBudgetUSD = remainingBudgetUSD
    }
}

/// The model layer every caller goes through (the gateway and, later, the agent):
/// names → route chains, preflight (context window and budget), routing, and a usage
/// record with cost for every call.
public struct ModelService: Sendable {
    /// Resolves a model name to its chain; nil when the name is unknown.
    public typealias ChainResolver = @Sendable (String) -> RouteChain?

    let resolve: ChainResolver
    public let served: [ServedModel]
    public let router: ModelRouter
    let estimator: TokenEstimator
    let usage: any UsageRepository
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        resolve: @escaping ChainResolver, served: [ServedModel], router: ModelRouter, estimator: TokenEstimator = TokenEstimator(),
        usage: any UsageRepository, now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tau.providers.service")
    ) {
        self.resolve = resolve
        self.served = served
        self.router = router
        self.estimator = estimator
        self.usage = usage
        self.now = now
        self.logger = logger
    }

    /// A request after preflight: the chain to use and the estimated prompt size.
    public struct Plan: Sendable {
        public var chain: RouteChain
        public var estimatedInputTokens: Int
    }

    /// Checks a request before anything is sent.
    /// - Throws: `model_not_found` (404), `context_length_exceeded` (400) when no route's
    ///   window holds the estimated prompt plus the requested output, `budget_exceeded`
    ///   when even the cheapest route's prompt cost exceeds the remaining budget.
    public func preflight(_ request: ChatRequest, context: CallContext) throws(ProviderError) -> Plan {
        guard let chain = resolve(request.model), !chain.routes.isEmpty else {
            throw ProviderError("model_not_found", "the model `\(request.model)` does not exist or has no route", category: .notFound)
        }
        let estimate = estimator.estimate(request)
        // The estimate runs up to ~9% high on some texts (docs/token-estimation.md): windows are
        // checked against 85% of it so that a request that fits is never refused here.
        let windowEstimate = estimate * 85 / 100
        let output = request.maxOutputTokens ?? 0
        let fitting = chain.routes.filter { $0.fits(inputTokens: windowEstimate, outputTokens: output) }
        guard !fitting.isEmpty else {
            let largest = chain.routes.compactMap(\.contextWindow).max() ?? 0
            throw ProviderError(
                "context_length_exceeded",
                "the prompt is about \(estimate) tokens and \(output) output tokens were requested; the largest context window of `\(request.model)` is \(largest) tokens"
            )
        }
        if let remaining = context.remainingBudgetUSD {
            guard remaining > 0 else {
                throw ProviderError("budget_exceeded", "the API key's budget is spent", category: .rateLimited)
            }
            let cheapest = fitting.map { route in
                route.pricing?.cost(of: Usage(inputTokens: windowEstimate)) ?? 0
            }.min() ?? 0
            guard cheapest <= remaining else {
                throw ProviderError(
                    "budget_exceeded",
                    String(format: "the prompt alone would cost about $%.6f; the API key has $%.6f left", cheapest, remaining),
                    category: .rateLimited)
            }
        }
        return Plan(chain: chain, estimatedInputTokens: windowEstimate)
    }

    /// Serves a request for a whole answer and records its usage.
    public func complete(_ request: ChatRequest, context: CallContext) async throws -> Routed<ChatResponse> {
        let plan = try preflight(request, context: context)
        let started = now()
        do {
            let routed = try await router.complete(request, via: plan.chain, estimatedInputTokens: plan.estimatedInputTokens)
            await record(routed.value.usage, request: request, route: routed.route, context: context, status: "ok", started: started)
            return routed
        } catch {
            await recordFailure(error, request: request, context: context, started: started)
            throw error
        }
    }

    /// Serves a request for a streamed answer. Usage is recorded when the stream ends
    /// (also when it breaks or the caller goes away), from the provider's counts or,
    /// when it sent none, from an estimate of the text received.
    public func stream(_ request: ChatRequest, context: CallContext) async throws -> Routed<ChatEventStream> {
        let plan = try preflight(request, context: context)
        let started = now()
        let routed: Routed<ChatEventStream>
        do {
            routed = try await router.stream(request, via: plan.chain, estimatedInputTokens: plan.estimatedInputTokens)
        } catch {
            await recordFailure(error, request: request, context: context, started: started)
            throw error
        }
        let upstream = routed.value
        let estimate = plan.estimatedInputTokens
        let (output, continuation) = ChatEventStream.makeStream()
        let task = Task {
            var accumulator = ChatResponseAccumulator()
            var status = "ok"
            do {
                for try await event in upstream {
                    accumulator.add(event)
                    continuation.yield(event)
                }
                // A stream cut by the caller going away ends quietly, without a finish reason.
                if accumulator.finishReason == nil { status = "cancelled" }
                continuation.finish()
            } catch {
                status = (error as? UpstreamFailure)?.code ?? (error is CancellationError ? "cancelled" : "stream_interrupted")
                continuation.finish(throwing: error)
            }
            var usage = accumulator.usage
            if usage.inputTokens == 0 && usage.outputTokens == 0 {
                let response = accumulator.response
                let text = response.message.text + response.message.toolCalls.map { $0.name + $0.arguments }.joined()
                usage = Usage(inputTokens: estimate, outputTokens: estimator.count(text))
            }
            await record(usage, request: request, route: routed.route, context: context, status: status, started: started)
        }
        continuation.onTermination = { _ in task.cancel() }
        return Routed(value: output, route: routed.route, attempts: routed.attempts)
    }

    private func record(_ usage: Usage, request: ChatRequest, route: Route, context: CallContext, status: String, started: Date) async {
        let record = UsageRecord(
            time: now(), apiKeyID: context.apiKeyID, sessionID: context.sessionID, requestedModel: request.model,
            model: route.modelID, route: route.name, usage: usage, costUSD: route.pricing?.cost(of: usage), status: status,
            latencyMilliseconds: max(0, Int(now().timeIntervalSince(started) * 1000)))
        // The caller may be gone (stream ended, client disconnected) and its task cancelled;
        // the record must be written all the same, so it is written from a task of its own.
        let repository = self.usage
        let logger = logger
        await Task {
            do {
                try await repository.record(record)
            } catch {
                logger.error("could not record usage", metadata: ["error": "\(error)", "route": "\(route.name)"])
            }
        }.value
    }

    private func recordFailure(_ error: any Error, request: ChatRequest, context: CallContext, started: Date) async {
        // Failed calls cost nothing but are kept, so operators can see them next to the successes.
        let code = (error as? any TauError)?.code ?? "error"
        let record = UsageRecord(
            time: now(), apiKeyID: context.apiKeyID, sessionID: context.sessionID, requestedModel: request.model,
            model: request.model, route: "-", usage: Usage(), costUSD: 0, status: code,
            latencyMilliseconds: max(0, Int(now().timeIntervalSince(started) * 1000)))
        let repository = usage
        await Task { try? await repository.record(record) }.value
    }
}
