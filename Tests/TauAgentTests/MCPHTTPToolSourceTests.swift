import Foundation
import HTTPTypes
import Hummingbird
import MCP
import NIOCore
import TauAgent
import TauCore
import TauIdentity
import TauTesting
import Testing

/// MCPToolSource against a real streamable HTTP MCP server on 127.0.0.1 (the SDK's stateless
/// server transport behind Hummingbird), reached through the node's policed HTTP client.
@Suite struct MCPHTTPToolSourceTests {
    /// Serves an MCP server with an `echo` tool at `/mcp` while `body` runs; requests without
    /// the expected bearer token are refused. With `eventStream`, each JSON answer is sent as
    /// an event stream instead, as streamable HTTP servers may.
    func withServer<T: Sendable>(eventStream: Bool = false, _ body: @escaping @Sendable (_ url: String) async throws -> T) async throws -> T {
        let server = MCP.Server(name: "http-test", version: "1.0.0", capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: [
                Tool(
                    name: "echo", description: "Returns its text.",
                    inputSchema: ["type": "object", "properties": ["text": ["type": "string"]]], annotations: .init(readOnlyHint: true))
            ])
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            CallTool.Result(content: [.text(text: parameters.arguments?["text"]?.stringValue ?? "", annotations: nil, _meta: nil)])
        }
        let transport = StatelessHTTPServerTransport()
        try await server.start(transport: transport)
        let router = Router()
        router.post("mcp") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer test-token" else { return Response(status: .unauthorized) }
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = await transport.handleRequest(
                MCP.HTTPRequest(method: "POST", headers: headers, body: Data(body.readableBytesView), path: "/mcp"))
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let field = HTTPField.Name(name) { fields[field] = value }
            }
            var bytes = answer.bodyData ?? Data()
            if eventStream, answer.statusCode == 200, !bytes.isEmpty {
                fields[.contentType] = "text/event-stream"
                bytes = Data((": a comment\r\nevent: message\r\nid: 1\r\ndata: " + String(decoding: bytes, as: UTF8.self) + "\r\n\r\n").utf8)
            }
            return Response(status: .init(code: answer.statusCode), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        defer { Task { await server.stop() } }
        return try await StaticHTTPServer.serve(router) { baseURL in try await body(baseURL + "/mcp") }
    }

    @Test(arguments: [false, true]) func toolsOfAnHTTPServer(eventStream: Bool) async throws {
        try await withServer(eventStream: eventStream) { url in
            let configuration = try MCPServerConfiguration(name: "web", transport: .http(url: url, headers: ["Authorization": "Bearer test-token"]))
            let source = MCPToolSource(servers: [configuration], http: PolicedHTTPClient.loopback)
            let problems = await source.start()
            #expect(problems.isEmpty)
            let echo = try #require(await source.tools.first { $0.name == "mcp__web__echo" })
            #expect(echo.isParallelSafe)
            let context = ToolContext(paths: try PathPolicy(workspace: FileManager.default.temporaryDirectory.path, protected: []))
            #expect(try await echo.run(["text": "over http"], in: context).text == "over http")
            await source.shutdown()
            #expect(await thrownCode { _ = try await echo.run(["text": "x"], in: context) } == "mcp_server_unavailable")
        }
    }

    @Test func theOutboundPolicyApplies() async throws {
        try await withServer { url in
            // The node's default policy refuses loopback: the server is never reached.
            let configuration = try MCPServerConfiguration(name: "web", transport: .http(url: url, headers: ["Authorization": "Bearer test-token"]))
            let source = MCPToolSource(servers: [configuration], http: PolicedHTTPClient(policy: .publicOnly))
            let problems = await source.start()
            #expect(problems.map(\.code) == ["mcp_initialize_failed"])
            #expect(problems.first?.message.contains("outbound_address_refused") == true)
            #expect(await source.tools.isEmpty)
        }
    }

    @Test func aWrongTokenIsAStartupProblem() async throws {
        try await withServer { url in
            let configuration = try MCPServerConfiguration(name: "web", transport: .http(url: url))
            let source = MCPToolSource(servers: [configuration], http: PolicedHTTPClient.loopback)
            let problems = await source.start()
            #expect(problems.map(\.code) == ["mcp_initialize_failed"])
            #expect(problems.first?.message.contains("HTTP 401") == true)
        }
    }
}
