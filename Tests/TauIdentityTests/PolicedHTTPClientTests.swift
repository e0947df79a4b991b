import Foundation
import Hummingbird
import NIOCore
import TauCore
import TauTesting
import Testing

@testable import TauIdentity

/// The outbound policy against a real server on 127.0.0.1.
struct PolicedHTTPClientTests {
    /// Serves `/ok` (200 with the Host header it was sent), `/redirect` (302 to `/ok`), counting hits.
    func withServer(_ body: @escaping @Sendable (_ port: Int, _ counter: RequestCounter) async throws -> Void) async throws {
        let counter = RequestCounter()
        let router = Router()
        router.get("ok") { request, _ -> Response in
            await counter.hit("/ok")
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: request.head.authority ?? "")))
        }
        router.get("redirect") { _, _ -> Response in
            await counter.hit("/redirect")
            return Response(status: .found, headers: [.location: "/ok"])
        }
        try await StaticHTTPServer.serve(router) { base in
            try await body(Int(base.split(separator: ":").last ?? "") ?? 0, counter)
        }
    }

    func code(_ body: () async throws -> Void) async -> String? { await thrownCode(body) }

    @Test func loopbackIsRefusedBeforeAnyPacketUnlessAllowed() async throws {
        try await withServer { port, counter in
            let strict = PolicedHTTPClient(policy: .publicOnly)
            for url in ["http://127.0.0.1:\(port)/ok", "http://[::ffff:127.0.0.1]:\(port)/ok", "http://localhost:\(port)/ok"] {
                #expect(await code { _ = try await strict.get(url, accept: "*/*", maximumBytes: 1024) } == "outbound_address_refused", "\(url)")
            }
            #expect(await counter.count("/ok") == 0)
            let allowed = try await PolicedHTTPClient.loopback.get("http://127.0.0.1:\(port)/ok", accept: "*/*", maximumBytes: 1024)
            #expect(allowed.status == 200)
            #expect(await counter.count("/ok") == 1)
        }
    }

    @Test func aNameIsJudgedByWhatItResolvesToAndPinnedToTheCheckedAddress() async throws {
        try await withServer { port, counter in
            // A name whose records point inside: refused.
            let inside = PolicedHTTPClient(policy: .allowingLoopback, resolveHost: { _ in [IPAddress("10.0.0.7")!] })
            #expect(await code { _ = try await inside.get("http://intranet.test:\(port)/ok", accept: "*/*", maximumBytes: 1024) } == "outbound_address_refused")
            // Of several records, the connection goes to the allowed one, under the original
            // name (Host), although the name exists in no real DNS: no second lookup happens.
            let lookups = RequestCounter()
            let mixed = PolicedHTTPClient(
                policy: .allowingLoopback,
                resolveHost: { name in
                    await lookups.hit(name)
                    return [IPAddress("169.254.169.254")!, IPAddress("127.0.0.1")!]
                })
            let response = try await mixed.get("http://rebind.test:\(port)/ok", accept: "*/*", maximumBytes: 1024)
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "rebind.test:\(port)")
            #expect(await lookups.count("rebind.test") == 1)
            #expect(await counter.count("/ok") == 1)
        }
    }

    @Test func redirectsAreNotFollowedAndFailuresCarryNoTransportText() async throws {
        try await withServer { port, counter in
            let client = PolicedHTTPClient.loopback
            let redirect = try await client.get("http://127.0.0.1:\(port)/redirect", accept: "*/*", maximumBytes: 1024)
            #expect(redirect.status == 302)
            #expect(await counter.count("/ok") == 0)
            let big = await code { _ = try await client.get("http://127.0.0.1:\(port)/ok", accept: "*/*", maximumBytes: 3) }
            #expect(big == "outbound_response_too_large")
        }
        try await RefusingPort.with { closed in
            do throws(OutboundError) {
                _ = try await PolicedHTTPClient.loopback.get("http://127.0.0.1:\(closed)/", accept: "*/*", maximumBytes: 1024)
                Issue.record("a closed port answered")
            } catch {
                #expect(error.code == "outbound_connect_failed")
                #expect(!error.message.lowercased().contains("refused") && !error.message.contains("errno"), "\(error.message)")
                #expect(error.cause != nil)
            }
        }
        #expect(await code { _ = try await PolicedHTTPClient.loopback.get("ftp://127.0.0.1/", accept: "*/*", maximumBytes: 1) } == "outbound_url_invalid")
        #expect(await code { _ = try await PolicedHTTPClient.loopback.get("http://user:pw@127.0.0.1/", accept: "*/*", maximumBytes: 1) } == "outbound_url_invalid")
    }
}
