import TauCore

/// A model call in the unified shape. `model` is the provider's model id; the router
/// fills it in from the route it is trying.
public struct ChatRequest: Sendable, Hashable {
    public var model: String
    /// The conversation; `.system` messages may appear anywhere but are usually first.
    public var messages: [ChatMessage]
    public var tools: [ToolDefinition]
    public var toolChoice: ToolChoice?
    /// Upper bound on generated tokens (`max_tokens` / `max_output_tokens` / `maxOutputTokens`).
    public var maxOutputTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var stop: [String]
    /// Reasoning effort for thinking models: `minimal`, `low`, `medium`, `high`.
    public var reasoningEffort: String?
    /// Whether tool calls may be issued in parallel (OpenAI `parallel_tool_calls`).
    public var parallelToolCalls: Bool?
    /// An end-user id, passed to providers that accept one.
    public var user: String?
    /// The shape of the answer (JSON mode, a JSON Schema). Routes whose provider cannot
    /// honour it are not used (`ModelClient.supports(_:)`).
    public var responseFormat: ResponseFormat?
    /// Sampling seed, for providers that offer reproducible sampling; others ignore it.
    public var seed: Int?
    /// Penalties in -2...2 (OpenAI-format providers and Gemini; others ignore them).
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    /// Provider-specific options that have no unified meaning.
    public var options: ProviderOptions

    public init(
        model: String, messages: [ChatMessage], tools: [ToolDefinition] = [], toolChoice: ToolChoice? = nil,
        maxOutputTokens: Int? = nil, temperature: Double? = nil, topP: Double? = nil, stop: [String] = [],
        reasoningEffort: String? = nil, parallelToolCalls: Bool? = nil, user: String? = nil,
        responseFormat: ResponseFormat? = nil, seed: Int? = nil, presencePenalty: Double? = nil, frequencyPenalty: Double? = nil,
        options: ProviderOptions = ProviderOptions()
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.maxOutputTokens = maxOutputTokens
        self.temperature = temperature
        self.topP = topP
        self.stop = stop
        self.reasoningEffort = reasoningEffort
        self.parallelToolCalls = parallelToolCalls
        self.user = user
        self.responseFormat = responseFormat
        self.seed = seed
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.options = options
    }
}

/// Options that only some providers understand; others ignore them.
public struct ProviderOptions: Sendable, Hashable {
    /// OpenRouter `provider` preferences object (order, allow_fallbacks, ignore, ...), sent as is.
    public var openRouterProvider: JSONValue?
    /// OpenRouter `models` list: models OpenRouter itself falls back to.
    public var openRouterModels: [String]
    /// Gemini `cachedContent` resource name (`cachedContents/...`).
    public var geminiCachedContent: String?
    /// Anthropic extended-thinking budget in tokens (overrides `reasoningEffort`).
    public var thinkingBudgetTokens: Int?

    public init(
        openRouterProvider: JSONValue? = nil, openRouterModels: [String] = [], geminiCachedContent: String? = nil,
        thinkingBudgetTokens: Int? = nil
    ) {
        self.openRouterProvider = openRouterProvider
        self.openRouterModels = openRouterModels
        self.geminiCachedContent = geminiCachedContent
        self.thinkingBudgetTokens = thinkingBudgetTokens
    }
}
