import TauCore

/// The models compiled into tau-node: the target catalog of the February 2026 roadmap
/// (reference §1) plus its OpenRouter entries (§2.5).
///
/// Context windows and prices per million tokens are those of the roadmap tables. Where the
/// tables say nothing (max output, knowledge cutoff, cached-input price, provider model ids),
/// values come from the providers' public model and pricing pages, named next to each family;
/// unknown values stay nil rather than guessed. A remote catalog and `config.toml` overrides
/// are merged on top (see ``ModelCatalog``).
public enum BuiltinCatalog {
    /// Every built-in entry; ids are unique.
    public static let entries: [ModelEntry] = openAI + anthropic + google + xAI + mistral + meta + deepSeek + openRouter

    /// The ids of the roadmap's §1 target tables and §2.5 OpenRouter list, which the
    /// built-in catalog must always contain.
    public static let roadmapIDs: [String] = [
        "gpt-5.2", "gpt-5.2-pro", "gpt-5", "gpt-5-codex", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3", "o4-mini",
        "gpt-4o", "gpt-4o-mini",
        "claude-opus-4-6", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-sonnet-4-0", "claude-opus-4-5",
        "gemini-3-pro-preview", "gemini-3-flash-preview", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite",
        "grok-4", "grok-4-fast", "grok-code-fast-1",
        "mistral-large-3", "mistral-medium-3", "mistral-small-3.1-24b",
        "llama-4-scout", "llama-4-maverick",
        "deepseek-chat", "deepseek-reasoner",
        "openrouter/auto", "openrouter/openai/gpt-5.2", "openrouter/anthropic/claude-opus-4-6",
        "openrouter/google/gemini-3-pro-preview", "openrouter/meta-llama/llama-4-maverick",
        "openrouter/deepseek/deepseek-chat", "openrouter/mistralai/mistral-large-3",
    ]

    /// The built-in entry with this exact id.
    public static func entry(_ id: String) -> ModelEntry? {
        entries.first { $0.id == id }
    }
}

extension Money {
    /// A built-in price per million tokens in micro-USD: `.usd(1_750_000)` is $1.75 / M.
    static func usd(_ microunits: Int64) -> Money {
        Money(microunits: microunits, currency: .usd)
    }
}
