import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TauCore
import TauTesting
import Testing

@testable import TauProviders

/// A fake OpenAI-style upstream for the OpenAI client tests: a real HTTP server on
/// 127.0.0.1 that records each request and answers what the test chose.
enum OpenAIFakeUpstream {
    /// A request as the upstream saw it.
    struct Received: Sendable {
        var method: String
        var path: String
        /// Header values by lowercased name.
        var headers: [String: String]
        var body: JSONValue

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    actor Log {
        private(set) var requests: [Received] = []
        func append(_ request: Received) { requests.append(request) }
        var last: Received? { requests.last }
    }

    enum Reply: Sendable {
        case json(String, status: Int = 200, headers: [String: String] = [:])
        /// An event stream written in small pieces, so events straddle reads.
        case sse(String, pieceBytes: Int = 29)
        /// An event stream whose connection is dropped after the text, without the end of the body.
        case sseThenDrop(String)
    }

    struct Dropped: Error {}

    /// Serves `reply` under `/v1` while `body` runs with the base URL and an `UpstreamHTTP`.
    static func serve<T: Sendable>(
        _ reply: Reply, log: Log = Log(), _ body: @escaping @Sendable (_ baseURL: String, _ http: UpstreamHTTP) async throws -> T
    ) async throws -> T {
        let router = Router()
        router.post("**") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 8 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            await log.append(
                Received(
                    method: request.method.rawValue, path: request.uri.path, headers: headers,
                    body: (try? JSONValue(parsing: Array(bytes.readableBytesView))) ?? .null))
            return response(for: reply)
        }
        return try await StaticHTTPServer.serve(router) { server in
            try await withHTTP { http in try await body(server + "/v1", http) }
        }
    }

    static func response(for reply: Reply) -> Response {
        switch reply {
        case .json(let text, let status, let extra):
            var fields: HTTPFields = [.contentType: "application/json"]
            for (name, value) in extra { if let name = HTTPField.Name(name) { fields[name] = value } }
            return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
        case .sse(let text, let pieceBytes):
            let bytes = Array(text.utf8)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    var start = 0
                    while start < bytes.count {
                        let end = min(start + pieceBytes, bytes.count)
                        try await writer.write(ByteBuffer(bytes: bytes[start..<end]))
                        start = end
                    }
                    try await writer.finish(nil)
                })
        case .sseThenDrop(let text):
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: text))
                    // Give the client time to read what was sent before the connection goes.
                    try await Task.sleep(for: .milliseconds(100))
                    throw Dropped()
                })
        }
    }

    /// Runs `body` with a fresh HTTP client, shut down afterwards whatever happens.
    static func withHTTP<T: Sendable>(
        _ configuration: HTTPClient.Configuration = HTTPClient.Configuration(), _ body: (UpstreamHTTP) async throws -> T
    ) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let value: T
        do {
            value = try await body(UpstreamHTTP(client: client, requestTimeout: .seconds(30)))
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return value
    }

    /// A base URL whose port had a server a moment ago and now refuses connections.
    static func fixture(_ name: String) throws -> String {
        let dot = try #require(name.lastIndex(of: "."))
        let url = try #require(
            Bundle.module.url(
                forResource: String(name[..<dot]), withExtension: String(name[name.index(after: dot)...]), subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Reads a stream to its end: the events and the failure that ended it, if any.
    static func drain(_ stream: ChatEventStream) async throws -> ([StreamEvent], UpstreamFailure?) {
        var events: [StreamEvent] = []
        do {
            for try await event in stream { events.append(event) }
            return (events, nil)
        } catch let failure as UpstreamFailure {
            return (events, failure)
        }
    }

    /// The failure of a call that is expected to fail before any event (nil if it did not).
    static func failure(of client: some ModelClient, streaming: Bool) async -> UpstreamFailure? {
        let request = ChatRequest(model: "gpt-4.1", messages: [.text(.user, "hi")])
        do {
            if streaming {
                for try await _ in try await client.stream(request) {}
            } else {
                _ = try await client.complete(request)
            }
            return nil
        } catch {
            return error as? UpstreamFailure
        }
    }
}
