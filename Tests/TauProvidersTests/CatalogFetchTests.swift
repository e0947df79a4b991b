import Foundation
import Hummingbird
import NIOCore
import TauCore
import TauIdentity
import TauTesting
import Testing

@testable import TauProviders

/// ``RemoteCatalogFetcher`` against a real HTTP server speaking OpenRouter's `GET /api/v1/models`.
@Suite struct CatalogFetchTests {
    /// What the fake server saw.
    actor Seen {
        var requests: [(method: String, path: String, accept: String?, userAgent: String?)] = []
        func record(_ method: String, _ path: String, _ accept: String?, _ userAgent: String?) {
            requests.append((method, path, accept, userAgent))
        }
    }

    /// Serves `/api/v1/models` with `status` and `body` (after `delay`) and runs `test` with a
    /// fetcher, the list URL and the request log; the HTTP client is shut down afterwards.
    func withOpenRouter<T: Sendable>(
        status: HTTPResponse.Status = .ok, body: [UInt8], delay: Duration = .zero, timeout: Duration = .seconds(30),
        maximumBodyBytes: Int = 32 << 20,
        _ test: @escaping @Sendable (RemoteCatalogFetcher, String, Seen) async throws -> T
    ) async throws -> T {
        let seen = Seen()
        let router = Router()
        router.get("/api/v1/models") { request, _ -> Response in
            await seen.record(
                request.method.rawValue, request.uri.path, request.headers[.accept], request.headers[.userAgent])
            if delay > .zero { try await Task.sleep(for: delay) }
            return Response(
                status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        return try await StaticHTTPServer.serve(router) { baseURL in
            let fetcher = RemoteCatalogFetcher(http: PolicedHTTPClient.loopback, timeout: timeout, maximumBodyBytes: maximumBodyBytes)
            return try await test(fetcher, baseURL + "/api/v1/models", seen)
        }
    }

    func code(_ body: () async throws -> Void) async -> String? { await thrownCode(body) }

    @Test func fetchesAndParsesTheList() async throws {
        let fixture = try CatalogMergeTests.fixture()
        try await withOpenRouter(body: fixture) { fetcher, url, seen in
            let remote = try await fetcher.fetch(url)
            #expect(remote.entries.count == 6)
            #expect(remote.skipped == 1)
            #expect(remote.entries.contains { $0.id == "openrouter/openai/gpt-5.2" && $0.inputPricePerMillion == .usd(1_750_000) })
            let requests = await seen.requests
            #expect(requests.count == 1)
            #expect(requests.first?.method == "GET")
            #expect(requests.first?.path == "/api/v1/models")
            #expect(requests.first?.accept == "application/json")
            #expect(requests.first?.userAgent == "tau-node")
            // The outbound policy applies: loopback is refused unless allowed.
            let refused = await code { _ = try await RemoteCatalogFetcher(http: PolicedHTTPClient(policy: .publicOnly)).fetch(url) }
            #expect(refused == "catalog_unreachable")
        }
    }

    @Test func serverErrorsAndBrokenBodiesAreReported() async throws {
        try await withOpenRouter(status: .serviceUnavailable, body: Array("{\"error\":{\"message\":\"busy\"}}".utf8)) { fetcher, url, _ in
            #expect(await code { _ = try await fetcher.fetch(url) } == "catalog_unreachable")
        }
        try await withOpenRouter(body: Array("<html>maintenance</html>".utf8)) { fetcher, url, _ in
            #expect(await code { _ = try await fetcher.fetch(url) } == "catalog_invalid")
        }
        try await withOpenRouter(body: try CatalogMergeTests.fixture(), maximumBodyBytes: 512) { fetcher, url, _ in
            #expect(await code { _ = try await fetcher.fetch(url) } == "catalog_invalid")
        }
        try await withOpenRouter(body: Array("{\"data\":[]}".utf8)) { fetcher, url, _ in
            #expect(await code { _ = try await fetcher.fetch(url.replacingOccurrences(of: "/models", with: "/nothing")) } == "catalog_unreachable")
        }
    }

    @Test func slowOrAbsentServersAreUnreachable() async throws {
        try await withOpenRouter(body: Array("{\"data\":[]}".utf8), delay: .seconds(2), timeout: .milliseconds(200)) { fetcher, url, _ in
            let started = ContinuousClock.now
            #expect(await code { _ = try await fetcher.fetch(url) } == "catalog_unreachable")
            #expect(ContinuousClock.now - started < .seconds(2))
        }
        let fetcher = RemoteCatalogFetcher(http: PolicedHTTPClient.loopback, timeout: .seconds(5))
        // Port 1 on loopback: nothing listens there, so the connection is refused, at once
        // (a refused connection is not retried until the deadline).
        let started = ContinuousClock.now
        let refused = await code { _ = try await fetcher.fetch("http://127.0.0.1:1/api/v1/models") }
        #expect(ContinuousClock.now - started < .seconds(5))
        let notHTTP = await code { _ = try await fetcher.fetch("ftp://openrouter.ai/api/v1/models") }
        #expect(refused == "catalog_unreachable")
        #expect(notHTTP == "catalog_url_invalid")
    }
}
