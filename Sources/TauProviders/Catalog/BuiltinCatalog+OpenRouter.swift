extension BuiltinCatalog {
    // Roadmap §2.5. Limits and prices are those of the underlying model (OpenRouter passes the
    // provider's price through); a refresh from OpenRouter's catalog updates them. Upstream ids
    // are OpenRouter's slugs, which differ from the entry id for Claude (dotted versions) and
    // Mistral Large 3 (dated release).
    static let openRouter: [ModelEntry] = [
        ModelEntry(
            // OpenRouter's catalog lists the router with a 2M window, the largest it routes to;
            // the price is that of whichever model it picks, so it is unknown here.
            id: "openrouter/auto", provider: .openrouter, displayName: "OpenRouter Auto", contextWindow: 2_000_000,
            supportsMultimodal: true, note: "OpenRouter picks the model per request; billed at that model's price.",
            upstreamID: "openrouter/auto"),
        ModelEntry(
            id: "openrouter/openai/gpt-5.2", provider: .openrouter, displayName: "GPT-5.2 (OpenRouter)",
            contextWindow: 400_000, maxOutputTokens: 128_000, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(1_750_000), outputPricePerMillion: .usd(14_000_000), cachedInputPricePerMillion: .usd(175_000),
            knowledgeCutoff: "2025-08", upstreamID: "openai/gpt-5.2"),
        ModelEntry(
            id: "openrouter/anthropic/claude-opus-4-6", provider: .openrouter, displayName: "Claude Opus 4.6 (OpenRouter)",
            contextWindow: 200_000, maxOutputTokens: 128_000, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(5_000_000), outputPricePerMillion: .usd(25_000_000), cachedInputPricePerMillion: .usd(500_000),
            upstreamID: "anthropic/claude-opus-4.6"),
        ModelEntry(
            id: "openrouter/google/gemini-3-pro-preview", provider: .openrouter, displayName: "Gemini 3 Pro (OpenRouter)",
            contextWindow: 1_048_576, maxOutputTokens: 65_536, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(2_000_000), outputPricePerMillion: .usd(12_000_000), cachedInputPricePerMillion: .usd(200_000),
            knowledgeCutoff: "2025-01", upstreamID: "google/gemini-3-pro-preview"),
        ModelEntry(
            id: "openrouter/meta-llama/llama-4-maverick", provider: .openrouter, displayName: "Llama 4 Maverick (OpenRouter)",
            contextWindow: 1_000_000, supportsMultimodal: true, inputPricePerMillion: .usd(220_000), outputPricePerMillion: .usd(850_000),
            knowledgeCutoff: "2024-08", upstreamID: "meta-llama/llama-4-maverick"),
        ModelEntry(
            id: "openrouter/deepseek/deepseek-chat", provider: .openrouter, displayName: "DeepSeek V3.2 chat (OpenRouter)",
            contextWindow: 163_840, inputPricePerMillion: .usd(280_000), outputPricePerMillion: .usd(420_000),
            cachedInputPricePerMillion: .usd(28_000), upstreamID: "deepseek/deepseek-chat"),
        ModelEntry(
            id: "openrouter/mistralai/mistral-large-3", provider: .openrouter, displayName: "Mistral Large 3 (OpenRouter)",
            contextWindow: 256_000, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(500_000), outputPricePerMillion: .usd(1_500_000), upstreamID: "mistralai/mistral-large-2512"),
    ]
}
