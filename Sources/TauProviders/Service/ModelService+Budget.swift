import TauCore

extension ModelService {
    /// The output cap sent with a call of a key with a budget that sets none: large enough
    /// for almost every chat answer, and the `max_tokens` the node already sends Anthropic.
    public static let defaultBudgetedMaxOutputTokens = 8192

    /// Fits a plan to a key's budget. Money fails closed: only routes with a known price
    /// remain; the request gets an output cap if it has none, so that what the call may cost
    /// is known before it is sent; and the plan holds that cost — the full prompt estimate
    /// plus the most output the upstream may bill, thinking included — at the dearest route
    /// of the chain, since any of them may answer.
    /// - Throws: `budget_exceeded` when nothing is left or the prompt alone would cost more
    ///   than what is left at the cheapest route; `budget_unpriced_model` when no route has a price.
    func budget(_ plan: inout Plan, remaining: Money) throws(BudgetRefused) {
        guard remaining.isPositive else {
            throw BudgetRefused(.exceeded, "the API key's budget is spent")
        }
        let routes = plan.chain.routes.filter { $0.pricing != nil }
        guard !routes.isEmpty else {
            throw BudgetRefused(
                .unpricedModel,
                "`\(plan.request.model)` has no known price, so a key with a budget may not use it (set its price in [catalog.models])")
        }
        plan.chain = RouteChain(name: plan.chain.name, routes: routes)
        if plan.request.maxOutputTokens == nil {
            plan.request.maxOutputTokens = Self.outputCap(budgetedMaxOutputTokens, routes: routes, promptTokens: plan.estimatedInputTokens)
        }
        var reservation = Money.zero(.usd)
        var cheapest: Money?
        for route in routes {
            guard let pricing = route.pricing else { continue }
            var sent = plan.request
            sent.model = route.upstreamModel
            // A client that cannot bound its output is held at more than any budget: refused.
            let ceiling = route.client.outputTokenCeiling(for: sent) ?? Int.max
            reservation = max(reservation, try Self.price(pricing, Usage(inputTokens: plan.fullEstimate, outputTokens: ceiling)))
            let prompt = try Self.price(pricing, Usage(inputTokens: plan.estimatedInputTokens))
            cheapest = min(cheapest ?? prompt, prompt)
        }
        if let cheapest, cheapest > remaining {
            throw BudgetRefused(
                .exceeded,
                "the prompt alone would cost about \(cheapest.formatted(places: 6)); the API key has \(remaining.formatted(places: 6)) left")
        }
        plan.reservation = reservation
    }

    /// The cap for a budgeted call that sets none: `configured`, lowered to the largest answer
    /// of every route and to what every route's window leaves after the prompt (so that no
    /// route refuses it), and at least 1.
    static func outputCap(_ configured: Int, routes: [Route], promptTokens: Int) -> Int {
        var cap = configured
        for route in routes {
            if let largest = route.maxOutputTokens { cap = min(cap, largest) }
            if let window = route.contextWindow { cap = min(cap, window - promptTokens) }
        }
        return max(1, cap)
    }

    /// What `usage` costs at `pricing` for a budget check; a cost beyond the range of money is
    /// more than any budget.
    static func price(_ pricing: ModelPricing, _ usage: Usage) throws(BudgetRefused) -> Money {
        do {
            return try pricing.cost(of: usage)
        } catch {
            throw BudgetRefused(.exceeded, "the call would cost more than any budget: \(error.message)")
        }
    }
}
