extension BuiltinCatalog {
    // Context, prices and the Claude 4.x output limits: roadmap §1. Cache reads are billed at
    // a tenth of the input price and the legacy output limits and knowledge cutoffs ("reliable
    // knowledge cutoff") come from Anthropic's models overview and pricing pages
    // (docs.anthropic.com/en/docs/about-claude/models). The ids are Anthropic's aliases.
    static let anthropic: [ModelEntry] = [
        ModelEntry(
            id: "claude-opus-4-6", provider: .anthropic, displayName: "Claude Opus 4.6", contextWindow: 200_000,
            maxOutputTokens: 128_000, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(5_000_000), outputPricePerMillion: .usd(25_000_000), cachedInputPricePerMillion: .usd(500_000),
            // No knowledge cutoff found in the sources at hand.
            note: "Flagship (2026-02-05), adaptive thinking; 1M context in beta."),
        ModelEntry(
            id: "claude-sonnet-4-5", provider: .anthropic, displayName: "Claude Sonnet 4.5", contextWindow: 200_000,
            maxOutputTokens: 64_000, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(3_000_000), outputPricePerMillion: .usd(15_000_000), cachedInputPricePerMillion: .usd(300_000),
            knowledgeCutoff: "2025-01", note: "1M context in beta."),
        ModelEntry(
            id: "claude-haiku-4-5", provider: .anthropic, displayName: "Claude Haiku 4.5", contextWindow: 200_000,
            maxOutputTokens: 64_000, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(1_000_000), outputPricePerMillion: .usd(5_000_000), cachedInputPricePerMillion: .usd(100_000),
            knowledgeCutoff: "2025-02"),
        ModelEntry(
            id: "claude-sonnet-4-0", provider: .anthropic, displayName: "Claude Sonnet 4", contextWindow: 200_000,
            maxOutputTokens: 64_000, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(3_000_000), outputPricePerMillion: .usd(15_000_000), cachedInputPricePerMillion: .usd(300_000),
            knowledgeCutoff: "2025-01", deprecated: true, note: "Legacy: superseded by claude-sonnet-4-5."),
        ModelEntry(
            id: "claude-opus-4-5", provider: .anthropic, displayName: "Claude Opus 4.5", contextWindow: 200_000,
            maxOutputTokens: 64_000, supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(5_000_000), outputPricePerMillion: .usd(25_000_000), cachedInputPricePerMillion: .usd(500_000),
            knowledgeCutoff: "2025-05", deprecated: true, note: "Legacy: superseded by claude-opus-4-6."),
    ]
}
