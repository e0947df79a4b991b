import Foundation
import Hummingbird
import TauCore

/// Which `Host` headers the node answers. A node bound to loopback is meant for programs on
/// this machine (and a reverse proxy in front of it): a web page the operator visits could
/// otherwise reach it by pointing a name of its own at 127.0.0.1 (DNS rebinding) and read
/// or spend through it. Such a node answers only requests whose `Host` is a loopback name or
/// the host of its public URL.
public struct HostPolicy: Sendable, Equatable {
    /// Host names (lower case, without port) the node answers to.
    public var allowedHosts: Set<String>

    public init(allowedHosts: Set<String>) {
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
    }

    /// The policy for a node bound to `bindHost`: nil (any Host) unless the bind address is
    /// loopback; then loopback names plus the host of `publicURL`.
    public static func forBinding(_ bindHost: String, publicURL: String?) -> HostPolicy? {
        let isLoopback = bindHost.lowercased() == "localhost" || IPAddress(bindHost).map(isLoopbackAddress) == true
        guard isLoopback else { return nil }
        var hosts = HostPolicy.loopback.allowedHosts
        if let publicHost = publicURL.flatMap({ URL(string: $0)?.host }) {
            hosts.insert(publicHost.hasPrefix("[") ? String(publicHost.dropFirst().dropLast()) : publicHost)
        }
        return HostPolicy(allowedHosts: hosts)
    }

    /// Loopback names and addresses only.
    public static let loopback = HostPolicy(allowedHosts: ["localhost", "127.0.0.1", "::1"])

    static func isLoopbackAddress(_ address: IPAddress) -> Bool {
        OutboundPolicy.allowingLoopback.allowed.contains { $0.contains(address) }
    }

    /// Whether a request with this `Host` (authority, maybe with a port) is answered.
    public func allows(authority: String) -> Bool {
        var host = Substring(authority)
        if host.hasPrefix("[") {
            host = host.dropFirst().prefix { $0 != "]" }
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        let name = host.lowercased()
        if allowedHosts.contains(name) { return true }
        // Any 127.x.y.z literal is this machine too.
        return IPAddress(name).map(Self.isLoopbackAddress) ?? false
    }
}

/// Refuses requests whose `Host` the ``HostPolicy`` does not allow (403 `host_not_allowed`),
/// before any route runs.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: HostPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard policy.allows(authority: request.head.authority ?? "") else {
            throw GatewayError(
                status: .forbidden, code: "host_not_allowed",
                message: "this node answers only requests addressed to its own names (Host: a loopback name or its public URL's host)")
        }
        return try await next(request, context)
    }
}

/// Limits routes that cost the node work for anyone who asks (resolution, log serving) per
/// client address, in process memory: 429 `rate_limited` with `Retry-After`.
struct ClientAddressLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let limiter: any RateLimiter
    let limit: RateLimit
    let now: @Sendable () -> Date
    /// Path prefixes limited.
    static let limitedPrefixes = ["/1.0/identifiers/", "/mesh/v1/dids/"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard Self.limitedPrefixes.contains(where: { path.hasPrefix($0) }) else { return try await next(request, context) }
        let decision = try await limiter.take("http/address/" + context.clientAddress, limit: limit, at: now())
        if case .refused(let retryAfter) = decision {
            throw GatewayError(
                status: .tooManyRequests, code: "rate_limited",
                message: "too many requests from \(context.clientAddress); retry in \(Int(retryAfter.rounded(.up))) s",
                headers: [.retryAfter: String(Int(retryAfter.rounded(.up)))])
        }
        return try await next(request, context)
    }
}
