import Foundation
import TauCore
import TauProviders

extension NodeModels {
    /// The model each provider kind's agent uses when neither `--model` nor `[agent] model`
    /// names one, in order of preference.
    static let agentDefaults: [(ProviderKind, String)] = [
        (.anthropic, "claude-sonnet-4-5"), (.openai, "gpt-4.1"), (.gemini, "gemini-2.5-flash"), (.openrouter, "openrouter/auto"),
        (.deepseek, "deepseek-chat"), (.xai, "grok-code-fast-1"), (.mistral, "mistral-medium-3"), (.groq, "llama-4-maverick"),
    ]

    /// The provider keys this node holds (redacted from everything tools return).
    public var providerKeys: [String] { providers.keys }

    /// The model the agent runs with: `requested` (`--model`), else `[agent] model`, else a
    /// `[routes]` alias named `default` (or the only alias), else the default model of the
    /// first provider kind with a key.
    /// - Throws: ``NodeError`` `agent_model_unavailable` when the named model has no provider
    ///   with a key; `provider_missing`, saying exactly what to set, when no provider is usable.
    public func agentModel(requested: String?, configured: String?) throws(NodeError) -> String {
        if let name = requested ?? configured {
            guard aliasNames.contains(name) || (try? providers.route(for: name, catalog: catalog.catalog, strict: true)) != nil else {
                throw NodeError(
                    "agent_model_unavailable",
                    "no provider with a key serves `\(name)`: name a [routes] alias or a catalog id (`tau-node models list`) whose provider has a key, or `<provider>:<model>` for a [providers.*] table",
                    category: .unavailable)
            }
            return name
        }
        if aliasNames.contains("default") { return "default" }
        if aliasNames.count == 1, let only = aliasNames.first { return only }
        for (kind, model) in Self.agentDefaults where providers.hasKey(kind) { return model }
        if let local = providers.usable(.local).first {
            throw NodeError(
                "agent_model_missing",
                "[providers.\(local)] is a local server: name its model with --model \(local):<model> or [agent] model = \"\(local):<model>\" in config.toml",
                category: .invalidInput)
        }
        throw NodeError(
            "provider_missing",
            """
            no model provider is configured. Set one of ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY, OPENROUTER_API_KEY, \
            DEEPSEEK_API_KEY, XAI_API_KEY, MISTRAL_API_KEY or GROQ_API_KEY in the environment, or add a [providers.<name>] table \
            to config.toml — for a local llama.cpp or Ollama server: [providers.ollama] kind = "local", base_url = \
            "http://127.0.0.1:11434/v1", then --model ollama:<model>
            """,
            category: .unavailable)
    }
}
