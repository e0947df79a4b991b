import AsyncHTTPClient
import Foundation
import NIOCore
import TauCore

/// Downloads a remote catalog (OpenRouter `GET /api/v1/models` format) over async-http-client.
public struct RemoteCatalogFetcher: Sendable {
    /// OpenRouter's public model list; it needs no API key.
    public static let openRouterURL = "https://openrouter.ai/api/v1/models"

    /// The client to use; nil makes one per fetch (see ``fetch(_:)``).
    public let client: HTTPClient?
    /// Longest wait for the whole answer.
    public var timeout: Duration
    /// Longest wait for the connection, when the fetcher makes its own client.
    public var connectTimeout: Duration
    /// Largest body read (OpenRouter's full list is a few megabytes).
    public var maximumBodyBytes: Int

    public init(
        client: HTTPClient? = nil, timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
        maximumBodyBytes: Int = 32 << 20
    ) {
        self.client = client
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Fetches and parses the list at `url`. Without an injected client, a client is made for
    /// this one request and shut down after it; it does not retry refused connections (a
    /// shared client would keep retrying them until the deadline), so a server that is down
    /// fails at once.
    /// - Throws: `catalog_url_invalid` for a non-http(s) URL; `catalog_unreachable` when the
    ///   server cannot be reached in time or answers other than 2xx; `catalog_invalid` for a
    ///   body that is too large or not a model list.
    public func fetch(_ url: String) async throws(ProviderError) -> RemoteCatalog {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil
        else {
            throw ProviderError("catalog_url_invalid", "\(url) is not an http(s) URL")
        }
        if let client { return try await fetch(url, with: client) }
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .nanoseconds(connectTimeout.nanoseconds)
        configuration.timeout.read = .nanoseconds(timeout.nanoseconds)
        configuration.connectionPool.retryConnectionEstablishment = false
        let own = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result: Result<RemoteCatalog, ProviderError>
        do {
            result = .success(try await fetch(url, with: own))
        } catch {
            result = .failure(error)
        }
        try? await own.shutdown()
        return try result.get()
    }

    private func fetch(_ url: String, with client: HTTPClient) async throws(ProviderError) -> RemoteCatalog {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "tau-node")
        let bytes: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            guard (200..<300).contains(response.status.code) else {
                throw ProviderError(
                    "catalog_unreachable", "\(url) answered HTTP \(response.status.code)", category: .unavailable)
            }
            bytes = try await response.body.collect(upTo: maximumBodyBytes)
        } catch let error as ProviderError {
            throw error
        } catch is NIOTooManyBytesError {
            throw ProviderError(
                "catalog_invalid", "the remote catalog at \(url) is larger than \(maximumBodyBytes) bytes", category: .unavailable)
        } catch {
            let failure = UpstreamHTTP.failure(for: error)
            throw ProviderError("catalog_unreachable", "cannot fetch \(url): \(failure.message)", category: .unavailable)
        }
        return try RemoteCatalog.parse(bytes.readableBytesView)
    }
}
