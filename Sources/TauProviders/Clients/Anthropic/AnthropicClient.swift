import TauCore

/// Anthropic Messages (`POST {baseURL}/messages`), streamed or not, with prompt
/// caching (`cache_control`), tools, images and extended thinking.
public struct AnthropicClient: ModelClient {
    /// The `max_tokens` sent when a request sets no limit (Anthropic requires one).
    public static let defaultMaxOutputTokens = 8192

    public let endpoint: ProviderEndpoint
    let http: UpstreamHTTP
    /// The `max_tokens` for requests without `maxOutputTokens`.
    public let defaultMaxTokens: Int

    /// - Parameter defaultMaxTokens: the `max_tokens` for requests that set no
    ///   `maxOutputTokens`; Anthropic has no default of its own.
    public init(endpoint: ProviderEndpoint, http: UpstreamHTTP, defaultMaxTokens: Int = AnthropicClient.defaultMaxOutputTokens) {
        self.endpoint = endpoint
        self.http = http
        self.defaultMaxTokens = max(1, defaultMaxTokens)
    }

    var url: String { endpoint.baseURL + "/messages" }

    /// The endpoint's own headers, then the key and API version unless it already set them.
    var headers: [(String, String)] {
        var headers = endpoint.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let present = Set(endpoint.headers.keys.map { $0.lowercased() })
        if let key = endpoint.apiKey, !present.contains("x-api-key") { headers.append(("x-api-key", key)) }
        if !present.contains("anthropic-version") { headers.append(("anthropic-version", AnthropicFormat.apiVersion)) }
        return headers
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let body = try AnthropicFormat.encode(request, stream: false, defaultMaxTokens: defaultMaxTokens)
        return try AnthropicFormat.decodeResponse(try await http.postJSON(url, headers: headers, body: body))
    }

    /// The `max_tokens` sent: Anthropic bills thinking within it.
    public func outputTokenCeiling(for request: ChatRequest) -> Int? {
        AnthropicFormat.maxTokens(for: request, defaultMaxTokens: defaultMaxTokens)
    }

    /// Anthropic's structured outputs take a JSON Schema; there is no schema-less JSON mode.
    public func supports(_ format: ResponseFormat) -> Bool {
        if case .jsonObject = format { false } else { true }
    }

    public func stream(_ request: ChatRequest) async throws -> ChatEventStream {
        let body = try AnthropicFormat.encode(request, stream: true, defaultMaxTokens: defaultMaxTokens)
        let events = try await http.postSSE(url, headers: headers, body: body)
        return ChatEventStream { continuation in
            let task = Task {
                var decoder = AnthropicStreamDecoder()
                do {
                    for try await event in events {
                        for unified in try decoder.decode(event) { continuation.yield(unified) }
                        if decoder.isComplete { break }
                    }
                    guard decoder.isComplete else {
                        throw UpstreamFailure(.streamInterrupted, message: "stream ended before message_stop")
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
