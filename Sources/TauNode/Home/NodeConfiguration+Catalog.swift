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
            if let url {
                guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                    throw NodeError("config_invalid", "\(origin): catalog.url \(url) is not an http(s) URL")
                }
            }
            if let ttl {
                do {
                    _ = try NodeConfiguration.duration(ttl)
                } catch {
                    throw NodeError("config_invalid", "\(origin): catalog.ttl: \(error.message)")
                }
            }
            for (id, override) in (models ?? [:]).sorted(by: { $0.key < $1.key }) {
                do {
                    try override.validate(id: id)
                } catch {
                    throw NodeError("config_invalid", "\(origin): \(error.message)")
                }
            }
        }
    }
}
