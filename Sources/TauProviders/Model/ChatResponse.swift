/// Why generation stopped, in OpenAI's vocabulary (the gateway's wire format).
public enum FinishReason: String, Sendable, Hashable, Codable {
    case stop
    case length
    case toolCalls = "tool_calls"
    case contentFilter = "content_filter"
}

/// Token counts of one call. `inputTokens` counts the whole prompt, cached part included
/// (OpenAI's convention; Anthropic's separate cache counts are added in).
public struct Usage: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    /// Prompt tokens read from the provider's cache (billed at the cached-input price).
    public var cachedInputTokens: Int
    /// Prompt tokens written to the provider's cache (Anthropic), part of `inputTokens`.
    public var cacheWriteTokens: Int
    /// Output tokens spent on reasoning, part of `outputTokens`.
    public var reasoningTokens: Int

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cachedInputTokens: Int = 0, cacheWriteTokens: Int = 0, reasoningTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.reasoningTokens = reasoningTokens
    }

    public var totalTokens: Int { inputTokens + outputTokens }

    /// Field-wise maximum: providers repeat cumulative counts in later stream events.
    public func merging(_ other: Usage) -> Usage {
        Usage(
            inputTokens: max(inputTokens, other.inputTokens), outputTokens: max(outputTokens, other.outputTokens),
            cachedInputTokens: max(cachedInputTokens, other.cachedInputTokens),
            cacheWriteTokens: max(cacheWriteTokens, other.cacheWriteTokens),
            reasoningTokens: max(reasoningTokens, other.reasoningTokens))
    }
}

/// A complete (non-streamed, or collected) answer.
public struct ChatResponse: Sendable, Hashable {
    /// The provider's response id.
    public var id: String
    /// The model that answered, as the provider names it.
    public var model: String
    /// The assistant message: text, thinking and tool calls.
    public var message: ChatMessage
    public var finishReason: FinishReason
    public var usage: Usage

    public init(id: String, model: String, message: ChatMessage, finishReason: FinishReason, usage: Usage) {
        self.id = id
        self.model = model
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
    }
}
