import TauCore

/// A parsed `POST /v1/chat/completions` body.
public struct IncomingChatRequest: Sendable {
    /// The request with `model` set to what the caller asked for (an alias or catalog id).
    public var request: ChatRequest
    public var stream: Bool
    /// `stream_options.include_usage`: send a final chunk with usage.
    public var includeUsage: Bool
}

extension OpenAIChatFormat {
    // MARK: Server side: wire → ChatRequest

    /// Parses a chat-completions request body sent by an OpenAI client.
    /// - Throws: `invalid_request` with the offending field named.
    public static func decodeRequest(_ json: JSONValue) throws(ProviderError) -> IncomingChatRequest {
        guard json.objectValue != nil else { throw invalid("the body must be a JSON object") }
        guard let model = json["model"]?.stringValue, !model.isEmpty else { throw invalid("`model` is required") }
        guard let rawMessages = json["messages"]?.arrayValue, !rawMessages.isEmpty else {
            throw invalid("`messages` must be a non-empty array")
        }
        var messages: [ChatMessage] = []
        for (index, raw) in rawMessages.enumerated() { messages.append(try decodeMessage(raw, at: index)) }
        var request = ChatRequest(model: model, messages: messages)
        for (index, raw) in (json["tools"]?.arrayValue ?? []).enumerated() {
            guard raw["type"]?.stringValue == "function", let function = raw["function"],
                let name = function["name"]?.stringValue, !name.isEmpty
            else { throw invalid("tools[\(index)] must be {\"type\":\"function\",\"function\":{\"name\":...}}") }
            request.tools.append(
                ToolDefinition(
                    name: name, description: function["description"]?.stringValue,
                    parameters: function["parameters"] ?? ["type": "object", "properties": [:]]))
        }
        if let choice = json["tool_choice"], !choice.isNull {
            switch choice.stringValue {
            case "auto": request.toolChoice = .auto
            case "none": request.toolChoice = ToolChoice.none
            case "required": request.toolChoice = .required
            default:
                guard let name = choice["function"]?["name"]?.stringValue else { throw invalid("`tool_choice` is not valid") }
                request.toolChoice = .tool(name)
            }
        }
        if let n = json["n"]?.intValue, n != 1 { throw invalid("only n = 1 is supported") }
        if let maximum = try positiveInt(json, "max_completion_tokens") {
            request.maxOutputTokens = maximum
        } else {
            request.maxOutputTokens = try positiveInt(json, "max_tokens")
        }
        request.temperature = try number(json, "temperature", in: 0...2)
        request.topP = try number(json, "top_p", in: 0...1)
        switch json["stop"] {
        case .string(let stop)?: request.stop = [stop]
        case .array(let stops)?: request.stop = stops.compactMap(\.stringValue)
        case nil, .null?: break
        default: throw invalid("`stop` must be a string or an array of strings")
        }
        request.reasoningEffort = json["reasoning_effort"]?.stringValue
        request.parallelToolCalls = json["parallel_tool_calls"]?.boolValue
        request.user = json["user"]?.stringValue
        request.responseFormat = try responseFormat(json["response_format"])
        if let seed = json["seed"], !seed.isNull {
            guard let value = seed.intValue else { throw invalid("`seed` must be an integer") }
            request.seed = value
        }
        request.options.thinkingBudgetTokens = try thinkingBudget(json["thinking"])
        if let cached = json["cached_content"], !cached.isNull {
            guard let name = cached.stringValue, name.hasPrefix("cachedContents/"), name.count > 15 else {
                throw invalid("`cached_content` must be a Gemini cache name, cachedContents/…")
            }
            request.options.geminiCachedContent = name
        }
        request.presencePenalty = try number(json, "presence_penalty", in: -2...2)
        request.frequencyPenalty = try number(json, "frequency_penalty", in: -2...2)
        if let provider = json["provider"], provider.objectValue != nil { request.options.openRouterProvider = provider }
        request.options.openRouterModels = json["models"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let stream = json["stream"]?.boolValue ?? false
        return IncomingChatRequest(
            request: request, stream: stream,
            includeUsage: stream && (json["stream_options"]?["include_usage"]?.boolValue ?? false))
    }

    /// `response_format`: `{"type": "text"}`, `{"type": "json_object"}` or
    /// `{"type": "json_schema", "json_schema": {"name", "description"?, "schema", "strict"?}}`.
    static func responseFormat(_ raw: JSONValue?) throws(ProviderError) -> ResponseFormat? {
        guard let raw, !raw.isNull else { return nil }
        switch raw["type"]?.stringValue {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            guard let spec = raw["json_schema"], spec.objectValue != nil else {
                throw invalid("`response_format.json_schema` is required for type json_schema")
            }
            guard let name = spec["name"]?.stringValue, isSchemaName(name) else {
                throw invalid("`response_format.json_schema.name` must be 1-64 letters, digits, `_` or `-`")
            }
            guard let schema = spec["schema"], schema.objectValue != nil else {
                throw invalid("`response_format.json_schema.schema` must be a JSON Schema object")
            }
            if let strict = spec["strict"], !strict.isNull, strict.boolValue == nil {
                throw invalid("`response_format.json_schema.strict` must be a boolean")
            }
            return .jsonSchema(
                JSONSchemaFormat(name: name, description: spec["description"]?.stringValue, schema: schema, strict: spec["strict"]?.boolValue))
        default:
            throw invalid("`response_format.type` must be text, json_object or json_schema")
        }
    }

    static func isSchemaName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }

