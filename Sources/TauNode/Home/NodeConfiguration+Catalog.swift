import Foundation
import TauProviders

extension NodeConfiguration {
    /// `[catalog]`: where the remote model catalog comes from, how long a fetched copy
    /// counts as fresh, and local corrections of single models.
    ///
    /// ```toml
    /// [catalog]
    /// url = "https://openrouter.ai/api/v1/models"
    /// ttl = "24h"
    ///
    /// [catalog.models."llama-4-scout"]
    /// context_window = 131072
    /// ```
    public struct Catalog: Sendable, Equatable, Codable {
        /// A model list in OpenRouter's `GET /api/v1/models` format. Unset: built-ins only.
        public var url: String?
        /// How long a fetched list stays fresh, e.g. `"24h"`, `"30m"` (at most 24 h). Default 24 h.
        public var ttl: String?
        /// `[catalog.models."<id>"]`: overrides by model id.
        public var models: [String: ModelOverride]?

        public init(url: String? = nil, ttl: String? = nil, models: [String: ModelOverride]? = nil) {
            self.url = url
            self.ttl = ttl
            self.models = models
        }

        /// The default `ttl`.
        public static let defaultTTL: Duration = .seconds(86_400)

        /// `ttl`, or the default when unset or unreadable (``validate(origin:)`` reports the latter).
        public var refreshInterval: Duration {
            ttl.flatMap { try? NodeConfiguration.duration($0) } ?? Catalog.defaultTTL
        }

        /// Checks `url`, `ttl` and every override's values.
        /// - Throws: ``NodeError`` `config_invalid`.
        public func validate(origin: String) throws(NodeError) {
            try validate(ConfigProblems(origin: origin, text: (try? String(contentsOfFile: origin, encoding: .utf8)) ?? ""))
        }

        func validate(_ problems: ConfigProblems) throws(NodeError) {
            if let url, !ConfigProblems.isHTTPURL(url) {
                throw problems.invalid(["catalog", "url"], "\(url) is not an http(s) URL")
            }
            if let ttl { try problems.duration(ttl, at: ["catalog", "ttl"]) }
            for (id, override) in (models ?? [:]).sorted(by: { $0.key < $1.key }) {
                do {
                    try override.validate(id: id)
                } catch {
                    throw problems.invalid(["catalog", "models", id], error.message, naming: false)
                }
            }
        }
    }
}
