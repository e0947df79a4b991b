import TauCore

/// What a route costs: USD prices per million tokens (`input` $2.50 / M is 2,500,000 micro-USD).
public struct ModelPricing: Sendable, Hashable, Codable {
    public var input: Money
    public var output: Money
    /// Cached prompt tokens; the input price when the provider has no cache discount.
    public var cachedInput: Money?

    public init(input: Money, output: Money, cachedInput: Money? = nil) {
        self.input = input
        self.output = output
        self.cachedInput = cachedInput
    }

    /// What a call's usage costs in USD: uncached prompt tokens at the input price, cached ones
    /// at the cached-input price (the input price when there is none), output tokens at the
    /// output price, summed exactly and rounded up once to a micro-USD. Negative counts
    /// count as zero, and cached tokens beyond the prompt as prompt tokens.
    /// - Throws: ``CoreError`` `money_overflow` past ±9.2 trillion USD, `currency_mismatch`
    ///   when a price is not in USD.
    public func cost(of usage: Usage) throws(CoreError) -> Money {
        let prompt = max(0, usage.inputTokens)
        let cached = min(max(0, usage.cachedInputTokens), prompt)
        return try Money.cost(
            of: [(prompt - cached, input), (cached, cachedInput ?? input), (max(0, usage.outputTokens), output)], currency: .usd)
    }
}

/// One way to serve a model: a provider client and the model id it is sent.
public struct Route: Sendable {
    /// Stable name used for breakers, usage rows and metrics, e.g. `openai:gpt-4.1`.
    public var name: String
    /// The catalog id of the model (for cost and limits), e.g. `gpt-4.1`.
    public var modelID: String
    /// The model id sent upstream, e.g. `openai/gpt-4.1` for OpenRouter.
    public var upstreamModel: String
    public var client: any ModelClient
    /// Context window in tokens, when known; used to skip routes a request cannot fit.
    public var contextWindow: Int?
    /// The model's largest output, when known.
    public var maxOutputTokens: Int?
    public var pricing: ModelPricing?
    /// Whether this is the mesh route (a peer serves the model), always tried last.
    public var isRemote: Bool

    public init(
        name: String, modelID: String, upstreamModel: String? = nil, client: any ModelClient, contextWindow: Int? = nil,
        maxOutputTokens: Int? = nil, pricing: ModelPricing? = nil, isRemote: Bool = false
    ) {
        self.name = name
        self.modelID = modelID
        self.upstreamModel = upstreamModel ?? modelID
        self.client = client
        self.contextWindow = contextWindow
        self.maxOutputTokens = maxOutputTokens
        self.pricing = pricing
        self.isRemote = isRemote
    }

    /// Whether a prompt of `inputTokens` plus `outputTokens` of answer fits the window.
    public func fits(inputTokens: Int, outputTokens: Int) -> Bool {
        guard let contextWindow else { return true }
        return inputTokens + outputTokens <= contextWindow
    }
}

/// The ordered routes behind one model name (an alias or a catalog id). Order is
/// preference; put larger-context models later for context-window fallback. The
/// optional `remote` route (the mesh) is tried after all local ones.
public struct RouteChain: Sendable {
    public var name: String
    public var routes: [Route]

    public init(name: String, routes: [Route], remote: Route? = nil) {
        self.name = name
        self.routes = routes.filter { !$0.isRemote } + routes.filter(\.isRemote)
        if var remote {
            remote.isRemote = true
            self.routes.append(remote)
        }
    }
}
