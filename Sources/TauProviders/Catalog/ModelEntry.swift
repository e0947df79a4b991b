import TauCore

/// One model the node knows: who serves it, how much it can take and what it costs.
///
/// The JSON form (cache file, `models show --json`, `GET /v1/models` extras) uses
/// snake_case keys and writes every key, unknown values as `null`, so that scripts
/// see one stable shape. Prices are ``Money`` in USD per million tokens, written as JSON
/// numbers with their exact decimal digits (`1.75`, `0.175`) and read back without a
/// binary round trip.
///
/// `provider` is the provider that serves the model by default. Open-weight models
/// have no provider of their own: Meta's Llama 4 entries are served by `groq`
/// (OpenAI-compatible), and the same models through OpenRouter are separate
/// `openrouter/…` entries.
public struct ModelEntry: Sendable, Hashable, Codable {
    /// Where an entry's values come from.
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
        /// Compiled into tau-node (``BuiltinCatalog``).
        case builtin
        /// From the remote catalog (OpenRouter `GET /api/v1/models`), or a built-in it refreshed.
        case remote
        /// Pinned or added by `[catalog.models."<id>"]` in `config.toml`.
        case override
    }

    /// The name clients ask for, unique in a catalog (e.g. `gpt-5.2`, `openrouter/openai/gpt-5.2`).
    public var id: String
    /// The provider that serves the model.
    public var provider: ProviderKind
    /// A human name, e.g. "GPT-5.2".
    public var displayName: String
    /// Largest prompt plus output, in tokens.
    public var contextWindow: Int
    /// Largest output of one call, in tokens; nil when unknown.
    public var maxOutputTokens: Int?
    public var supportsTools: Bool
    /// Accepts images (and for some providers audio, video or PDF) in the prompt.
    public var supportsMultimodal: Bool
    /// Produces reasoning / thinking before the answer and accepts an effort or budget.
    public var supportsExtendedThinking: Bool
    /// USD per million prompt tokens; nil when unknown.
    public var inputPricePerMillion: Money?
    /// USD per million output tokens (reasoning included); nil when unknown.
    public var outputPricePerMillion: Money?
    /// USD per million prompt tokens read from the provider's cache; nil means the input price applies.
    public var cachedInputPricePerMillion: Money?
    /// `YYYY-MM`.
    public var knowledgeCutoff: String?
    /// Kept for backward compatibility; hidden from `models list` unless asked for.
    public var deprecated: Bool
    /// `YYYY-MM-DD` on which the provider stops serving the model, when announced.
    public var sunset: String?
    /// A short remark for operators (why deprecated, what replaces it, known limits).
    public var note: String?
    /// The wire format the model needs when it differs from the provider's default
    /// (e.g. `openai-responses` for models OpenAI serves only on `POST /responses`).
    public var wire: WireProtocol?
    /// The provider's own model id when it differs from ``id`` (e.g. `openai/gpt-5.2` for
    /// `openrouter/openai/gpt-5.2`); nil when the id is sent as is.
    public var upstreamID: String?
    public var source: Source

    public init(
        id: String, provider: ProviderKind, displayName: String, contextWindow: Int, maxOutputTokens: Int? = nil,
        supportsTools: Bool = true, supportsMultimodal: Bool = false, supportsExtendedThinking: Bool = false,
        inputPricePerMillion: Money? = nil, outputPricePerMillion: Money? = nil, cachedInputPricePerMillion: Money? = nil,
        knowledgeCutoff: String? = nil, deprecated: Bool = false, sunset: String? = nil, note: String? = nil,
        wire: WireProtocol? = nil, upstreamID: String? = nil, source: Source = .builtin
    ) {
        self.id = id
        self.provider = provider
        self.displayName = displayName
        self.contextWindow = contextWindow
        self.maxOutputTokens = maxOutputTokens
        self.supportsTools = supportsTools
        self.supportsMultimodal = supportsMultimodal
        self.supportsExtendedThinking = supportsExtendedThinking
        self.inputPricePerMillion = inputPricePerMillion
        self.outputPricePerMillion = outputPricePerMillion
        self.cachedInputPricePerMillion = cachedInputPricePerMillion
        self.knowledgeCutoff = knowledgeCutoff
        self.deprecated = deprecated
        self.sunset = sunset
        self.note = note
        self.wire = wire
        self.upstreamID = upstreamID
        self.source = source
    }

    /// The model name sent to the provider.
    public var upstreamModel: String { upstreamID ?? id }

    /// The wire format to call the model with: its own, else its provider's.
    public var effectiveWire: WireProtocol { wire ?? provider.wire }

    /// The entry's prices, when both the input and the output price are known.
    public var pricing: ModelPricing? {
        guard let input = inputPricePerMillion, let output = outputPricePerMillion else { return nil }
        return ModelPricing(input: input, output: output, cachedInput: cachedInputPricePerMillion)
    }

    /// What a call cost in USD (``ModelPricing/cost(of:)``: exact, rounded up to a micro-USD).
    /// Nil when the input or output price is unknown.
    /// - Throws: ``CoreError`` `money_overflow`.
    public func cost(for usage: Usage) throws(CoreError) -> Money? {
        try pricing?.cost(of: usage)
    }

    enum CodingKeys: String, CodingKey {
        case id, provider
        case displayName = "display_name"
        case contextWindow = "context_window"
        case maxOutputTokens = "max_output_tokens"
        case supportsTools = "supports_tools"
        case supportsMultimodal = "supports_multimodal"
        case supportsExtendedThinking = "supports_extended_thinking"
        case inputPricePerMillion = "input_price_per_million"
        case outputPricePerMillion = "output_price_per_million"
        case cachedInputPricePerMillion = "cached_input_price_per_million"
        case knowledgeCutoff = "knowledge_cutoff"
        case deprecated, sunset, note, wire
        case upstreamID = "upstream_id"
        case source
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        provider = try container.decode(ProviderKind.self, forKey: .provider)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName) ?? id
        contextWindow = try container.decode(Int.self, forKey: .contextWindow)
        maxOutputTokens = try container.decodeIfPresent(Int.self, forKey: .maxOutputTokens)
        supportsTools = try container.decodeIfPresent(Bool.self, forKey: .supportsTools) ?? false
        supportsMultimodal = try container.decodeIfPresent(Bool.self, forKey: .supportsMultimodal) ?? false
        supportsExtendedThinking = try container.decodeIfPresent(Bool.self, forKey: .supportsExtendedThinking) ?? false
        inputPricePerMillion = try container.decodeAmountIfPresent(.usd, forKey: .inputPricePerMillion)
        outputPricePerMillion = try container.decodeAmountIfPresent(.usd, forKey: .outputPricePerMillion)
        cachedInputPricePerMillion = try container.decodeAmountIfPresent(.usd, forKey: .cachedInputPricePerMillion)
        knowledgeCutoff = try container.decodeIfPresent(String.self, forKey: .knowledgeCutoff)
        deprecated = try container.decodeIfPresent(Bool.self, forKey: .deprecated) ?? false
        sunset = try container.decodeIfPresent(String.self, forKey: .sunset)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        wire = try container.decodeIfPresent(WireProtocol.self, forKey: .wire)
        upstreamID = try container.decodeIfPresent(String.self, forKey: .upstreamID)
        source = try container.decodeIfPresent(Source.self, forKey: .source) ?? .builtin
    }

    public func encode(to encoder: any Encoder) throws {
        // Every key is written, unknown values as null: a stable shape for scripts.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(provider, forKey: .provider)
        try container.encode(displayName, forKey: .displayName)
        try container.encode(contextWindow, forKey: .contextWindow)
        try container.encode(maxOutputTokens, forKey: .maxOutputTokens)
        try container.encode(supportsTools, forKey: .supportsTools)
        try container.encode(supportsMultimodal, forKey: .supportsMultimodal)
        try container.encode(supportsExtendedThinking, forKey: .supportsExtendedThinking)
        try container.encodeAmount(inputPricePerMillion, forKey: .inputPricePerMillion)
        try container.encodeAmount(outputPricePerMillion, forKey: .outputPricePerMillion)
        try container.encodeAmount(cachedInputPricePerMillion, forKey: .cachedInputPricePerMillion)
        try container.encode(knowledgeCutoff, forKey: .knowledgeCutoff)
        try container.encode(deprecated, forKey: .deprecated)
        try container.encode(sunset, forKey: .sunset)
        try container.encode(note, forKey: .note)
        try container.encode(wire, forKey: .wire)
        try container.encode(upstreamID, forKey: .upstreamID)
        try container.encode(source, forKey: .source)
    }
}
