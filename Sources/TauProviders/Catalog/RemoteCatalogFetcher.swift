import Foundation
import TauCore

/// Downloads a remote catalog (OpenRouter `GET /api/v1/models` format) through the node's
/// outbound client, so the catalog URL is held to the same address policy as every fetch.
public struct RemoteCatalogFetcher: Sendable {
    /// OpenRouter's public model list; it needs no API key.
    public static let openRouterURL = "https://openrouter.ai/api/v1/models"

    /// Sends the request, under the node's outbound address policy.
    public let http: any OutboundHTTP
    /// Longest wait for the whole answer.
    public var timeout: Duration
    /// Largest body read (OpenRouter's full list is a few megabytes).
    public var maximumBodyBytes: Int

    public init(http: any OutboundHTTP, timeout: Duration = .seconds(30), maximumBodyBytes: Int = 32 << 20) {
        self.http = http
        self.timeout = timeout
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Fetches and parses the list at `url`.
    /// - Throws: `catalog_url_invalid` for a non-http(s) URL; `catalog_unreachable` when the
    ///   server cannot be reached in time, its address is refused by the outbound policy, or
    ///   it answers other than 2xx; `catalog_invalid` for a body that is too large or not a
    ///   model list.
    public func fetch(_ url: String) async throws(ProviderError) -> RemoteCatalog {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil
        else {
            throw ProviderError("catalog_url_invalid", "\(url) is not an http(s) URL")
        }
        let response: OutboundResponse
        do throws(OutboundError) {
            response = try await http.get(url, accept: "application/json", maximumBytes: maximumBodyBytes, timeout: timeout)
        } catch {
            if error.isResponseTooLarge {
                throw ProviderError(
                    "catalog_invalid", "the remote catalog at \(url) is larger than \(maximumBodyBytes) bytes", category: .unavailable,
                    cause: error)
            }
            throw ProviderError("catalog_unreachable", "cannot fetch \(url): \(error.message) (\(error.code))", category: .unavailable, cause: error)
        }
        guard (200..<300).contains(response.status) else {
            throw ProviderError("catalog_unreachable", "\(url) answered HTTP \(response.status)", category: .unavailable)
        }
        return try RemoteCatalog.parse(response.body)
    }
}
