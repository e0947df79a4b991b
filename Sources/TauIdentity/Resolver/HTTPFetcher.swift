import AsyncHTTPClient
import Foundation
import NIOCore
import TauCore

/// A minimal HTTP GET used by resolution, so tests and other transports can stand in.
public protocol HTTPFetcher: Sendable {
    /// GETs `url`; returns the status and at most `maximumBytes` of body.
    /// - Throws: ``IdentityError`` `fetch_failed` (unreachable, timeout) or `response_too_large`.
    func get(_ url: String, accept: String, maximumBytes: Int) async throws(IdentityError) -> (status: Int, body: [UInt8])
}

/// ``HTTPFetcher`` over async-http-client.
public struct AsyncHTTPFetcher: HTTPFetcher {
    let client: HTTPClient
    let timeout: TimeAmount

    /// A process-wide client with a short connect timeout: async-http-client keeps
    /// retrying a refused connection until the connect timeout, and a dead peer
    /// should cost two seconds, not ten. Like `HTTPClient.shared`, it lives as long
    /// as the process and needs no shutdown.
    public static let sharedClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(2), read: .seconds(30))))

    /// - Parameters:
    ///   - client: defaults to ``sharedClient``.
    ///   - timeout: whole-request deadline.
    public init(client: HTTPClient = AsyncHTTPFetcher.sharedClient, timeout: Duration = .seconds(10)) {
        self.client = client
        let (seconds, attoseconds) = timeout.components
        self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    public func get(_ url: String, accept: String, maximumBytes: Int) async throws(IdentityError) -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "tau-node")
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: maximumBytes)
            return (Int(response.status.code), Array(buffer: body))
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw IdentityError("response_too_large", "\(url) answered with more than \(maximumBytes) bytes", category: .unavailable)
        } catch {
            throw IdentityError("fetch_failed", "GET \(url) failed: \(error)", category: .unavailable)
        }
    }
}
