import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import TauCore

/// A local OpenAI chat-completions server for tests: answers `POST /v1/chat/completions`
/// with a text or a tool call, as one JSON object or as an SSE stream of
/// `chat.completion.chunk`s (role chunk, deltas, finish chunk, usage chunk, `[DONE]`),
/// exactly as api.openai.com sends them, or with an error status and OpenAI's error JSON.
/// Every request body and its headers are kept.
public final class FakeOpenAIUpstream: Sendable {
    /// What the fake model answers.
    public struct Answer: Sendable {
        public var text: String?
        public var toolCall: (name: String, arguments: String)?
        public var promptTokens: Int
        public var completionTokens: Int
        public var cachedTokens: Int
        /// The HTTP status; anything but 200 answers `{"error": {"message": errorMessage, ...}}`.
        public var status: Int
        public var errorMessage: String
        /// Extra response headers (e.g. `Retry-After` on a 429).
        public var headers: [String: String]
        /// Whether usage is sent (llama.cpp servers send none in streams).
        public var sendsUsage: Bool
        /// How long the fake "thinks" before answering, so that parallel calls overlap.
        public var delay: Duration

        public init(
            text: String? = nil, toolCall: (name: String, arguments: String)? = nil, promptTokens: Int = 57, completionTokens: Int = 17,
            cachedTokens: Int = 0, status: Int = 200, errorMessage: String = "upstream error", headers: [String: String] = [:],
            sendsUsage: Bool = true, delay: Duration = .zero
        ) {
            self.text = text
            self.toolCall = toolCall
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.cachedTokens = cachedTokens
            self.status = status
            self.errorMessage = errorMessage
            self.headers = headers
            self.sendsUsage = sendsUsage
            self.delay = delay
        }

        /// An error answer with OpenAI's error body.
        public static func error(_ status: Int, _ message: String, headers: [String: String] = [:]) -> Answer {
            Answer(status: status, errorMessage: message, headers: headers)
        }
    }

    private let answer: @Sendable (JSONValue) -> Answer
    private let log = Mutex<[(body: JSONValue, headers: [String: String])]>([])

    public init(answer: @escaping @Sendable (JSONValue) -> Answer) {
        self.answer = answer
    }

    /// Request bodies received, oldest first.
    public var requests: [JSONValue] { log.withLock { $0.map(\.body) } }
    /// Headers (lower-cased names) of the last request.
    public var lastHeaders: [String: String] { log.withLock { $0.last?.headers ?? [:] } }

    /// Serves on 127.0.0.1 with an ephemeral port while `body` runs; `baseURL` ends in `/v1`.
    public func serve<T: Sendable>(_ body: @escaping @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("v1/chat/completions") { [self] request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 16 << 20)
            let json = (try? JSONValue(parsing: Array(buffer: bytes))) ?? .null
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            log.withLock { $0.append((json, headers)) }
            let answer = self.answer(json)
            if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
            let model = json["model"]?.stringValue ?? "gpt-test"
            guard answer.status == 200 else {
                var fields: HTTPFields = [.contentType: "application/json"]
                for (name, value) in answer.headers { if let field = HTTPField.Name(name) { fields[field] = value } }
                let error: JSONValue = [
                    "error": ["message": .string(answer.errorMessage), "type": "invalid_request_error", "param": nil, "code": nil]
                ]
                return Response(
                    status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: error.canonicalString())))
            }
            if json["stream"]?.boolValue == true {
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream"],
                    body: .init(byteBuffer: ByteBuffer(string: Self.stream(answer, model: model))))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: Self.completion(answer, model: model).canonicalString())))
        }
        return try await StaticHTTPServer.serve(router) { base in try await body(base + "/v1") }
    }

    static func usage(_ answer: Answer) -> JSONValue {
        [
            "prompt_tokens": .number(Double(answer.promptTokens)), "completion_tokens": .number(Double(answer.completionTokens)),
            "total_tokens": .number(Double(answer.promptTokens + answer.completionTokens)),
            "prompt_tokens_details": ["cached_tokens": .number(Double(answer.cachedTokens)), "audio_tokens": 0],
            "completion_tokens_details": ["reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0],
        ]
    }

    static func completion(_ answer: Answer, model: String) -> JSONValue {
        var message: [String: JSONValue] = ["role": "assistant", "content": answer.text.map(JSONValue.string) ?? .null, "refusal": nil]
        if let call = answer.toolCall {
            message["tool_calls"] = [["id": "call_Xq1f3", "type": "function", "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]]
        }
        return [
            "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "object": "chat.completion", "created": 1_741_569_952, "model": .string(model),
            "choices": [["index": 0, "message": .object(message), "logprobs": nil, "finish_reason": answer.toolCall == nil ? "stop" : "tool_calls"]],
            "usage": answer.sendsUsage ? usage(answer) : .null, "service_tier": "default", "system_fingerprint": "fp_fc9f1d7035",
        ]
    }

    static func stream(_ answer: Answer, model: String) -> String {
        func chunk(_ delta: JSONValue, finish: JSONValue = nil) -> String {
            let value: JSONValue = [
                "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "object": "chat.completion.chunk", "created": 1_741_569_952,
                "model": .string(model), "service_tier": "default", "system_fingerprint": "fp_fc9f1d7035",
                "choices": [["index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish]], "usage": nil,
            ]
            return "data: " + value.canonicalString() + "\n\n"
        }
        var out = chunk(["role": "assistant", "content": answer.toolCall == nil ? "" : nil, "refusal": nil])
        if let text = answer.text {
            var rest = Substring(text)
            while !rest.isEmpty {
                let piece = rest.prefix(4)
                rest = rest.dropFirst(piece.count)
                out += chunk(["content": .string(String(piece))])
            }
        }
        if let call = answer.toolCall {
            out += chunk(["tool_calls": [["index": 0, "id": "call_Xq1f3", "type": "function", "function": ["name": .string(call.name), "arguments": ""]]]])
            var rest = Substring(call.arguments)
            while !rest.isEmpty {
                let piece = rest.prefix(5)
                rest = rest.dropFirst(piece.count)
                out += chunk(["tool_calls": [["index": 0, "function": ["arguments": .string(String(piece))]]]])
            }
        }
        out += chunk([:], finish: answer.toolCall == nil ? "stop" : "tool_calls")
        guard answer.sendsUsage else { return out + "data: [DONE]\n\n" }
        let last: JSONValue = [
            "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "object": "chat.completion.chunk", "created": 1_741_569_952,
            "model": .string(model), "choices": [], "usage": usage(answer),
        ]
        return out + "data: " + last.canonicalString() + "\n\ndata: [DONE]\n\n"
    }
}
