/// A client for one provider's wire format. Implementations map the unified
/// `ChatRequest` to the wire, and the wire's answers back to `ChatResponse` and
/// `StreamEvent`s. Non-2xx answers and transport failures are `UpstreamFailure`s.
public protocol ModelClient: Sendable {
    /// Sends a request and waits for the whole answer.
    func complete(_ request: ChatRequest) async throws -> ChatResponse
    /// Sends a streamed request. Returns once the upstream accepted it (2xx head), so
    /// failures before the first token are thrown here and may be retried.
    func stream(_ request: ChatRequest) async throws -> ChatEventStream
    /// Whether the wire can ask for answers of this shape; routes that cannot are left
    /// out of a chain rather than answering free text to a caller that wants JSON.
    func supports(_ format: ResponseFormat) -> Bool
}

extension ModelClient {
    public func supports(_ format: ResponseFormat) -> Bool { true }
}

/// The wire protocols tau-node speaks.
public enum WireProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    /// OpenAI `POST /chat/completions` (also every OpenAI-compatible provider).
    case openAIChat = "openai-chat"
    /// OpenAI `POST /responses`.
    case openAIResponses = "openai-responses"
    /// Anthropic `POST /messages`.
    case anthropicMessages = "anthropic-messages"
    /// Google Gemini `models/{model}:generateContent` / `:streamGenerateContent`.
    case geminiGenerateContent = "gemini"
}
