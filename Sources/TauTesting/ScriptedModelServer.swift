import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import TauCore
import TauProviders
import AsyncHTTPClient
import Logging

/// A local model server for agent tests that speaks OpenAI's chat-completions wire format
/// (SSE `chat.completion.chunk`s as api.openai.com sends them, or one JSON completion) and
/// answers from a script: each request takes the next step. Steps can ask for several tool
/// calls at once, fail with a status, break the stream in the middle, send an empty
/// stream, or never answer. Every request body is kept, so tests can check what the agent
/// sent (tool results, redaction, compaction).
public final class ScriptedModelServer: Sendable {
    /// One answer of the script.
    public enum Step: Sendable {
        /// Text, in small deltas.
        case text(String)
        /// Tool calls (name, JSON arguments) in one assistant message, after optional text.
        case toolCalls([(name: String, arguments: String)], text: String? = nil)
        /// An HTTP error with OpenAI's error body.
        case error(status: Int, message: String)
        /// Sends `text` as deltas, then drops the connection without a finish chunk.
        case breakAfter(text: String)
        /// A well-formed stream with no content and no tool calls.
        case empty
        /// Accepts the request and sends nothing for `duration` (longer than the timeout under
        /// test), then fails with a 500.
        case stall(Duration)
        /// Text sent one delta per `interval`, for tests that cancel mid-stream.
        case slowText(String, interval: Duration)
    }

    private let script: Mutex<[Step]>
    private let fallback: Step
    private let log = Mutex<[JSONValue]>([])
    /// Token counts each answer reports.
    public let promptTokens: Int
    public let completionTokens: Int

