import TauCore

extension ModelEntry {
    /// The entry as JSON, with the same snake_case keys and explicit nulls as its `Codable` form.
    public var json: JSONValue {
        func number(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        func amount(_ value: Money?) -> JSONValue { value.map(JSONValue.amount) ?? .null }
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "id": .string(id),
            "provider": .string(provider.rawValue),
            "display_name": .string(displayName),
            "context_window": .number(Double(contextWindow)),
            "max_output_tokens": number(maxOutputTokens),
            "supports_tools": .bool(supportsTools),
            "supports_multimodal": .bool(supportsMultimodal),
            "supports_extended_thinking": .bool(supportsExtendedThinking),
            "input_price_per_million": amount(inputPricePerMillion),
            "output_price_per_million": amount(outputPricePerMillion),
            "cached_input_price_per_million": amount(cachedInputPricePerMillion),
            "knowledge_cutoff": string(knowledgeCutoff),
            "deprecated": .bool(deprecated),
            "sunset": string(sunset),
            "note": string(note),
            "wire": string(wire?.rawValue),
            "upstream_id": string(upstreamID),
            "source": .string(source.rawValue),
        ]
    }
}
