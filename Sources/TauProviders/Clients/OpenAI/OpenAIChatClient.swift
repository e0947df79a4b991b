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
        return PulledStream.make(ChunkReading(events: events.makeAsyncIterator())) { reading in
            try await reading.next()
        }
    }
}

/// Decoding the chunks of a chat-completions stream into events, one event at a time.
private struct ChunkReading {
    var events: AsyncThrowingStream<SSEEvent, any Error>.AsyncIterator
    var pending: [StreamEvent] = []
    var position = 0
    var started = false
    var finished = false
    var ended = false

    init(events: AsyncThrowingStream<SSEEvent, any Error>.AsyncIterator) {
        self.events = events
    }

    mutating func next() async throws -> StreamEvent? {
        while position == pending.count {
            guard !ended else { return nil }
            pending.removeAll(keepingCapacity: true)
            position = 0
            guard let event = try await events.next(), event.data != "[DONE]" else {
                ended = true
                if !finished {
                    throw UpstreamFailure(started ? .streamInterrupted : .badResponse, message: "stream ended without a finish reason")
                }
                return nil
            }
            let json: JSONValue
            do {
                json = try JSONValue(parsing: event.data)
            } catch {
                throw UpstreamFailure(.badResponse, message: "stream chunk is not JSON: \(error)")
            }
            if let error = json["error"], !error.isNull {
                // OpenRouter and others report mid-stream failures as an error chunk.
                throw UpstreamFailure(started ? .streamInterrupted : .serverError, message: error["message"]?.stringValue ?? "error in stream")
            }
            pending = OpenAIChatFormat.decodeChunk(json, started: started)
            if pending.contains(where: { if case .finish = $0 { true } else { false } }) { finished = true }
            started = true
        }
        defer { position += 1 }
        return pending[position]
    }
}