    static func decodeMessage(_ raw: JSONValue, at index: Int) throws(ProviderError) -> ChatMessage {
        guard let roleName = raw["role"]?.stringValue else { throw invalid("messages[\(index)].role is required") }
        let role: ChatMessage.Role
        switch roleName {
        case "system", "developer": role = .system
        case "user": role = .user
        case "assistant": role = .assistant
        case "tool": role = .tool
        default: throw invalid("messages[\(index)].role `\(roleName)` is not supported")
        }
        var message = ChatMessage(role: role)
        switch raw["content"] {
        case .string(let text)?: message.content = [.text(text)]
        case .array(let parts)?:
            for part in parts {
                switch part["type"]?.stringValue {
                case "text":
                    let breakpoint = try cacheBreakpoint(part["cache_control"], at: index)
                    message.content.append(.text(part["text"]?.stringValue ?? "", cacheBreakpoint: breakpoint))
                case "image_url":
                    guard let url = part["image_url"]?["url"]?.stringValue else {
                        throw invalid("messages[\(index)]: image_url part without url")
                    }
                    message.content.append(.image(.url(url)))
                default: throw invalid("messages[\(index)]: content part type `\(part["type"]?.stringValue ?? "?")` is not supported")
                }
            }
        case nil, .null?: break
        default: throw invalid("messages[\(index)].content must be a string or an array of parts")
        }
        // Signed reasoning sent back (LiteLLM's `thinking_blocks`) goes first, where Anthropic wants it.
        if role == .assistant, let blocks = raw["thinking_blocks"]?.arrayValue {
            let thinking = blocks.compactMap { block -> ContentPart? in
                switch block["type"]?.stringValue {
                case "thinking":
                    guard let signature = block["signature"]?.stringValue, !signature.isEmpty else { return nil }
                    return .thinking(block["thinking"]?.stringValue ?? "", signature: signature)
                case "redacted_thinking":
                    guard let data = block["data"]?.stringValue, !data.isEmpty else { return nil }
                    return .redactedThinking(data)
                default:
                    return nil
                }
            }
            message.content = thinking + message.content
        }
        // A message-level breakpoint (LiteLLM's form) marks the message's last text.
        if try cacheBreakpoint(raw["cache_control"], at: index),
            let last = message.content.lastIndex(where: { if case .text = $0 { true } else { false } }),
            case .text(let text, _) = message.content[last]
        {
            message.content[last] = .text(text, cacheBreakpoint: true)
        }
        for call in raw["tool_calls"]?.arrayValue ?? [] {
            guard let id = call["id"]?.stringValue, let name = call["function"]?["name"]?.stringValue else {
                throw invalid("messages[\(index)].tool_calls entries need id and function.name")
            }
            message.toolCalls.append(ToolCall(id: id, name: name, arguments: call["function"]?["arguments"]?.stringValue ?? "{}"))
        }
        if role == .tool {
            guard let id = raw["tool_call_id"]?.stringValue else { throw invalid("messages[\(index)].tool_call_id is required") }
            message.toolCallID = id
        }
        message.name = raw["name"]?.stringValue
        return message
    }

