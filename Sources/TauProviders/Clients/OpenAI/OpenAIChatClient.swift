import TauCore

/// OpenAI chat completions, and every provider that speaks it (OpenRouter, DeepSeek,
/// xAI, Mistral, Groq, llama.cpp, Ollama).
public struct OpenAIChatClient: ModelClient {
    public let endpoint: ProviderEndpoint
    let http: UpstreamHTTP
    let dialect: OpenAIChatFormat.Dialect

    public init(endpoint: ProviderEndpoint, http: UpstreamHTTP) {
        self.endpoint = endpoint
        self.http = http
        self.dialect = .of(endpoint.kind)
    }

    var url: String { endpoint.baseURL + "/chat/completions" }

    var headers: [(String, String)] {
        var headers = endpoint.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let key = endpoint.apiKey { headers.append(("Authorization", "Bearer \(key)")) }
        return headers
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let json = try await http.postJSON(url, headers: headers, body: OpenAIChatFormat.encode(request, stream: false, dialect: dialect))
        return try OpenAIChatFormat.decodeResponse(json)
    }

    public func stream(_ request: ChatRequest) async throws -> ChatEventStream {
        let events = try await http.postSSE(url, headers: headers, body: OpenAIChatFormat.encode(request, stream: true, dialect: dialect))
        return ChatEventStream { continuation in
            let task = Task {
                var started = false
                var finished = false
                do {
                    for try await event in events {
                        if event.data == "[DONE]" { break }
                        let json: JSONValue
                        do {
                            json = try JSONValue(parsing: event.data)
                        } catch {
                            throw UpstreamFailure(.badResponse, message: "stream chunk is not JSON: \(error)")
                        }
                        if let error = json["error"], !error.isNull {
                            // OpenRouter and others report mid-stream failures as an error chunk.
                            throw UpstreamFailure(
                                started ? .streamInterrupted : .serverError,
                                message: error["message"]?.stringValue ?? "error in stream")
                        }
                        for unified in OpenAIChatFormat.decodeChunk(json, started: started) {
                            if case .finish = unified { finished = true }
                            continuation.yield(unified)
                        }
                        started = true
                    }
                    if !finished {
                        throw UpstreamFailure(started ? .streamInterrupted : .badResponse, message: "stream ended without a finish reason")
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
