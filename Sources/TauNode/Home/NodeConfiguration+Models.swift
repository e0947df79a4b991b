import Foundation

extension NodeConfiguration {
    /// `[providers.<name>]`: how to reach one provider. The name is a provider kind
    /// (`openai`, `anthropic`, `gemini`, `openrouter`, `deepseek`, `xai`, `mistral`,
    /// `groq`, `local`) or any name with `kind` set (e.g. `[providers.ollama] kind = "local"`).
    public struct Provider: Sendable, Equatable, Codable {
        public var kind: String?
        public var base_url: String?
        /// The provider's key. The environment wins for a table named after its kind; for a
        /// table with its own name, `TAU_<NAME>_API_KEY` then this key win over the kind's variables.
        /// A table whose `base_url` is not the kind's never reads the kind's usual variables.
        public var api_key: String?
        /// The environment variable holding the key, named explicitly: how a table with a
        /// `base_url` of its own may use a variable such as `OPENAI_API_KEY`.
        public var api_key_env: String?
        /// The wire format: `openai-chat` (default for OpenAI-compatible providers), `openai-responses`,
        /// `anthropic-messages` or `gemini` (defaults follow the kind).
        public var wire: String?
        /// Extra request headers.
        public var headers: [String: String]?
        /// OpenRouter `HTTP-Referer`: your site, for OpenRouter's rankings.
        public var site_url: String?
        /// OpenRouter `X-Title`: your app's name in the OpenRouter dashboard.
        public var site_name: String?
    }

    /// `[gateway]`: admission, retries and breakers of the model gateway.
    public struct Gateway: Sendable, Equatable, Codable {
        /// `keys` (default) or `localhost-dev` (no keys; only when the server binds loopback).
        public var auth: String?
        /// Calls per route before falling back, the first included (default 3).
        public var max_attempts: Int?
        /// First retry delay, doubled each retry (default `"500ms"`).
        public var retry_base_delay: String?
        /// Longest `Retry-After` waited for before moving on (default `"60s"`).
        public var max_retry_after: String?
        /// Consecutive failures that open a route's breaker (default 5).
        public var breaker_failures: Int?
        /// How long an open breaker waits before one probe (default `"30s"`).
        public var breaker_cooldown: String?
        /// Longest wait for an upstream's whole answer or stream head (default `"10m"`).
        public var request_timeout: String?
        /// Longest silence from an upstream (before its first byte, or inside a stream) before the
        /// call is abandoned (default: `request_timeout`).
        public var idle_timeout: String?
        /// The `max_tokens` sent with a call of a key with a budget that sets none (default 8192).
        public var budgeted_max_tokens: Int?
    }
}
