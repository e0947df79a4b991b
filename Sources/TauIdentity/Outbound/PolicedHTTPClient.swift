import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TauCore

/// ``OutboundHTTP`` over async-http-client, under an ``OutboundPolicy``.
///
/// For every request: the URL must be http(s); the host is resolved (an address literal is
/// taken as is); every address is judged by the policy and the first allowed one is used —
/// none allowed is `outbound_address_refused`. The connection goes to exactly that address
/// (async-http-client's DNS override, which keeps the host name for TLS and `Host`), so a
/// name that resolves differently a moment later (DNS rebinding) changes nothing. Redirects
/// are never followed. Failures are reported with reason codes and the host, not the
/// transport's text.
public struct PolicedHTTPClient: OutboundHTTP {
    public let policy: OutboundPolicy
    let resolveHost: @Sendable (String) async throws -> [IPAddress]
    let logger: Logger

    /// - Parameters:
    ///   - policy: which addresses may be reached.
    ///   - resolveHost: name resolution; the system resolver (getaddrinfo) unless a test
    ///     stands in a name that resolves where it wants.
    public init(
        policy: OutboundPolicy, logger: Logger = Logger(label: "tau.outbound"),
        resolveHost: @escaping @Sendable (String) async throws -> [IPAddress] = HostResolution.addresses(of:)
    ) {
        self.policy = policy
        self.logger = logger
        self.resolveHost = resolveHost
    }

    public func send(_ outbound: OutboundRequest) async throws(OutboundError) -> OutboundResponse {
        let (host, port) = try Self.destination(of: outbound.url)
        let address = try await checkedAddress(host: host)
        var request = HTTPClientRequest(url: outbound.url)
        request.method = HTTPMethod(rawValue: outbound.method)
        for (name, value) in outbound.headers { request.headers.add(name: name, value: value) }
        if let body = outbound.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let client = await PinnedClients.shared.client(host: host, address: IPAddress(host) == nil ? address : nil)
        let place = "\(host):\(port)"
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(outbound.timeout.timeInterval * 1_000_000_000)))
            let body = try await response.body.collect(upTo: outbound.maximumResponseBytes)
            return OutboundResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Array(buffer: body))
        } catch is NIOTooManyBytesError {
            throw OutboundError.responseTooLarge(
                "\(place) answered with more than \(outbound.maximumResponseBytes) bytes")
        } catch {
            logger.debug("outbound request failed", metadata: ["to": "\(place)", "error": "\(error)"])
            if Self.isTimeout(error) {
                throw OutboundError("outbound_timeout", "\(place) did not answer in time", cause: error)
            }
            throw OutboundError("outbound_connect_failed", "the exchange with \(place) failed", cause: error)
        }
    }

    /// The address to connect to for `host`, after the policy has judged it.
    func checkedAddress(host: String) async throws(OutboundError) -> IPAddress {
        let candidates: [IPAddress]
        if let literal = IPAddress(host) {
            candidates = [literal]
        } else {
            do {
                candidates = try await resolveHost(host)
            } catch {
                throw OutboundError("outbound_dns_failed", "\(host) does not resolve", cause: error)
            }
            guard !candidates.isEmpty else { throw OutboundError("outbound_dns_failed", "\(host) does not resolve") }
        }
        if let allowed = candidates.first(where: { policy.refusal(for: $0) == nil }) { return allowed }
        let reason = policy.refusal(for: candidates[0]) ?? "special"
        throw OutboundError.addressRefused(
            "\(host) is a \(reason) address, which this node does not connect to (allow it in [outbound] allow)")
    }

    /// Host and port of an http(s) URL.
    static func destination(of url: String) throws(OutboundError) -> (host: String, port: Int) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let rawHost = parsed.host, !rawHost.isEmpty, parsed.user == nil, parsed.password == nil
        else {
            throw OutboundError("outbound_url_invalid", "\(url.prefix(200)) is not an http(s) URL with a host", category: .invalidInput)
        }
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        return (host.lowercased(), parsed.port ?? (scheme == "https" ? 443 : 80))
    }

    static func isTimeout(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError {
            return [HTTPClientError.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(client)
        }
        if case ChannelError.connectTimeout? = error as? ChannelError { return true }
        return false
    }
}

/// The system resolver, run off the cooperative pool.
public enum HostResolution {
    /// Every address `host` resolves to (A and AAAA), in the resolver's order.
    @Sendable public static func addresses(of host: String) async throws -> [IPAddress] {
        try await Task.detached {
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            #else
            hints.ai_socktype = SOCK_STREAM
            #endif
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            guard status == 0, let first = list else { throw OutboundError("outbound_dns_failed", "\(host) does not resolve") }
            defer { freeaddrinfo(first) }
            var addresses: [IPAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let socketAddress = entry.pointee.ai_addr {
                    switch Int32(entry.pointee.ai_family) {
                    case AF_INET:
                        let bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                            withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                        }
                        if let address = IPAddress(bytes: bytes), !addresses.contains(address) { addresses.append(address) }
                    case AF_INET6:
                        let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                            withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                        }
                        if let address = IPAddress(bytes: bytes), !addresses.contains(address) { addresses.append(address) }
                    default: break
                    }
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }.value
    }
}

/// async-http-client clients, one per (host name, checked address) pair, so connections are
/// pooled per destination while each goes only to the address that was checked. Process-wide
/// like `HTTPClient.shared`: never deinitialised; clients it drops are shut down.
actor PinnedClients {
    static let shared = PinnedClients()
    static let maximumClients = 64

    /// For address literals: no name, nothing to pin.
    static let direct = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(dnsOverride: [:]))

    private var clients: [String: (client: HTTPClient, used: UInt64)] = [:]
    private var uses: UInt64 = 0

    static func configuration(dnsOverride: [String: String]) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(2), read: .seconds(30)))
        configuration.dnsOverride = dnsOverride
        // A refused connection fails at once instead of being retried until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    /// The client for `host`, connecting to `address` (nil: the host is itself an address).
    func client(host: String, address: IPAddress?) -> HTTPClient {
        guard let address else { return Self.direct }
        uses += 1
        let key = "\(host)|\(address)"
        if let entry = clients[key] {
            clients[key] = (entry.client, uses)
            return entry.client
        }
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: Self.configuration(dnsOverride: [host: address.description]))
        clients[key] = (client, uses)
        if clients.count > Self.maximumClients, let oldest = clients.min(by: { $0.value.used < $1.value.used }) {
            clients[oldest.key] = nil
            // The least recently used of 64 destinations; a request still running on it
            // (rare) fails as `outbound_connect_failed`.
            Task { try? await oldest.value.client.shutdown() }
        }
        return client
    }
}
