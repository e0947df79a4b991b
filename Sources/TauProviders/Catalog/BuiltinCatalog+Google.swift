extension BuiltinCatalog {
    // Context and prices (prompts up to 200K tokens where Google has tiers): roadmap §1.
    // Input limit 1,048,576, output limit 65,536 and the January 2025 cutoff: the Gemini API
    // model pages (ai.google.dev/gemini-api/docs/models). Cached-input prices: the Gemini API
    // pricing page (context caching, text input).
    static let google: [ModelEntry] = [
        ModelEntry(
            id: "gemini-3-pro-preview", provider: .gemini, displayName: "Gemini 3 Pro (preview)", contextWindow: 1_048_576,
            maxOutputTokens: 65_536, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(2_000_000), outputPricePerMillion: .usd(12_000_000), cachedInputPricePerMillion: .usd(200_000),
            knowledgeCutoff: "2025-01", note: "Preview; thinking levels. Prompts over 200K tokens cost more."),
        ModelEntry(
            id: "gemini-3-flash-preview", provider: .gemini, displayName: "Gemini 3 Flash (preview)", contextWindow: 1_048_576,
            maxOutputTokens: 65_536, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(500_000), outputPricePerMillion: .usd(3_000_000), cachedInputPricePerMillion: .usd(50_000),
            knowledgeCutoff: "2025-01", note: "Preview."),
        ModelEntry(
            id: "gemini-2.5-pro", provider: .gemini, displayName: "Gemini 2.5 Pro", contextWindow: 1_048_576,
            maxOutputTokens: 65_536, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(1_250_000), outputPricePerMillion: .usd(10_000_000), cachedInputPricePerMillion: .usd(125_000),
            knowledgeCutoff: "2025-01", note: "Prompts over 200K tokens cost more."),
        ModelEntry(
            id: "gemini-2.5-flash", provider: .gemini, displayName: "Gemini 2.5 Flash", contextWindow: 1_048_576,
            maxOutputTokens: 65_536, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(300_000), outputPricePerMillion: .usd(2_500_000), cachedInputPricePerMillion: .usd(30_000),
            knowledgeCutoff: "2025-01"),
        ModelEntry(
            id: "gemini-2.5-flash-lite", provider: .gemini, displayName: "Gemini 2.5 Flash-Lite", contextWindow: 1_048_576,
            maxOutputTokens: 65_536, supportsMultimodal: true,
            inputPricePerMillion: .usd(100_000), outputPricePerMillion: .usd(400_000), cachedInputPricePerMillion: .usd(10_000),
            knowledgeCutoff: "2025-01"),
    ]
}
