extension BuiltinCatalog {
    // xAI. Context and prices: roadmap §1. Cached-input prices and the API ids: xAI's models
    // and pricing page (docs.x.ai/docs/models). xAI publishes no separate output limit and
    // no cutoff we could confirm, so both stay nil.
    static let xAI: [ModelEntry] = [
        ModelEntry(
            id: "grok-4", provider: .xai, displayName: "Grok 4", contextWindow: 256_000,
            supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(3_000_000), outputPricePerMillion: .usd(15_000_000), cachedInputPricePerMillion: .usd(750_000)),
        ModelEntry(
            id: "grok-4-fast", provider: .xai, displayName: "Grok 4 Fast", contextWindow: 2_000_000,
            supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(200_000), outputPricePerMillion: .usd(500_000), cachedInputPricePerMillion: .usd(50_000),
            note: "xAI serves it as two models; this entry uses the reasoning one.",
            upstreamID: "grok-4-fast-reasoning"),
        ModelEntry(
            id: "grok-code-fast-1", provider: .xai, displayName: "Grok Code Fast 1", contextWindow: 256_000,
            supportsExtendedThinking: true,
            inputPricePerMillion: .usd(200_000), outputPricePerMillion: .usd(1_500_000), cachedInputPricePerMillion: .usd(20_000)),
    ]

    // Mistral. Context, flags and prices: roadmap §1 (the small model's price is the
    // open-weight hosting price §1 quotes). API ids: Mistral's dated model names
    // (docs.mistral.ai, models overview); Mistral Large 3 is release 2512.
    static let mistral: [ModelEntry] = [
        ModelEntry(
            id: "mistral-large-3", provider: .mistral, displayName: "Mistral Large 3", contextWindow: 256_000,
            supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(500_000), outputPricePerMillion: .usd(1_500_000),
            note: "Open weights (Apache 2.0), 675B MoE.", upstreamID: "mistral-large-2512"),
        ModelEntry(
            id: "mistral-medium-3", provider: .mistral, displayName: "Mistral Medium 3", contextWindow: 131_072,
            supportsMultimodal: true, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(400_000), outputPricePerMillion: .usd(2_000_000), upstreamID: "mistral-medium-2505"),
        ModelEntry(
            id: "mistral-small-3.1-24b", provider: .mistral, displayName: "Mistral Small 3.1 (24B)", contextWindow: 131_072,
            inputPricePerMillion: .usd(30_000), outputPricePerMillion: .usd(110_000),
            note: "Open weights; budget tier.", upstreamID: "mistral-small-2503"),
    ]

    // Meta Llama 4 has no first-party API: the entries are served by Groq (OpenAI-compatible)
    // under Groq's model ids. Context windows and prices are those of roadmap §1 (the models'
    // native windows); a provider may serve a smaller window, which an override can pin.
    // Knowledge cutoff: Meta's Llama 4 model card (August 2024).
    static let meta: [ModelEntry] = [
        ModelEntry(
            id: "llama-4-scout", provider: .groq, displayName: "Llama 4 Scout", contextWindow: 10_000_000,
            supportsMultimodal: true, inputPricePerMillion: .usd(150_000), outputPricePerMillion: .usd(500_000),
            knowledgeCutoff: "2024-08", note: "Open weights, 109B MoE.",
            upstreamID: "meta-llama/llama-4-scout-17b-16e-instruct"),
        ModelEntry(
            id: "llama-4-maverick", provider: .groq, displayName: "Llama 4 Maverick", contextWindow: 1_000_000,
            supportsMultimodal: true, inputPricePerMillion: .usd(220_000), outputPricePerMillion: .usd(850_000),
            knowledgeCutoff: "2024-08", note: "Open weights, 400B MoE.",
            upstreamID: "meta-llama/llama-4-maverick-17b-128e-instruct"),
    ]

    // DeepSeek V3.2. Context and prices: roadmap §1 (cache-hit price $0.028, §3). Output
    // limits: DeepSeek's models and pricing page (api-docs.deepseek.com), 8K for chat and
    // 64K for the reasoner.
    static let deepSeek: [ModelEntry] = [
        ModelEntry(
            id: "deepseek-chat", provider: .deepseek, displayName: "DeepSeek V3.2 (chat)", contextWindow: 163_840,
            maxOutputTokens: 8_192,
            inputPricePerMillion: .usd(280_000), outputPricePerMillion: .usd(420_000), cachedInputPricePerMillion: .usd(28_000),
            note: "Cache hits cost a tenth of the input price."),
        ModelEntry(
            id: "deepseek-reasoner", provider: .deepseek, displayName: "DeepSeek V3.2 (reasoner)", contextWindow: 163_840,
            maxOutputTokens: 65_536, supportsExtendedThinking: true,
            inputPricePerMillion: .usd(280_000), outputPricePerMillion: .usd(420_000), cachedInputPricePerMillion: .usd(28_000),
            note: "Thinking mode of V3.2."),
    ]
}
