/// Makes the client for an endpoint's wire format.
public enum ProviderClients {
    public static func make(_ endpoint: ProviderEndpoint, http: UpstreamHTTP) -> any ModelClient {
        switch endpoint.wire {
        case .openAIChat: OpenAIChatClient(endpoint: endpoint, http: http)
        case .openAIResponses: OpenAIResponsesClient(endpoint: endpoint, http: http)
        case .anthropicMessages: AnthropicClient(endpoint: endpoint, http: http)
        case .geminiGenerateContent: GeminiClient(endpoint: endpoint, http: http)
        }
    }
}
