import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TauCore
import TauTesting
import Testing

@testable import TauProviders

/// A fake Anthropic API on a real socket: records what `POST /v1/messages` receives and
/// answers with a canned JSON body or an event stream written in uneven pieces.
enum AnthropicFakeUpstream {
    /// What the fake answers.
    enum Reply: Sendable {
        case json(status: Int = 200, body: String, headers: [String: String] = [:])
        /// The body is sent in pieces of `pieceSizes` bytes (cycled), so events and even
        /// UTF-8 sequences are split across reads.
        case events(String, pieceSizes: [Int] = [7, 61, 1, 113, 29, 3])
    }

    /// A request as the fake saw it.
    struct Received: Sendable {
        var path: String
        /// Header names lowercased.
        var headers: [String: String]
        var body: JSONValue
    }

    actor Log {
        private(set) var requests: [Received] = []
        func add(_ request: Received) { requests.append(request) }
    }

    static let apiKey = "sk-ant-api03-test-key"

    /// Serves `reply` and runs `body` with a client pointed at the fake.
    static func run<T: Sendable>(
        _ reply: Reply, _ body: @escaping @Sendable (AnthropicClient, Log) async throws -> T
    ) async throws -> T {
        let log = Log()
        let router = Router()
        router.post("v1/messages") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 22)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let json = try JSONValue(parsing: Array(bytes.readableBytesView))
            await log.add(Received(path: request.uri.path, headers: headers, body: json))
            return response(for: reply)
        }
        return try await StaticHTTPServer.serve(router) { base in
            let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
            let endpoint = ProviderEndpoint(
                kind: .anthropic, baseURL: base + "/v1/", apiKey: apiKey,
                headers: ["anthropic-beta": "interleaved-thinking-2025-05-14"])
            let client = AnthropicClient(endpoint: endpoint, http: UpstreamHTTP(client: httpClient, requestTimeout: .seconds(30)))
            do {
                let value = try await body(client, log)
                try await httpClient.shutdown()
                return value
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
        }
    }

    private static func response(for reply: Reply) -> Response {
        switch reply {
        case .json(let status, let body, let extra):
            var fields: HTTPFields = [.contentType: "application/json"]
            for (name, value) in extra.merging(["request-id": "req_011CTestFakeUpstream"], uniquingKeysWith: { own, _ in own }) {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
        case .events(let text, let sizes):
            let pieces = split(Array(text.utf8), sizes: sizes)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    for piece in pieces {
                        try await writer.write(ByteBuffer(bytes: piece))
                        await Task.yield()
                    }
                    try await writer.finish(nil)
                })
        }
    }

    static func split(_ bytes: [UInt8], sizes: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        var turn = 0
        while start < bytes.count {
            let end = min(bytes.count, start + max(1, sizes[turn % sizes.count]))
            pieces.append(Array(bytes[start..<end]))
            start = end
            turn += 1
        }
        return pieces
    }

    /// The text of a fixture file.
    static func fixture(_ name: String) throws -> String {
        let dot = try #require(name.lastIndex(of: "."))
        let url = try #require(
            Bundle.module.url(
                forResource: String(name[..<dot]), withExtension: String(name[name.index(after: dot)...]), subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Collects a stream: the events before it ended, and the error it ended with.
    static func drain(_ stream: ChatEventStream) async -> (events: [StreamEvent], error: (any Error)?) {
        var events: [StreamEvent] = []
        do {
            for try await event in stream { events.append(event) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }
}
