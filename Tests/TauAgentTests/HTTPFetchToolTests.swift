import Foundation
import Hummingbird
import NIOCore
import TauCore
import TauIdentity
import TauTesting
import Testing

@testable import TauAgent

/// `http_fetch` against a real server on 127.0.0.1, through the node's policed client.
struct HTTPFetchToolTests {
    static let page = """
        <!DOCTYPE html><html><head><title>Tau &amp; friends</title>
        <style>body { color: red; }</style><script>var x = "<p>not text</p>";</script></head>
        <body><h1>Hello</h1><p>One   paragraph,
        two lines &mdash; &quot;quoted&quot; &#233;t&#xE9;.</p><!-- a comment --><ul><li>first</li><li>second</li></ul></body></html>
        """

    /// Serves a page, plain text, a binary, a long body and redirect chains, counting hits.
    func withServer(_ body: @escaping @Sendable (_ base: String, _ hits: HitCounter) async throws -> Void) async throws {
        let hits = HitCounter()
        let router = Router()
        func reply(_ path: RouterPath, status: HTTPResponse.Status = .ok, type: String = "text/plain", location: String? = nil, _ text: String) {
            router.on(path, method: .get) { request, _ -> Response in
                await hits.hit(request.uri.path)
                var headers: HTTPFields = [.contentType: type]
                if let location { headers[.location] = location }
                return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
        reply("page", type: "text/html; charset=utf-8", Self.page)
        router.on("page", method: .head) { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/html", .contentLength: "999"])
        }
        reply("notes", "plain text\n")
        reply("image", type: "image/png", "\u{89}PNG\r\n")
        reply("big", String(repeating: "x", count: 10_000))
        reply("r1", status: .found, location: "/r2", "")
        reply("r2", status: .movedPermanently, location: "r3", "")
        reply("r3", status: .temporaryRedirect, location: "PLACEHOLDER/page#section", "")
        reply("loop", status: .found, location: "/loop", "")
        reply("metadata", status: .found, location: "http://169.254.169.254/latest/meta-data/", "")
        reply("ftp", status: .found, location: "ftp://example.com/file", "")
        reply("missing", status: .notFound, "no such page")
        try await StaticHTTPServer.serve(router) { base in try await body(base, hits) }
    }

    func context(_ http: (any OutboundHTTP)?) throws -> (TemporaryDirectory, ToolContext) {
        let directory = try TemporaryDirectory()
        return (directory, ToolContext(paths: try PathPolicy(workspace: directory.path, protected: []), http: http))
    }

    @Test func htmlBecomesReadableText() {
        #expect(
            HTMLText.text(from: Self.page) == """
                Tau & friends

                Hello

                One paragraph, two lines — "quoted" été.

                - first
                - second
                """)
        #expect(HTMLText.text(from: "a < b && c &unknown; &#0; <3 <SCRIPT>x</script >y") == "a < b && c &unknown; \u{FFFD} <3 y")
        #expect(HTMLText.text(from: "<td>1</td><td>2</td><br/><a href='x>y'>link</a>") == "1 2\nlink")
    }

    @Test func fetchesPagesTextAndDescribesBinaries() async throws {
        try await withServer { base, _ in
            let (directory, context) = try context(PolicedHTTPClient.loopback)
            defer { directory.remove() }
            let tool = HTTPFetchTool()
            let page = try await tool.run(["url": .string(base + "/page")], in: context)
            #expect(page.text.hasPrefix("HTTP 200 \(base)/page\ncontent-type: text/html; charset=utf-8\n\nTau & friends\n\nHello\n"), "\(page.text)")
            #expect(!page.text.contains("not text"))
            #expect(page.details["status"] == 200)
            #expect(try await tool.run(["url": .string(base + "/notes")], in: context).text.hasSuffix("\n\nplain text\n"))
            let image = try await tool.run(["url": .string(base + "/image")], in: context)
            #expect(image.text.hasSuffix("\n\n[image/png content, 7 bytes, not shown]"), "\(image.text)")
            let head = try await tool.run(["url": .string(base + "/page"), "method": "HEAD"], in: context)
            #expect(head.text == "HTTP 200 \(base)/page\ncontent-type: text/html\ncontent-length: 999")
            let missing = try await tool.run(["url": .string(base + "/missing")], in: context)
            #expect(missing.text.hasPrefix("HTTP 404 "), "a 404 is an answer, not a failure")
            #expect(tool.isParallelSafe)
        }
    }

    @Test func followsRedirectsThroughThePolicyEachHop() async throws {
        try await withServer { base, hits in
            let (directory, context) = try context(PolicedHTTPClient.loopback)
            defer { directory.remove() }
            let tool = HTTPFetchTool()
            // r3 redirects to an absolute URL: the test server's own address.
            let chain = try await tool.run(["url": .string(base + "/r1")], in: RedirectFixture.rewriting(context, base: base))
            #expect(chain.text.hasPrefix("HTTP 200 \(base)/page\n"), "\(chain.text)")
            #expect(chain.details["redirects"] == 3)
            #expect(await hits.count("/page") == 1)
            #expect(await thrownCode { _ = try await tool.run(["url": .string(base + "/loop")], in: context) } == "http_too_many_redirects")
            #expect(await hits.count("/loop") == 6)
            // The cloud metadata address is refused on the hop that names it, before any packet.
            #expect(await thrownCode { _ = try await tool.run(["url": .string(base + "/metadata")], in: context) } == "outbound_address_refused")
            #expect(await thrownCode { _ = try await tool.run(["url": .string(base + "/ftp")], in: context) } == "http_redirect_refused")
        }
    }

    @Test func refusalsKeepTheirCodes() async throws {
        try await withServer { base, hits in
            let (directory, strict) = try context(PolicedHTTPClient(policy: .publicOnly))
            defer { directory.remove() }
            let tool = HTTPFetchTool()
            do throws(AgentError) {
                _ = try await tool.run(["url": .string(base + "/page")], in: strict)
                Issue.record("loopback was fetched under the public-only policy")
            } catch {
                #expect(error.code == "outbound_address_refused")
                #expect(error.message.contains("127.0.0.1"), "\(error.message)")
            }
            #expect(await hits.count("/page") == 0)
            let (other, context) = try context(PolicedHTTPClient.loopback)
            defer { other.remove() }
            #expect(await thrownCode { _ = try await tool.run(["url": .string(base + "/big"), "max_bytes": 1000], in: context) } == "outbound_response_too_large")
            #expect(try await tool.run(["url": .string(base + "/big"), "max_bytes": 10_000], in: context).details["bytes"] == 10_000)
            #expect(await thrownCode { _ = try await tool.run(["url": "file:///etc/passwd"], in: context) } == "http_url_invalid")
            #expect(await thrownCode { _ = try await tool.run(["url": .string(base + "/page"), "method": "POST"], in: context) } == "tool_arguments_invalid")
            let (offline, none) = try self.context(nil)
            defer { offline.remove() }
            #expect(await thrownCode { _ = try await tool.run(["url": .string(base + "/page")], in: none) } == "tool_unavailable")
        }
    }
}

/// Counts requests by path.
actor HitCounter {
    private var counts: [String: Int] = [:]
    func hit(_ path: String) { counts[path, default: 0] += 1 }
    func count(_ path: String) -> Int { counts[path] ?? 0 }
}

/// The server cannot know its own port when its routes are declared, so the absolute
/// redirect holds a placeholder that this client fills in on the way back.
struct RedirectFixture: OutboundHTTP {
    let inner: any OutboundHTTP
    let base: String

    static func rewriting(_ context: ToolContext, base: String) -> ToolContext {
        var context = context
        context.http = context.http.map { RedirectFixture(inner: $0, base: base) }
        return context
    }

    func send(_ request: OutboundRequest) async throws(OutboundError) -> OutboundResponse {
        var response = try await inner.send(request)
        response.headers = response.headers.map { header in
            (header.name, header.value.replacingOccurrences(of: "PLACEHOLDER", with: base))
        }
        return response
    }
}
