import TauCore

/// The OpenAI chat-completions wire format in both directions: the client side
/// (tau-node calling OpenAI and every OpenAI-compatible provider) and the server side
/// (the node's own `POST /v1/chat/completions`).
public enum OpenAIChatFormat {
    /// How requests differ between OpenAI itself and compatible providers.
    public struct Dialect: Sendable, Hashable {
        /// OpenAI wants `max_completion_tokens`; most compatible servers still read `max_tokens`.
        public var usesMaxCompletionTokens: Bool
        /// Whether `reasoning_effort` is understood.
        public var supportsReasoningEffort: Bool
        /// OpenRouter's extra body fields (`provider`, `models`).
        public var isOpenRouter: Bool
        /// Whether `stream_options` is accepted (Mistral refuses unknown fields with 422 and
        /// sends usage in its last chunk anyway).
        public var sendsStreamOptions = true

        public static let openAI = Dialect(usesMaxCompletionTokens: true, supportsReasoningEffort: true, isOpenRouter: false)
        public static let compatible = Dialect(usesMaxCompletionTokens: false, supportsReasoningEffort: false, isOpenRouter: false)
        public static let openRouter = Dialect(usesMaxCompletionTokens: false, supportsReasoningEffort: true, isOpenRouter: true)

        public static func of(_ kind: ProviderKind) -> Dialect {
            switch kind {
            case .openai: .openAI
            case .openrouter: .openRouter
            case .mistral: Dialect(usesMaxCompletionTokens: false, supportsReasoningEffort: false, isOpenRouter: false, sendsStreamOptions: false)
            default: .compatible
            }
        }
    }

    // MARK: Client side: ChatRequest → wire