    /// - Parameters:
    ///   - steps: answers in order.
    ///   - then: the answer once the script is used up.
    public init(_ steps: [Step], then fallback: Step = .error(status: 500, message: "the script has no more steps"), promptTokens: Int = 100, completionTokens: Int = 20) {
        self.script = Mutex(steps)
        self.fallback = fallback
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Request bodies received, oldest first.
    public var requests: [JSONValue] { log.withLock { $0 } }

    private func next(for body: JSONValue) -> Step {
        log.withLock { $0.append(body) }
        return script.withLock { $0.isEmpty ? fallback : $0.removeFirst() }
    }

    /// Serves on 127.0.0.1 with an ephemeral port while `body` runs; `baseURL` ends in `/v1`.
    public func serve<T: Sendable>(_ body: @escaping @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("v1/chat/completions") { [self] request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 64 << 20)
            let json = (try? JSONValue(parsing: Array(buffer: bytes))) ?? .null
            let step = next(for: json)
            let model = json["model"]?.stringValue ?? "scripted"
            let streaming = json["stream"]?.boolValue == true
            switch step {
            case .error(let status, let message):
                let error: JSONValue = ["error": ["message": .string(message), "type": "server_error", "param": nil, "code": nil]]
                return Response(
                    status: .init(code: status), headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: error.canonicalString())))
            case .stall(let duration):
                try await Task.sleep(for: duration)
                return Response(status: .internalServerError)
            default:
                break
            }
            guard streaming else {
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: completion(step, model: model).canonicalString())))
            }
            let chunks = self.chunks(step, model: model)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    for (chunk, pause) in chunks {
                        if pause > .zero { try await Task.sleep(for: pause) }
                        try await writer.write(ByteBuffer(string: chunk))
                    }
                    if case .breakAfter = step {
                        // Give the client a moment to take the text before the connection
                        // drops: AsyncHTTPClient discards body parts it still holds when the
                        // connection closes, which on a loaded machine would make this a
                        // failure before any content instead of one mid-stream.
                        try await Task.sleep(for: .milliseconds(100))
                        throw CancellationError()
                    }
                    try await writer.finish(nil)
                })
        }
        return try await StaticHTTPServer.serve(router) { base in try await body(base + "/v1") }
    }

    private func usage() -> JSONValue {
        [
            "prompt_tokens": .number(Double(promptTokens)), "completion_tokens": .number(Double(completionTokens)),
            "total_tokens": .number(Double(promptTokens + completionTokens)),
            "prompt_tokens_details": ["cached_tokens": 0, "audio_tokens": 0],
            "completion_tokens_details": ["reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0],
        ]
    }

    private static func callID(_ index: Int) -> String { "call_s\(index)Qx7" }

    private func completion(_ step: Step, model: String) -> JSONValue {
        var message: [String: JSONValue] = ["role": "assistant", "content": nil, "refusal": nil]
        var finish = "stop"
        switch step {
        case .text(let text), .slowText(let text, _), .breakAfter(let text):
            message["content"] = .string(text)
        case .toolCalls(let calls, let text):
            message["content"] = text.map(JSONValue.string) ?? .null
            message["tool_calls"] = .array(
                calls.enumerated().map { index, call in
                    ["id": .string(Self.callID(index)), "type": "function", "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
                })
            finish = "tool_calls"
        case .empty, .error, .stall:
            message["content"] = ""
        }
        return [
            "id": "chatcmpl-scripted", "object": "chat.completion", "created": 1_741_569_952, "model": .string(model),
            "choices": [["index": 0, "message": .object(message), "logprobs": nil, "finish_reason": .string(finish)]],
            "usage": usage(), "system_fingerprint": "fp_scripted",
        ]
    }

    private func chunks(_ step: Step, model: String) -> [(String, Duration)] {
        func chunk(_ delta: JSONValue, finish: JSONValue = nil) -> String {
            let value: JSONValue = [
                "id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": 1_741_569_952, "model": .string(model),
                "system_fingerprint": "fp_scripted", "choices": [["index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish]],
            ]
            return "data: " + value.canonicalString() + "\n\n"
        }
        func pieces(_ text: String) -> [String] {
            var out: [String] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                out.append(String(rest.prefix(6)))
                rest = rest.dropFirst(6)
            }
            return out
        }
        var out: [(String, Duration)] = [(chunk(["role": "assistant", "content": "", "refusal": nil]), .zero)]
        var finish = "stop"
        switch step {
        case .text(let text), .breakAfter(let text):
            out += pieces(text).map { (chunk(["content": .string($0)]), .zero) }
        case .slowText(let text, let interval):
            out += pieces(text).map { (chunk(["content": .string($0)]), interval) }
        case .toolCalls(let calls, let text):
            if let text { out += pieces(text).map { (chunk(["content": .string($0)]), .zero) } }
            for (index, call) in calls.enumerated() {
                let start: JSONValue = [
                    "tool_calls": [
                        [
                            "index": .number(Double(index)), "id": .string(Self.callID(index)), "type": "function",
                            "function": ["name": .string(call.name), "arguments": ""],
                        ]
                    ]
                ]
                out.append((chunk(start), .zero))
                out += pieces(call.arguments).map {
                    (chunk(["tool_calls": [["index": .number(Double(index)), "function": ["arguments": .string($0)]]]]), .zero)
                }
            }
            finish = "tool_calls"
        case .empty, .error, .stall:
            break
        }
        if case .breakAfter = step { return out }
        out.append((chunk([:], finish: .string(finish)), .zero))
        let last: JSONValue = [
            "id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": 1_741_569_952, "model": .string(model),
            "choices": [], "usage": usage(),
        ]
        out.append(("data: " + last.canonicalString() + "\n\n", .zero))
        out.append(("data: [DONE]\n\n", .zero))
        return out
    }
}

extension ScriptedModelServer {
    /// A model service with one route, `model`, to the OpenAI-format server at `baseURL`, that
    /// never retries (each request takes exactly one step of the script) and keeps usage in
    /// memory.
    public static func modelService(
        baseURL: String, model: String = "scripted", contextWindow: Int? = 128_000, pricing: ModelPricing? = nil,
        usage: any BudgetLedger = InMemoryUsageRepository(), now: @escaping @Sendable () -> Date = { Date() }
    ) -> ModelService {
        let endpoint = ProviderEndpoint(kind: .openai, baseURL: baseURL, apiKey: "sk-scripted")
        let route = Route(
            name: "openai:" + model, modelID: model, client: OpenAIChatClient(endpoint: endpoint, http: UpstreamHTTP(client: .shared)),
            contextWindow: contextWindow, maxOutputTokens: 16_384, pricing: pricing)
        let chain = RouteChain(name: model, routes: [route])
        var quiet = Logger(label: "scripted")
        quiet.logLevel = .critical
        return ModelService(
            resolve: { $0 == model ? chain : nil }, served: [ServedModel(name: model, ownedBy: "openai")],
            router: ModelRouter(retry: RetryPolicy(maxAttempts: 1), logger: quiet), usage: usage, now: now, logger: quiet)
    }
}
