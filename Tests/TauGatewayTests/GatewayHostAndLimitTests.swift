import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TauCore
import TauIdentity
import TauTesting
import Testing

@testable import TauGateway

/// Host checks on a loopback node, per-address limits on costly public routes, the inbox's
/// media type, and `/metrics` behind the operator token.
extension GatewayRouteTests {
    func application(_ dependencies: GatewayDependencies) -> some ApplicationProtocol {
        Application(router: Gateway.router(dependencies, logger: Logger(label: "test")))
    }

    @Test func aLoopbackNodeAnswersOnlyItsOwnNames() throws {
        let policy = try #require(HostPolicy.forBinding("127.0.0.1", publicURL: "https://node.example.org"))
        for (host, allowed) in [
            ("localhost:7420", true), ("LOCALHOST", true), ("127.0.0.1:7420", true), ("[::1]:7420", true), ("127.0.0.5", true),
            ("node.example.org", true), ("attacker.example:7420", false), ("127.0.0.1.nip.io", false), ("", false),
        ] {
            #expect(policy.allows(authority: host) == allowed, "Host \(host)")
        }
        #expect(HostPolicy.forBinding("0.0.0.0", publicURL: nil) == nil, "a node bound to every address answers any Host")
        #expect(HostPolicy.forBinding("192.0.2.10", publicURL: nil) == nil)
        #expect(HostPolicy.forBinding("localhost", publicURL: nil) != nil)
        #expect(HostPolicy.forBinding("::1", publicURL: nil) != nil)
    }

    /// Every route, not only `/v1`: in the router, before any route runs.
    @Test func refusedHostsGetAReasonCodeOnEveryRoute() async throws {
        var dependencies = try await fixture().dependencies
        // The test client always sends `Host: localhost`: a policy without it refuses.
        dependencies.hostPolicy = HostPolicy(allowedHosts: ["node.example.org"])
        try await application(dependencies).test(.router) { client in
            for uri in ["/healthz", "/.well-known/did.json", "/metrics", "/mesh/v1/inbox"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .forbidden, "\(uri)")
                    #expect(String(buffer: response.body).contains("host_not_allowed"))
                }
            }
        }
    }

    @Test func publicRoutesAreLimitedPerClientAddress() async throws {
        var dependencies = try await fixture().dependencies
        dependencies.clientLimit = RateLimit(capacity: 3, refillPerSecond: 0.001)
        let did = try await fixture().log.did
        try await application(dependencies).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                try await client.execute(uri: "/1.0/identifiers/\(did)", method: .get) { statuses.append($0.status) }
            }
            // The log route shares the address's bucket; other routes are not limited.
            try await client.execute(uri: "/mesh/v1/dids/\(did)/log", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
                #expect(String(buffer: response.body).contains("rate_limited"))
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 2, "\(statuses)")
        }
    }

    @Test func clientsAreCountedByIPv4AddressOrIPv6Slash64() {
        #expect(GatewayRequestContext.clientKey("192.0.2.7") == "192.0.2.7")
        #expect(GatewayRequestContext.clientKey("::ffff:192.0.2.7") == "192.0.2.7")
        #expect(GatewayRequestContext.clientKey("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(GatewayRequestContext.clientKey("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64")
        #expect(GatewayRequestContext.clientKey(nil) == "unknown")
    }

    @Test func theLogRouteServesTheStoredBytes() async throws {
        let fixture = try await fixture(rotations: 1)
        try await application(fixture).test(.router) { client in
            try await client.execute(uri: "/mesh/v1/dids/\(fixture.log.did)/log", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == fixture.log.log.jsonLines)
            }
        }
    }

    @Test func metricsCanRequireTheOperatorToken() async throws {
        var dependencies = try await fixture().dependencies
        dependencies.metricsRequireOperator = true
        try await application(dependencies).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer secret-token"]) {
                #expect($0.status == .ok)
            }
        }
    }
}
