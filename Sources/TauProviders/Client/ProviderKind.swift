import Foundation

/// The providers tau-node knows by name: their default base URL, the wire format they
/// speak and where their API key comes from.
public enum ProviderKind: String, Sendable, Hashable, Codable, CaseIterable {
    case openai, anthropic, gemini, openrouter, deepseek, xai, mistral, groq
    /// A local llama.cpp server or Ollama (OpenAI-compatible, no key).
    case local

    /// Where requests go unless `[providers.<name>] base_url` says otherwise.
    public var defaultBaseURL: String {
        switch self {
        case .openai: "https://api.openai.com/v1"
        case .anthropic: "https://api.anthropic.com/v1"
        case .gemini: "https://generativelanguage.googleapis.com/v1beta"
        case .openrouter: "https://openrouter.ai/api/v1"
        case .deepseek: "https://api.deepseek.com"
        case .xai: "https://api.x.ai/v1"
        case .mistral: "https://api.mistral.ai/v1"
        case .groq: "https://api.groq.com/openai/v1"
        case .local: "http://127.0.0.1:11434/v1"
        }
    }

    /// The wire format of the provider's chat endpoint.
    public var wire: WireProtocol {
        switch self {
        case .anthropic: .anthropicMessages
        case .gemini: .geminiGenerateContent
        default: .openAIChat
        }
    }

    /// Environment variables holding the key, in the order they are tried:
    /// `TAU_<PROVIDER>_API_KEY` first, then the provider's usual variable.
    public var apiKeyVariables: [String] {
        let tau = "TAU_\(rawValue.uppercased())_API_KEY"
        switch self {
        case .openai: return [tau, "OPENAI_API_KEY"]
        case .anthropic: return [tau, "ANTHROPIC_API_KEY"]
        case .gemini: return [tau, "GEMINI_API_KEY", "GOOGLE_API_KEY"]
        case .openrouter: return [tau, "OPENROUTER_API_KEY"]
        case .deepseek: return [tau, "DEEPSEEK_API_KEY"]
        case .xai: return [tau, "XAI_API_KEY"]
        case .mistral: return [tau, "MISTRAL_API_KEY"]
        case .groq: return [tau, "GROQ_API_KEY"]
        case .local: return [tau]
        }
    }

    /// Whether calls fail without a key (a local server needs none).
    public var requiresAPIKey: Bool { self != .local }
}

/// Everything a client needs to reach one configured provider.
public struct ProviderEndpoint: Sendable, Hashable {
    /// The name in `config.toml` (`[providers.<name>]`); usually the kind's name.
    public var name: String
    public var kind: ProviderKind
    /// Base URL without a trailing slash.
    public var baseURL: String
    public var apiKey: String?
    /// Extra headers on every request (e.g. OpenRouter `HTTP-Referer`, `X-Title`).
    public var headers: [String: String]
    /// The wire format; `.openAIResponses` may be chosen for OpenAI.
    public var wire: WireProtocol

    public init(
        name: String? = nil, kind: ProviderKind, baseURL: String? = nil, apiKey: String? = nil,
        headers: [String: String] = [:], wire: WireProtocol? = nil
    ) {
        self.name = name ?? kind.rawValue
        self.kind = kind
        var base = baseURL ?? kind.defaultBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey
        self.headers = headers
        self.wire = wire ?? kind.wire
    }

    /// Resolves the API key. For a provider named after its kind (`[providers.openai]`): the
    /// first non-empty variable of `kind.apiKeyVariables`, else `configured` (config.toml).
    /// For a provider with a name of its own (`[providers.work-openai] kind = "openai"`):
    /// `TAU_<NAME>_API_KEY`, else `configured`, else the kind's variables, so that two
    /// providers of one kind can hold different keys.
    ///
    /// The kind's usual variables (`OPENAI_API_KEY`, and `TAU_OPENAI_API_KEY` for a table
    /// with another name) hold a key for the kind's own host: a provider whose `baseURL` is
    /// not ``ProviderKind/defaultBaseURL`` (a proxy, a third-party server) never reads them,
    /// so that a key for one company is not sent to another. `keyVariable`
    /// (`api_key_env`) names a variable explicitly; it is read right after `TAU_<NAME>_API_KEY`.
    /// - Throws: `provider_key_missing` naming the variables when a key is required and none is set.
    public static func apiKey(
        for kind: ProviderKind, name: String? = nil, configured: String?, keyVariable: String? = nil, baseURL: String? = nil,
        environment: [String: String]
    ) throws(ProviderError) -> String? {
        func variable(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        let name = name ?? kind.rawValue
        let own = "TAU_" + name.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() + "_API_KEY"
        var explicit = [own]
        if let keyVariable, !keyVariable.isEmpty, keyVariable != own { explicit.append(keyVariable) }
        let kindsHost = baseURL.map { isSameBase($0, kind.defaultBaseURL) } ?? true
        let inherited = kindsHost ? kind.apiKeyVariables.filter { !explicit.contains($0) } : []
        // For a table named after its kind the environment wins over config.toml; a table with
        // a name of its own prefers its own key to the kind's.
        let before = name == kind.rawValue ? explicit + inherited : explicit
        let after = name == kind.rawValue ? [] : inherited
        for candidate in before {
            if let value = variable(candidate) { return value }
        }
        if let configured, !configured.isEmpty { return configured }
        for candidate in after {
            if let value = variable(candidate) { return value }
        }
        guard kind.requiresAPIKey else { return nil }
        let variables = (before + after).joined(separator: " or ")
        let note =
            kindsHost || kind.apiKeyVariables.allSatisfy(explicit.contains)
            ? ""
            : " (its base_url is not \(kind.rawValue)'s, so it does not read \(kind.apiKeyVariables.filter { !explicit.contains($0) }.joined(separator: " or ")); "
                + "name a variable with api_key_env to use one)"
        throw ProviderError(
            "provider_key_missing",
            "no API key for provider \(name): set \(variables), or api_key in [providers.\(name)] of config.toml\(note)",
            category: .unauthorized)
    }

    /// Whether two base URLs are the same, ignoring trailing `/` and the case of letters.
    static func isSameBase(_ first: String, _ second: String) -> Bool {
        func normalized(_ url: String) -> String {
            var url = url.lowercased()
            while url.hasSuffix("/") { url.removeLast() }
            return url
        }
        return normalized(first) == normalized(second)
    }
}
