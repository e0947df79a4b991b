import TauCore

/// A local correction of one catalog entry, from `[catalog.models."<id>"]` in `config.toml`.
/// Every field is optional; a set field pins that value over the built-in and remote
/// catalogs. An override whose id is not in the catalog adds a model and then needs at
/// least `provider` and `context_window`.
public struct ModelOverride: Sendable, Hashable, Codable {
    public var provider: ProviderKind?
    public var displayName: String?
    public var contextWindow: Int?
    public var maxOutputTokens: Int?
    public var supportsTools: Bool?
    public var supportsMultimodal: Bool?
    public var supportsExtendedThinking: Bool?
    /// USD per million tokens, as in ``ModelEntry``.
    public var inputPricePerMillion: Money?
    public var outputPricePerMillion: Money?
    public var cachedInputPricePerMillion: Money?
    public var knowledgeCutoff: String?
    public var deprecated: Bool?
    public var sunset: String?
    public var note: String?
    public var wire: WireProtocol?
    public var upstreamID: String?

    public init(
        provider: ProviderKind? = nil, displayName: String? = nil, contextWindow: Int? = nil, maxOutputTokens: Int? = nil,
        supportsTools: Bool? = nil, supportsMultimodal: Bool? = nil, supportsExtendedThinking: Bool? = nil,
        inputPricePerMillion: Money? = nil, outputPricePerMillion: Money? = nil, cachedInputPricePerMillion: Money? = nil,
        knowledgeCutoff: String? = nil, deprecated: Bool? = nil, sunset: String? = nil, note: String? = nil,
        wire: WireProtocol? = nil, upstreamID: String? = nil
    ) {
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
    }

    /// The same keys as ``ModelEntry``'s JSON, minus `id` (the table name) and `source`.
    enum CodingKeys: String, CodingKey {
        case provider
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
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // A price is a TOML float (`2.5`, read from its shortest text, never scaled as a double),
        // an integer (`2`) or a decimal string (`"2.5"`); more than 6 decimal places is refused.
        func price(_ key: CodingKeys) throws -> Money? {
            try container.decodeAmountIfPresent(.usd, forKey: key)
        }
        provider = try container.decodeIfPresent(ProviderKind.self, forKey: .provider)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName)
        contextWindow = try container.decodeIfPresent(Int.self, forKey: .contextWindow)
        maxOutputTokens = try container.decodeIfPresent(Int.self, forKey: .maxOutputTokens)
        supportsTools = try container.decodeIfPresent(Bool.self, forKey: .supportsTools)
        supportsMultimodal = try container.decodeIfPresent(Bool.self, forKey: .supportsMultimodal)
        supportsExtendedThinking = try container.decodeIfPresent(Bool.self, forKey: .supportsExtendedThinking)
        inputPricePerMillion = try price(.inputPricePerMillion)
        outputPricePerMillion = try price(.outputPricePerMillion)
        cachedInputPricePerMillion = try price(.cachedInputPricePerMillion)
        knowledgeCutoff = try container.decodeIfPresent(String.self, forKey: .knowledgeCutoff)
        deprecated = try container.decodeIfPresent(Bool.self, forKey: .deprecated)
        sunset = try container.decodeIfPresent(String.self, forKey: .sunset)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        wire = try container.decodeIfPresent(WireProtocol.self, forKey: .wire)
        upstreamID = try container.decodeIfPresent(String.self, forKey: .upstreamID)
    }

    /// Writes the set fields only, prices as numbers like `config.toml` has them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(provider, forKey: .provider)
        try container.encodeIfPresent(displayName, forKey: .displayName)
        try container.encodeIfPresent(contextWindow, forKey: .contextWindow)
        try container.encodeIfPresent(maxOutputTokens, forKey: .maxOutputTokens)
        try container.encodeIfPresent(supportsTools, forKey: .supportsTools)
        try container.encodeIfPresent(supportsMultimodal, forKey: .supportsMultimodal)
        try container.encodeIfPresent(supportsExtendedThinking, forKey: .supportsExtendedThinking)
        for (key, price) in [
            (CodingKeys.inputPricePerMillion, inputPricePerMillion), (.outputPricePerMillion, outputPricePerMillion),
            (.cachedInputPricePerMillion, cachedInputPricePerMillion),
        ] where price != nil {
            try container.encodeAmount(price, forKey: key)
        }
        try container.encodeIfPresent(knowledgeCutoff, forKey: .knowledgeCutoff)
        try container.encodeIfPresent(deprecated, forKey: .deprecated)
        try container.encodeIfPresent(sunset, forKey: .sunset)
        try container.encodeIfPresent(note, forKey: .note)
        try container.encodeIfPresent(wire, forKey: .wire)
        try container.encodeIfPresent(upstreamID, forKey: .upstreamID)
    }

    /// Copies every set field onto `entry`.
    public func apply(to entry: inout ModelEntry) {
        if let provider { entry.provider = provider }
        if let displayName { entry.displayName = displayName }
        if let contextWindow { entry.contextWindow = contextWindow }
        if let maxOutputTokens { entry.maxOutputTokens = maxOutputTokens }
        if let supportsTools { entry.supportsTools = supportsTools }
        if let supportsMultimodal { entry.supportsMultimodal = supportsMultimodal }
        if let supportsExtendedThinking { entry.supportsExtendedThinking = supportsExtendedThinking }
        if let inputPricePerMillion { entry.inputPricePerMillion = inputPricePerMillion }
        if let outputPricePerMillion { entry.outputPricePerMillion = outputPricePerMillion }
        if let cachedInputPricePerMillion { entry.cachedInputPricePerMillion = cachedInputPricePerMillion }
        if let knowledgeCutoff { entry.knowledgeCutoff = knowledgeCutoff }
        if let deprecated { entry.deprecated = deprecated }
        if let sunset { entry.sunset = sunset }
        if let note { entry.note = note }
        if let wire { entry.wire = wire }
        if let upstreamID { entry.upstreamID = upstreamID }
    }

    /// Checks the values that are set.
    /// - Throws: `catalog_override_invalid` naming the model and the field.
    public func validate(id: String) throws(ProviderError) {
        func fail(_ problem: String) -> ProviderError {
            ProviderError("catalog_override_invalid", "catalog.models.\"\(id)\": \(problem)")
        }
        guard ModelCatalog.isValidID(id) else { throw fail("a model id must be non-empty, without spaces") }
        if let contextWindow, contextWindow <= 0 { throw fail("context_window must be positive") }
        if let maxOutputTokens, maxOutputTokens <= 0 { throw fail("max_output_tokens must be positive") }
        let prices = [
            ("input_price_per_million", inputPricePerMillion), ("output_price_per_million", outputPricePerMillion),
            ("cached_input_price_per_million", cachedInputPricePerMillion),
        ]
        for case let (name, price?) in prices {
            if price.isNegative { throw fail("\(name) must be a number ≥ 0") }
            if price.currency != .usd { throw fail("\(name) must be in USD") }
        }
        if let knowledgeCutoff, !ModelCatalog.isYearMonth(knowledgeCutoff) {
            throw fail("knowledge_cutoff must look like 2025-08")
        }
        if let sunset, !ModelCatalog.isDate(sunset) { throw fail("sunset must look like 2026-03-31") }
        if let upstreamID, !ModelCatalog.isValidID(upstreamID) { throw fail("upstream_id must be non-empty, without spaces") }
    }
}
