// Being written (issue 5).
public struct GeminiClient: ModelClient {
    public init(endpoint: ProviderEndpoint, http: UpstreamHTTP) {}
    public func complete(_ request: ChatRequest) async throws -> ChatResponse { throw ProviderError("todo", "todo") }
    public func stream(_ request: ChatRequest) async throws -> ChatEventStream { throw ProviderError("todo", "todo") }
}
