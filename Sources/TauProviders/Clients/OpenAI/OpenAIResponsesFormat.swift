import TauCore

/// The OpenAI Responses wire format (`POST /responses`), client side: the unified
/// request mapped to the wire, and the `response` object mapped back.
///
/// Requests are stateless (`store: false`): the whole conversation is sent as `input`
/// items every time, as with chat completions. Stop sequences, `seed` and the
/// penalties have no counterpart in this API and are left out.
public enum OpenAIResponsesFormat {
    // MARK: ChatRequest → wire

    /// The request body for `POST /responses`.
    public static func encode(_ request: ChatRequest, stream: Bool) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "input": .array(encodeInput(request.messages)),
            "store": false,
            "stream": .bool(stream),
        ]
        let instructions = request.messages.filter { $0.role == .system }.map(\.text).filter { !$0.isEmpty }
        if !instructions.isEmpty { body["instructions"] = .string(instructions.joined(separator: "\n\n")) }
        if !request.tools.isEmpty { body["tools"] = .array(request.tools.map(encode)) }
        if let choice = request.toolChoice { body["tool_choice"] = encode(choice) }
        if let maximum = request.maxOutputTokens { body["max_output_tokens"] = .number(Double(maximum)) }
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        if let topP = request.topP { body["top_p"] = .number(topP) }
        if let effort = request.reasoningEffort { body["reasoning"] = ["effort": .string(effort)] }
        if let parallel = request.parallelToolCalls, !request.tools.isEmpty { body["parallel_tool_calls"] = .bool(parallel) }
        if let user = request.user { body["user"] = .string(user) }
        if let format = request.responseFormat { body["text"] = ["format": format.openAIResponsesJSON] }
        return .object(body)
    }

    /// The conversation as `input` items. System messages go to `instructions` instead;
    /// an assistant's tool calls and each tool result are items of their own.
    static func encodeInput(_ messages: [ChatMessage]) -> [JSONValue] {
        var items: [JSONValue] = []
        for message in messages {
            switch message.role {
            case .system:
                continue
            case .user, .assistant:
                let parts = message.content.compactMap { encode($0, role: message.role) }
                if !parts.isEmpty {
                    items.append(["type": "message", "role": .string(message.role.rawValue), "content": .array(parts)])
                }
                for call in message.toolCalls {
                    items.append([
                        "type": "function_call", "call_id": .string(call.id), "name": .string(call.name),
                        "arguments": .string(call.arguments),
                    ])
                }
            case .tool:
                items.append([
                    "type": "function_call_output", "call_id": .string(message.toolCallID ?? ""),
                    "output": .string(message.text),
                ])
            }
        }
        return items
    }

    /// One content part; thinking is not sent back (it would need the encrypted
    /// reasoning item, which stateless requests do not keep), nor are assistant images.
    static func encode(_ part: ContentPart, role: ChatMessage.Role) -> JSONValue? {
        switch part {
        case .text(let text, _):
            return ["type": role == .assistant ? "output_text" : "input_text", "text": .string(text)]
        case .image(let source):
            guard role == .user else { return nil }
            return ["type": "input_image", "image_url": .string(source.url), "detail": "auto"]
        case .thinking, .redactedThinking:
            return nil
        }
    }

    /// A function tool; unlike chat completions, name and schema sit at the top level.
    static func encode(_ tool: ToolDefinition) -> JSONValue {
        var object: [String: JSONValue] = ["type": "function", "name": .string(tool.name), "parameters": tool.parameters]
        if let description = tool.description { object["description"] = .string(description) }
        return .object(object)
    }

    static func encode(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .tool(let name): ["type": "function", "name": .string(name)]
        }
    }

    // MARK: wire → ChatResponse

    /// Parses a `response` object.
    /// - Throws: `.badResponse` without an `output` array; for `status: failed`, the
    ///   failure its `error` describes.
    public static func decodeResponse(_ json: JSONValue) throws(UpstreamFailure) -> ChatResponse {
        if json["status"]?.stringValue == "failed" { throw failure(json["error"], afterContent: false) }
        guard let output = json["output"]?.arrayValue else {
            throw UpstreamFailure(.badResponse, message: "response without an output array")
        }
        var summaries: [String] = []
        var text = ""
        var calls: [ToolCall] = []
        for item in output {
            switch item["type"]?.stringValue {
            case "message":
                for part in item["content"]?.arrayValue ?? [] { text += visibleText(of: part) }
            case "function_call":
                guard let name = item["name"]?.stringValue else { continue }
                calls.append(
                    ToolCall(
                        id: item["call_id"]?.stringValue ?? item["id"]?.stringValue ?? "", name: name,
                        arguments: item["arguments"]?.stringValue ?? "{}"))
            case "reasoning":
                summaries += summaryTexts(of: item)
            default:
                break
            }
        }
        var content: [ContentPart] = []
        if !summaries.isEmpty { content.append(.thinking(summaries.joined(separator: thinkingSeparator))) }
        if !text.isEmpty { content.append(.text(text)) }
        return ChatResponse(
            id: json["id"]?.stringValue ?? "", model: json["model"]?.stringValue ?? "",
            message: ChatMessage(role: .assistant, content: content, toolCalls: calls),
            finishReason: finishReason(of: json, hasToolCalls: !calls.isEmpty),
            usage: json["usage"].map(decodeUsage) ?? Usage())
    }

    /// Placed between reasoning summary parts, which the API sends as separate paragraphs.
    static let thinkingSeparator = "\n\n"

    /// The text of a message content part: `output_text`, or a `refusal` (which the
    /// caller should see as the answer).
    static func visibleText(of part: JSONValue) -> String {
        switch part["type"]?.stringValue {
        case "output_text": part["text"]?.stringValue ?? ""
        case "refusal": part["refusal"]?.stringValue ?? ""
        default: ""
        }
    }

    static func summaryTexts(of reasoning: JSONValue) -> [String] {
        (reasoning["summary"]?.arrayValue ?? []).compactMap { summary in
            guard let text = summary["text"]?.stringValue, !text.isEmpty else { return nil }
            return text
        }
    }

    /// The finish reason of a completed or incomplete `response` object.
    static func finishReason(of response: JSONValue, hasToolCalls: Bool) -> FinishReason {
        if response["status"]?.stringValue == "incomplete" {
            return response["incomplete_details"]?["reason"]?.stringValue == "content_filter" ? .contentFilter : .length
        }
        return hasToolCalls ? .toolCalls : .stop
    }

    /// Parses the `usage` object.
    public static func decodeUsage(_ usage: JSONValue) -> Usage {
        Usage(
            inputTokens: usage["input_tokens"]?.intValue ?? 0, outputTokens: usage["output_tokens"]?.intValue ?? 0,
            cachedInputTokens: usage["input_tokens_details"]?["cached_tokens"]?.intValue ?? 0,
            reasoningTokens: usage["output_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0)
    }

    /// The failure for an `error` object (of a failed response or an `error` event).
    /// Once content has reached the caller the stream can only be reported as broken;
    /// before that, the code tells whether another try or route may help.
    static func failure(_ error: JSONValue?, afterContent: Bool) -> UpstreamFailure {
        let message = error?["message"]?.stringValue ?? "the response failed"
        let code = error?["code"]?.stringValue
        if afterContent { return UpstreamFailure(.streamInterrupted, message: message) }
        if code == "rate_limit_exceeded" { return UpstreamFailure(.rateLimited, message: message) }
        if UpstreamHTTP.mentionsContextLength(code: code, message: message) {
            return UpstreamFailure(.contextLengthExceeded, message: message)
        }
        return UpstreamFailure(.serverError, message: message)
    }
}
