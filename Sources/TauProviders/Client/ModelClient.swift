/// A client for one provider's wire format. Implementations map the unified
/// `ChatRequest` to the wire, and the wire's answers back to `ChatResponse` and
/// `StreamEvent`s. Non-2xx answers and transport failures are `UpstreamFailure`s.
public protocol ModelClient: Sendable {
    /// Sends a request and waits for the whole answer.
    func complete(_ request: ChatRequest) async throws -> ChatResponse
    /// Sends a streamed request. Returns once the upstream accepted it (2xx head), so
    /// failures before the first token are thrown here and may be retried.
    func stream(_ request: ChatRequest) async throws -> ChatEventStream
    /// ``stream(_:)`` with the events grouped as they became available; by default each
    /// event alone.
    func streamBatches(_ request: ChatRequest) async throws -> ChatEventBatches
    /// Whether the wire can ask for answers of this shape; routes that cannot are left
    /// out of a chain rather than answering free text to a caller that wants JSON.
    func supports(_ format: ResponseFormat) -> Bool
    /// The most output tokens, reasoning included, the upstream may bill for `request` as
    /// this client sends it; nil when the wire carries no cap (the upstream's own limit
    /// applies). Budgets hold this much output while the call runs, so a client whose
    /// provider bills beyond the cap it sends must say so here.
    func outputTokenCeiling(for request: ChatRequest) -> Int?
}

extension ModelClient {
    public func supports(_ format: ResponseFormat) -> Bool { true }

    public func streamBatches(_ request: ChatRequest) async throws -> ChatEventBatches {
        PulledStream.batches(of: try await stream(request))
    }

    /// `request.maxOutputTokens`: right for wires whose cap covers reasoning too (OpenAI's
    /// `max_completion_tokens` and `max_output_tokens`, and the OpenAI-compatible `max_tokens`).
    public func outputTokenCeiling(for request: ChatRequest) -> Int? { request.maxOutputTokens }
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
