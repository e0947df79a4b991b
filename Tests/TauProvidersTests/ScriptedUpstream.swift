import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import TauCore
import TauTesting
@testable import TauProviders

/// A real OpenAI-compatible server on 127.0.0.1 whose answers per route are scripted:
/// `POST /<route>/chat/completions` pops the next behaviour of that route (the last one repeats).
final class ScriptedUpstream: Sendable {
    enum Behaviour: Sendable {
        case text(String)
        case status(Int, headers: [String: String] = [:], body: String = #"{"error":{"message":"upstream says no","type":"server_error"}}"#)
        /// Streams one content chunk and stops without a finish reason.
        case breakAfterFirstToken
    }

    private let scripts: Mutex<[String: [Behaviour]]>
    private let calls = Mutex<[String: Int]>([:])
    private let bodies = Mutex<[String: [JSONValue]]>([:])

    init(_ scripts: [String: [Behaviour]]) {
        self.scripts = Mutex(scripts)
    }

    func set(_ route: String, _ behaviours: [Behaviour]) {
        scripts.withLock { $0[route] = behaviours }
    }

    func calls(_ route: String) -> Int { calls.withLock { $0[route] ?? 0 } }
    func lastBody(_ route: String) -> JSONValue? { bodies.withLock { $0[route]?.last } }

    private func next(_ route: String, body: JSONValue) -> Behaviour {
        calls.withLock { $0[route, default: 0] += 1 }
        bodies.withLock { $0[route, default: []].append(body) }
        return scripts.withLock { scripts in
            guard var list = scripts[route], let first = list.first else { return .status(404) }
            if list.count > 1 { list.removeFirst() }
            scripts[route] = list
            return first
        }
    }

    /// Runs `body` with the server's base URL and an upstream HTTP client.
    func serve<T: Sendable>(_ body: @escaping @Sendable (_ baseURL: String, _ http: UpstreamHTTP) async throws -> T) async throws -> T {
        let router = Router()
        router.post("{route}/chat/completions") { [self] request, context -> Response in
            let route = context.parameters.get("route") ?? ""
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let json = (try? JSONValue(parsing: Array(buffer: bytes))) ?? .null
            let stream = json["stream"]?.boolValue ?? false
            switch next(route, body: json) {
            case .text(let text):
                if stream { return Self.streamed(text, model: json["model"]?.stringValue ?? "") }
                let answer: JSONValue = [
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": json["model"] ?? "m",
                    "choices": [["index": 0, "message": ["role": "assistant", "content": .string(text)], "finish_reason": "stop"]],
                    "usage": ["prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12],
                ]
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer.canonicalString())))
            case .status(let code, let headers, let text):
                var fields = HTTPFields()
                fields[.contentType] = "application/json"
                for (name, value) in headers { if let field = HTTPField.Name(name) { fields[field] = value } }
                return Response(status: .init(code: code), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
            case .breakAfterFirstToken:
                let chunk = #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}"#
                return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .init(byteBuffer: ByteBuffer(string: chunk + "\n\n")))
            }
        }
        return try await StaticHTTPServer.serve(router) { baseURL in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                let value = try await body(baseURL, UpstreamHTTP(client: client, requestTimeout: .seconds(10)))
                try await client.shutdown()
                return value
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    static func streamed(_ text: String, model: String) -> Response {
        var lines: [String] = []
        for (index, piece) in text.split(separator: " ").enumerated() {
            let delta: JSONValue = index == 0 ? ["role": "assistant", "content": .string(String(piece))] : ["content": .string(" " + piece)]
            lines.append("data: " + JSONValue.object(["id": "c", "object": "chat.completion.chunk", "created": 1, "model": .string(model), "choices": [["index": 0, "delta": delta, "finish_reason": nil]]]).canonicalString())
        }
        lines.append("data: " + JSONValue.object(["id": "c", "object": "chat.completion.chunk", "created": 1, "model": .string(model), "choices": [["index": 0, "delta": [:], "finish_reason": "stop"]]]).canonicalString())
        lines.append("data: " + JSONValue.object(["id": "c", "object": "chat.completion.chunk", "created": 1, "model": .string(model), "choices": [], "usage": ["prompt_tokens": 10, "completion_tokens": 3, "total_tokens": 13]]).canonicalString())
        lines.append("data: [DONE]")
        return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n\n") + "\n\n")))
    }
}

extension ScriptedUpstream {
    /// A route to `/<name>` on the scripted server.
    static func route(_ name: String, baseURL: String, http: UpstreamHTTP, contextWindow: Int? = nil, pricing: ModelPricing? = nil) -> Route {
        let endpoint = ProviderEndpoint(name: name, kind: .local, baseURL: baseURL + "/" + name)
        return Route(
            name: name, modelID: "model-\(name)", client: OpenAIChatClient(endpoint: endpoint, http: http), contextWindow: contextWindow,
            pricing: pricing)
    }
}
