import TauCore

extension AnthropicFormat {
    // MARK: wire → ChatResponse

    /// Parses a `message` object (the answer of a non-streamed call).
    ///
    /// Thinking blocks come first in the unified message and text blocks are joined, the
    /// same shape `ChatResponseAccumulator` gives a streamed answer; `redacted_thinking`
    /// keeps its place among them. Server-tool blocks have no unified form and are left out.
    public static func decodeResponse(_ json: JSONValue) throws(UpstreamFailure) -> ChatResponse {
        if json["type"]?.stringValue == "error" {
            throw UpstreamFailure(.badResponse, message: json["error"]?["message"]?.stringValue ?? "error object instead of a message")
        }
        guard let blocks = json["content"]?.arrayValue else {
            throw UpstreamFailure(.badResponse, message: "message without a content array")
        }
        var thinking: [ContentPart] = []
        var text = ""
        var calls: [ToolCall] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                text += block["text"]?.stringValue ?? ""
            case "thinking":
                thinking.append(.thinking(block["thinking"]?.stringValue ?? "", signature: block["signature"]?.stringValue))
            case "redacted_thinking":
                if let data = block["data"]?.stringValue, !data.isEmpty { thinking.append(.redactedThinking(data)) }
            case "tool_use":
                guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
                    throw UpstreamFailure(.badResponse, message: "tool_use block without id or name")
                }
                calls.append(ToolCall(id: id, name: name, arguments: (block["input"] ?? [:]).canonicalString()))
            default:
                continue
            }
        }
        var content = thinking
        if !text.isEmpty { content.append(.text(text)) }
        let fallback: FinishReason = calls.isEmpty ? .stop : .toolCalls
        return ChatResponse(
            id: json["id"]?.stringValue ?? "", model: json["model"]?.stringValue ?? "",
            message: ChatMessage(role: .assistant, content: content, toolCalls: calls),
            finishReason: finishReason(json["stop_reason"]?.stringValue) ?? fallback,
            usage: json["usage"].map { UsageCounts().updated(with: $0).usage } ?? Usage())
    }

    /// Maps `stop_reason`; nil for a missing or unknown reason.
    static func finishReason(_ value: String?) -> FinishReason? {
        switch value {
        case "end_turn", "stop_sequence", "pause_turn": .stop
        case "max_tokens", "model_context_window_exceeded": .length
        case "tool_use": .toolCalls
        case "refusal": .contentFilter
        default: nil
        }
    }

    /// Anthropic's token counts as they arrive. The prompt is split in three (uncached,
    /// read from cache, written to cache); the unified `inputTokens` is their sum.
    struct UsageCounts: Sendable, Hashable {
        var input = 0
        var cacheRead = 0
        var cacheWrite = 0
        var output = 0

        /// The counts with every field present in a `usage` object replacing the old value
        /// (stream events repeat cumulative counts, and may leave some out).
        func updated(with usage: JSONValue) -> UsageCounts {
            var counts = self
            if let value = usage["input_tokens"]?.intValue { counts.input = value }
            if let value = usage["cache_read_input_tokens"]?.intValue { counts.cacheRead = value }
            if let value = usage["cache_creation_input_tokens"]?.intValue { counts.cacheWrite = value }
            if let value = usage["output_tokens"]?.intValue { counts.output = value }
            return counts
        }

        var usage: Usage {
            Usage(
                inputTokens: input + cacheRead + cacheWrite, outputTokens: output, cachedInputTokens: cacheRead,
                cacheWriteTokens: cacheWrite)
        }
    }

    /// The failure kind of an `error` object's `type` (`overloaded_error`, ...).
    static func failureKind(forErrorType type: String?) -> UpstreamFailureKind {
        switch type {
        case "rate_limit_error": .rateLimited
        case "authentication_error", "permission_error": .authentication
        case "invalid_request_error", "not_found_error", "request_too_large": .rejected
        default: .serverError
        }
    }
}