    /// One signed reasoning block, as callers send it back on the next turn.
    static func thinkingBlock(_ text: String, signature: String) -> JSONValue {
        ["type": "thinking", "thinking": .string(text), "signature": .string(signature)]
    }

    /// An encrypted reasoning block, sent back as it came.
    static func redactedBlock(_ data: String) -> JSONValue {
        ["type": "redacted_thinking", "data": .string(data)]
    }

    /// Anthropic's `cache_control` in OpenAI-format messages: `{"type": "ephemeral"}` marks
    /// a prompt-cache breakpoint (sent to Anthropic only).
    static func cacheBreakpoint(_ raw: JSONValue?, at index: Int) throws(ProviderError) -> Bool {
        guard let raw, !raw.isNull else { return false }
        guard raw["type"]?.stringValue == "ephemeral" else {
            throw invalid("messages[\(index)]: cache_control must be {\"type\": \"ephemeral\"}")
        }
        return true
    }

    /// `thinking` (Anthropic's shape): `{"type": "enabled", "budget_tokens": N}` or
    /// `{"type": "disabled"}`; the budget for Anthropic and Gemini routes.
    static func thinkingBudget(_ raw: JSONValue?) throws(ProviderError) -> Int? {
        guard let raw, !raw.isNull else { return nil }
        switch raw["type"]?.stringValue {
        case "disabled": return 0
        case "enabled":
            guard let budget = raw["budget_tokens"]?.intValue, budget > 0 else {
                throw invalid("`thinking.budget_tokens` must be a positive integer")
            }
            return budget
        default: throw invalid("`thinking.type` must be enabled or disabled")
        }
    }

    private static func invalid(_ message: String) -> ProviderError {
        ProviderError("invalid_request", message)
    }

    private static func positiveInt(_ json: JSONValue, _ key: String) throws(ProviderError) -> Int? {
        guard let value = json[key], !value.isNull else { return nil }
        guard let int = value.intValue, int > 0 else { throw invalid("`\(key)` must be a positive integer") }
        return int
    }

