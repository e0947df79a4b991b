import TauCore

/// OpenAI's Responses API (`POST /responses`), chosen per endpoint with
/// `wire = .openAIResponses`. Requests are stateless (`store: false`).
public struct OpenAIResponsesClient: ModelClient {
    /// The provider this client calls.
    public let endpoint: ProviderEndpoint
    let http: UpstreamHTTP

    /// A client for `endpoint`, sending through `http`.
    public init(endpoint: ProviderEndpoint, http: UpstreamHTTP) {
        self.endpoint = endpoint
        self.http = http
    }

    var url: String { endpoint.baseURL + "/responses" }

    var headers: [(String, String)] {
        var headers = endpoint.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let key = endpoint.apiKey { headers.append(("Authorization", "Bearer \(key)")) }
        return headers
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let json = try await http.postJSON(url, headers: headers, body: OpenAIResponsesFormat.encode(request, stream: false))
        return try OpenAIResponsesFormat.decodeResponse(json)
    }

    public func stream(_ request: ChatRequest) async throws -> ChatEventStream {
        let events = try await http.postSSE(url, headers: headers, body: OpenAIResponsesFormat.encode(request, stream: true))
        return ChatEventStream { continuation in
            let task = Task {
                var decoder = OpenAIResponsesFormat.StreamDecoder()
                do {
                    for try await event in events {
                        // OpenAI sends no `[DONE]`; some compatible servers add one anyway.
                        if event.data == "[DONE]" { break }
                        let json: JSONValue
                        do {
                            json = try JSONValue(parsing: event.data)
                        } catch {
                            throw UpstreamFailure(.badResponse, message: "stream event is not JSON: \(error)")
                        }
                        for unified in try decoder.decode(json, eventName: event.event) { continuation.yield(unified) }
                        if decoder.finished { break }
                    }
                    if !decoder.finished {
                        throw UpstreamFailure(.streamInterrupted, message: "stream ended before response.completed")
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
