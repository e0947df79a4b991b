import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import Synchronization
import TauCore
import TauTesting
import Testing

@testable import TauProviders

/// A request the fake Gemini upstream received.
struct GeminiRecordedRequest: Sendable {
    var path: String
    var query: String?
    /// Header values by lower-cased name.
    var headers: [String: String]
    var body: JSONValue
}

/// What the fake Gemini upstream answers.
enum GeminiReply: Sendable {
    /// A JSON body with a status and extra headers.
    case json(String, status: Int = 200, headers: [String: String] = [:])
    /// A complete `text/event-stream` body.
    case events(String)
    /// The start of an event stream, after which the connection is dropped.
    case brokenEvents(String)
}

/// The requests a fake upstream received, in order.
final class GeminiRequestLog: Sendable {
    private let entries = Mutex<[GeminiRecordedRequest]>([])

    func append(_ request: GeminiRecordedRequest) { entries.withLock { $0.append(request) } }

    var all: [GeminiRecordedRequest] { entries.withLock { $0 } }
}

struct GeminiFakeUpstreamCut: Error {}

enum GeminiFakeUpstream {
    static let apiKey = "AIzaSyTEST-gemini-key"

    /// Serves a fake `generativelanguage.googleapis.com` on 127.0.0.1 whose answers
    /// `reply` picks, and runs `body` with a client pointed at it (`/v1beta` base).
    static func run<T: Sendable>(
        _ reply: @escaping @Sendable (GeminiRecordedRequest) -> GeminiReply,
        _ body: @escaping @Sendable (GeminiClient, GeminiRequestLog) async throws -> T
    ) async throws -> T {
        let log = GeminiRequestLog()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 8 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let recorded = GeminiRecordedRequest(
                path: request.uri.path, query: request.uri.query, headers: headers,
                body: (try? JSONValue(parsing: Array(bytes.readableBytesView))) ?? .null)
            log.append(recorded)
            switch reply(recorded) {
            case .json(let text, let status, let extra):
                var fields: HTTPFields = [.contentType: "application/json; charset=UTF-8"]
                for (name, value) in extra {
                    if let name = HTTPFields.Element.Name(name) { fields[name] = value }
                }
                return Response(
                    status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
            case .events(let text):
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            case .brokenEvents(let text):
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream"],
                    body: ResponseBody { writer in
                        try await writer.write(ByteBuffer(string: text))
                        throw GeminiFakeUpstreamCut()
                    })
            }
        }
        return try await StaticHTTPServer.serve(router) { baseURL in
            let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                let endpoint = ProviderEndpoint(
                    kind: .gemini, baseURL: baseURL + "/v1beta/", apiKey: apiKey, headers: ["X-Goog-User-Project": "tau-tests"])
                let client = GeminiClient(endpoint: endpoint, http: UpstreamHTTP(client: httpClient))
                let value = try await body(client, log)
                try await httpClient.shutdown()
                return value
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
        }
    }

    /// A fixture file's text.
    static func fixture(_ name: String, _ ext: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Collects a stream's events, and the error that ended it, if any.
    static func drain(_ stream: ChatEventStream) async -> (events: [StreamEvent], error: (any Error)?) {
        var events: [StreamEvent] = []
        do {
            for try await event in stream { events.append(event) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    /// One SSE `data:` event per JSON text, with Google's CRLF line ends.
    static func events(_ chunks: [String]) -> String {
        chunks.map { "data: \($0)\r\n\r\n" }.joined()
    }
}