    private static func number(_ json: JSONValue, _ key: String, in range: ClosedRange<Double>) throws(ProviderError) -> Double? {
        guard let value = json[key], !value.isNull else { return nil }
        guard let number = value.doubleValue, range.contains(number) else {
            throw invalid("`\(key)` must be a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    // MARK: Server side: ChatResponse / StreamEvent → wire

    /// A `chat.completion` object.
    public static func encodeResponse(_ response: ChatResponse, id: String, model: String, created: Int) -> JSONValue {
        var message: [String: JSONValue] = [
            "role": "assistant", "content": response.message.text.isEmpty && !response.message.toolCalls.isEmpty ? .null : .string(response.message.text),
        ]
        let reasoning = response.message.content.compactMap { part -> String? in
            if case .thinking(let text, _) = part { return text }
            return nil
        }.joined()
        if !reasoning.isEmpty { message["reasoning_content"] = .string(reasoning) }
        let blocks = response.message.content.compactMap { part -> JSONValue? in
            switch part {
            case .thinking(let text, let signature?) where !signature.isEmpty: thinkingBlock(text, signature: signature)
            case .redactedThinking(let data): redactedBlock(data)
            default: nil
            }
        }
        if !blocks.isEmpty { message["thinking_blocks"] = .array(blocks) }
        if !response.message.toolCalls.isEmpty {
            message["tool_calls"] = .array(
                response.message.toolCalls.map { call in
                    ["id": .string(call.id), "type": "function", "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
                })
        }
        return [
            "id": .string(id), "object": "chat.completion", "created": .number(Double(created)), "model": .string(model),
            "choices": [["index": 0, "message": .object(message), "finish_reason": .string(response.finishReason.rawValue), "logprobs": nil]],
            "usage": encodeUsage(response.usage),
        ]
    }

    /// The `usage` object in OpenAI's shape.
    public static func encodeUsage(_ usage: Usage) -> JSONValue {
        [
            "prompt_tokens": .number(Double(usage.inputTokens)), "completion_tokens": .number(Double(usage.outputTokens)),
            "total_tokens": .number(Double(usage.totalTokens)),
            "prompt_tokens_details": ["cached_tokens": .number(Double(usage.cachedInputTokens))],
            "completion_tokens_details": ["reasoning_tokens": .number(Double(usage.reasoningTokens))],
        ]
    }

    /// Writes `chat.completion.chunk` objects for a stream of unified events: the first
    /// chunk carries the role, tool calls keep their index, the finish reason comes in its
    /// own chunk, and usage (when asked for) in a final chunk with empty `choices`.
    public struct ChunkEncoder: Sendable {
        let id: String
        let model: String
        let created: Int
        let includeUsage: Bool
        /// `"created":…,"id":…,"model":…,"object":"chat.completion.chunk"}`: how every chunk
        /// of this stream ends in canonical JSON, made once (``appendSSE(for:to:)``).
        let canonicalTail: [UInt8]
        private(set) var sentRole = false
        /// Reasoning text since the last signature, sent whole with it in `thinking_blocks`.
        private var pendingThinking = ""
        public private(set) var usage = Usage()
        public private(set) var finishReason: FinishReason?

        public init(id: String, model: String, created: Int, includeUsage: Bool) {
            self.id = id
            self.model = model
            self.created = created
            self.includeUsage = includeUsage
            let tail: JSONValue = [
                "created": .number(Double(created)), "id": .string(id), "model": .string(model), "object": "chat.completion.chunk",
            ]
            canonicalTail = Array(tail.canonicalBytes().dropFirst())
        }

        /// The chunks for one event (often one, none for `.start` after the first and for usage).
        public mutating func chunks(for event: StreamEvent) -> [JSONValue] {
            var delta: [String: JSONValue] = [:]
            var finish: JSONValue = .null
            switch event {
            case .start: break
            case .text(let text): delta["content"] = .string(text)
            case .thinking(let text, let signature):
                if !text.isEmpty {
                    delta["reasoning_content"] = .string(text)
                    pendingThinking += text
                }
                if let signature, !signature.isEmpty {
                    delta["thinking_blocks"] = [OpenAIChatFormat.thinkingBlock(pendingThinking, signature: signature)]
                    pendingThinking = ""
                }
                guard !delta.isEmpty else { return [] }
            case .redactedThinking(let data):
                delta["thinking_blocks"] = [OpenAIChatFormat.redactedBlock(data)]
            case .toolCallStart(let index, let id, let name):
                delta["tool_calls"] = [
                    ["index": .number(Double(index)), "id": .string(id), "type": "function", "function": ["name": .string(name), "arguments": ""]]
                ]
            case .toolCallArguments(let index, let fragment):
                delta["tool_calls"] = [["index": .number(Double(index)), "function": ["arguments": .string(fragment)]]]
            case .usage(let usage):
                self.usage = self.usage.merging(usage)
                return []
            case .finish(let reason):
                finishReason = reason
                finish = .string(reason.rawValue)
            }
            if !sentRole {
                delta["role"] = "assistant"
                if delta["content"] == nil && delta["tool_calls"] == nil { delta["content"] = "" }
                sentRole = true
            } else if delta.isEmpty && finish.isNull {
                return []
            }
            return [chunk(choices: [["index": 0, "delta": .object(delta), "finish_reason": finish, "logprobs": nil]])]
        }

        /// The closing chunks: usage if asked for.
        public func closingChunks() -> [JSONValue] {
            guard includeUsage else { return [] }
            var last = chunk(choices: [])
            last["usage"] = OpenAIChatFormat.encodeUsage(usage)
            return [last]
        }

        private func chunk(choices: [JSONValue]) -> JSONValue {
            [
                "id": .string(id), "object": "chat.completion.chunk", "created": .number(Double(created)),
                "model": .string(model), "choices": .array(choices),
            ]
        }
    }
}
