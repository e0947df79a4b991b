extension BuiltinCatalog {
    // Context and prices: roadmap §1. Max output, knowledge cutoff and cached-input prices:
    // OpenAI's model pages and pricing page (platform.openai.com/docs/models, /docs/pricing).
    static let openAI: [ModelEntry] = [
        ModelEntry(
            id: "gpt-5.2", provider: .openai, displayName: "GPT-5.2", contextWindow: 400_000, maxOutputTokens: 128_000,
            supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(1_750_000), outputPricePerMillion: .usd(14_000_000), cachedInputPricePerMillion: .usd(175_000),
            knowledgeCutoff: "2025-08", note: "Flagship; reasoning effort up to xhigh."),
        ModelEntry(
            id: "gpt-5.2-pro", provider: .openai, displayName: "GPT-5.2 Pro", contextWindow: 400_000, maxOutputTokens: 128_000,
            supportsMultimodal: true, supportsExtendedThinking: true,
            // OpenAI lists no cached-input discount for the pro tier.
            inputPricePerMillion: .usd(21_000_000), outputPricePerMillion: .usd(168_000_000),
            knowledgeCutoff: "2025-08", note: "Maximum capability tier; served on the Responses API only.",
            wire: .openAIResponses),
        ModelEntry(
            id: "gpt-5", provider: .openai, displayName: "GPT-5", contextWindow: 400_000, maxOutputTokens: 128_000,
            supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(1_250_000), outputPricePerMillion: .usd(10_000_000), cachedInputPricePerMillion: .usd(125_000),
            knowledgeCutoff: "2024-09"),
        ModelEntry(
            id: "gpt-5-codex", provider: .openai, displayName: "GPT-5 Codex", contextWindow: 400_000, maxOutputTokens: 128_000,
            supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(1_250_000), outputPricePerMillion: .usd(10_000_000), cachedInputPricePerMillion: .usd(125_000),
            knowledgeCutoff: "2024-09", note: "Coding-optimised GPT-5; served on the Responses API only.",
            wire: .openAIResponses),
        // §1 marks the GPT-4.1 and GPT-4o families "thinking: yes", but they are not reasoning
        // models: OpenAI rejects `reasoning_effort` for them. The flag is false so that the
        // gateway never sends it.
        ModelEntry(
            id: "gpt-4.1", provider: .openai, displayName: "GPT-4.1", contextWindow: 1_047_576, maxOutputTokens: 32_768,
            supportsMultimodal: true,
            inputPricePerMillion: .usd(2_000_000), outputPricePerMillion: .usd(8_000_000), cachedInputPricePerMillion: .usd(500_000),
            knowledgeCutoff: "2024-06"),
        ModelEntry(
            id: "gpt-4.1-mini", provider: .openai, displayName: "GPT-4.1 mini", contextWindow: 1_047_576, maxOutputTokens: 32_768,
            supportsMultimodal: true,
            inputPricePerMillion: .usd(400_000), outputPricePerMillion: .usd(1_600_000), cachedInputPricePerMillion: .usd(100_000),
            knowledgeCutoff: "2024-06"),
        ModelEntry(
            id: "gpt-4.1-nano", provider: .openai, displayName: "GPT-4.1 nano", contextWindow: 1_047_576, maxOutputTokens: 32_768,
            supportsMultimodal: true,
            inputPricePerMillion: .usd(100_000), outputPricePerMillion: .usd(400_000), cachedInputPricePerMillion: .usd(25_000),
            knowledgeCutoff: "2024-06"),
        // §1 says o3 is not multimodal; OpenAI's model page lists image input for it.
        ModelEntry(
            id: "o3", provider: .openai, displayName: "o3", contextWindow: 200_000, maxOutputTokens: 100_000,
            supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(2_000_000), outputPricePerMillion: .usd(8_000_000), cachedInputPricePerMillion: .usd(500_000),
            knowledgeCutoff: "2024-06"),
        ModelEntry(
            id: "o4-mini", provider: .openai, displayName: "o4-mini", contextWindow: 200_000, maxOutputTokens: 100_000,
            supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(1_100_000), outputPricePerMillion: .usd(4_400_000), cachedInputPricePerMillion: .usd(275_000),
            knowledgeCutoff: "2024-06"),
        ModelEntry(
            id: "gpt-4o", provider: .openai, displayName: "GPT-4o", contextWindow: 128_000, maxOutputTokens: 16_384,
            supportsMultimodal: true,
            inputPricePerMillion: .usd(2_500_000), outputPricePerMillion: .usd(10_000_000), cachedInputPricePerMillion: .usd(1_250_000),
            knowledgeCutoff: "2023-10", deprecated: true,
            note: "Legacy: retired from ChatGPT on 2026-02-13, still served by the API; prefer gpt-4.1 or gpt-5.2."),
        ModelEntry(
            id: "gpt-4o-mini", provider: .openai, displayName: "GPT-4o mini", contextWindow: 128_000, maxOutputTokens: 16_384,
            supportsMultimodal: true,
            inputPricePerMillion: .usd(150_000), outputPricePerMillion: .usd(600_000), cachedInputPricePerMillion: .usd(75_000),
            knowledgeCutoff: "2023-10", deprecated: true,
            note: "Legacy: retired from ChatGPT on 2026-02-13, still served by the API; prefer gpt-4.1-mini."),
    ]
}