    /// The request body for `POST /chat/completions`.
    public static func encode(_ request: ChatRequest, stream: Bool, dialect: Dialect) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(request.messages.map(encode)),
        ]
        if stream {
            body["stream"] = true
            if dialect.sendsStreamOptions { body["stream_options"] = ["include_usage": true] }
        }
        if !request.tools.isEmpty { body["tools"] = .array(request.tools.map(encode)) }
        if let choice = request.toolChoice { body["tool_choice"] = encode(choice) }
        if let maximum = request.maxOutputTokens {
            body[dialect.usesMaxCompletionTokens ? "max_completion_tokens" : "max_tokens"] = .number(Double(maximum))
        }
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        if let topP = request.topP { body["top_p"] = .number(topP) }
        if !request.stop.isEmpty { body["stop"] = .array(request.stop.map(JSONValue.string)) }
        if let effort = request.reasoningEffort, dialect.supportsReasoningEffort { body["reasoning_effort"] = .string(effort) }
        if let parallel = request.parallelToolCalls, !request.tools.isEmpty { body["parallel_tool_calls"] = .bool(parallel) }
        if let user = request.user { body["user"] = .string(user) }
        if let format = request.responseFormat { body["response_format"] = format.openAIChatJSON }
        if let seed = request.seed { body["seed"] = .number(Double(seed)) }
        if let penalty = request.presencePenalty { body["presence_penalty"] = .number(penalty) }
        if let penalty = request.frequencyPenalty { body["frequency_penalty"] = .number(penalty) }
        if dialect.isOpenRouter {
            var provider = request.options.openRouterProvider?.objectValue
            if let format = request.responseFormat, format != .text, provider?["require_parameters"] == nil {
                // OpenRouter may otherwise pick an upstream that ignores response_format and answers free text.
                provider = (provider ?? [:]).merging(["require_parameters": true]) { current, _ in current }
            }
            if let provider { body["provider"] = .object(provider) }
            if !request.options.openRouterModels.isEmpty {
                body["models"] = .array(request.options.openRouterModels.map(JSONValue.string))
            }
        }
        return .object(body)
    }

    static func encode(_ message: ChatMessage) -> JSONValue {
        var object: [String: JSONValue] = ["role": .string(message.role.rawValue)]
        let hasImages = message.content.contains { if case .image = $0 { true } else { false } }
        if hasImages && message.role == .user {
            object["content"] = .array(
                message.content.compactMap { part -> JSONValue? in
                    switch part {
                    case .text(let text, _): return ["type": "text", "text": .string(text)]
                    case .image(let source): return ["type": "image_url", "image_url": ["url": .string(source.url)]]
                    case .thinking, .redactedThinking: return nil
                    }
                })
        } else if message.role == .assistant && message.text.isEmpty && !message.toolCalls.isEmpty {
            object["content"] = .null
        } else {
            object["content"] = .string(message.text)
        }
        if !message.toolCalls.isEmpty {
            object["tool_calls"] = .array(
                message.toolCalls.map { call in
                    [
                        "id": .string(call.id), "type": "function",
                        "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                    ]
                })
        }
        if let id = message.toolCallID { object["tool_call_id"] = .string(id) }
        return .object(object)
    }

    static func encode(_ tool: ToolDefinition) -> JSONValue {
        var function: [String: JSONValue] = ["name": .string(tool.name), "parameters": tool.parameters]
        if let description = tool.description { function["description"] = .string(description) }
        return ["type": "function", "function": .object(function)]
    }

    static func encode(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .tool(let name): ["type": "function", "function": ["name": .string(name)]]
        }
    }

    // MARK: Client side: wire → ChatResponse / StreamEvent

    /// Parses a `chat.completion` object.
    public static func decodeResponse(_ json: JSONValue) throws(UpstreamFailure) -> ChatResponse {
        if let error = json["error"], !error.isNull {
            // Some proxies answer 200 with an error object.
            throw UpstreamFailure(.serverError, message: error["message"]?.stringValue ?? "error without a message")
        }
        guard let choice = json["choices"]?.arrayValue?.first, let message = choice["message"] else {
            throw UpstreamFailure(.badResponse, message: "chat.completion without choices[0].message")
        }
        var content: [ContentPart] = []
        if let reasoning = message["reasoning_content"]?.stringValue ?? message["reasoning"]?.stringValue, !reasoning.isEmpty {
            content.append(.thinking(reasoning))
        }
        if let text = message["content"]?.stringValue, !text.isEmpty { content.append(.text(text)) }
        let calls = (message["tool_calls"]?.arrayValue ?? []).compactMap { call -> ToolCall? in
            guard let function = call["function"], let name = function["name"]?.stringValue else { return nil }
            return ToolCall(
                id: call["id"]?.stringValue ?? "", name: name, arguments: function["arguments"]?.stringValue ?? "{}")
        }
        return ChatResponse(
            id: json["id"]?.stringValue ?? "", model: json["model"]?.stringValue ?? "",
            message: ChatMessage(role: .assistant, content: content, toolCalls: calls),
            finishReason: finishReason(choice["finish_reason"]?.stringValue) ?? (calls.isEmpty ? .stop : .toolCalls),
            usage: json["usage"].map(decodeUsage) ?? Usage())
    }

    /// Parses the `usage` object (with OpenAI's and DeepSeek's cache fields).
    public static func decodeUsage(_ usage: JSONValue) -> Usage {
        let cached =
            usage["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? usage["prompt_cache_hit_tokens"]?.intValue ?? 0
        return Usage(
            inputTokens: usage["prompt_tokens"]?.intValue ?? 0, outputTokens: usage["completion_tokens"]?.intValue ?? 0,
            cachedInputTokens: cached,
            reasoningTokens: usage["completion_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0)
    }

    static func finishReason(_ value: String?) -> FinishReason? {
        switch value {
        case "stop", "end_turn": .stop
        case "length", "max_tokens": .length
        case "tool_calls", "function_call": .toolCalls
        case "content_filter": .contentFilter
        case nil: nil
        // Providers add their own reasons (e.g. Mistral `model_length`); an answer that has one did finish.
        case let other?: other.contains("length") ? .length : .stop
        }
    }

    /// The unified events of one `chat.completion.chunk`. `started` tells whether the
    /// `.start` event was already produced.
    public static func decodeChunk(_ json: JSONValue, started: Bool) -> [StreamEvent] {
        var events: [StreamEvent] = []
        if !started { events.append(.start(id: json["id"]?.stringValue ?? "", model: json["model"]?.stringValue ?? "")) }
        if let choice = json["choices"]?.arrayValue?.first {
            let delta = choice["delta"] ?? [:]
            if let reasoning = delta["reasoning_content"]?.stringValue ?? delta["reasoning"]?.stringValue, !reasoning.isEmpty {
                events.append(.thinking(reasoning))
            }
            if let text = delta["content"]?.stringValue, !text.isEmpty { events.append(.text(text)) }
            for call in delta["tool_calls"]?.arrayValue ?? [] {
                let index = call["index"]?.intValue ?? 0
                let function = call["function"]
                if let id = call["id"]?.stringValue, !id.isEmpty {
                    events.append(.toolCallStart(index: index, id: id, name: function?["name"]?.stringValue ?? ""))
                }
                if let fragment = function?["arguments"]?.stringValue, !fragment.isEmpty {
                    events.append(.toolCallArguments(index: index, fragment: fragment))
                }
            }
            if let reason = finishReason(choice["finish_reason"]?.stringValue) { events.append(.finish(reason)) }
        }
        if let usage = json["usage"], usage.objectValue != nil { events.append(.usage(decodeUsage(usage))) }
        return events
    }
}

extension ImageSource {
    /// The image as a URL (`data:` for inline bytes).
    public var url: String {
        switch self {
        case .url(let url): url
        case .base64(let mediaType, let data): "data:\(mediaType);base64,\(data)"
        }
    }
}
