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
        PulledStream.flatten(try await streamBatches(request))
    }

    public func streamBatches(_ request: ChatRequest) async throws -> ChatEventBatches {
        let events = try await http.postSSEBatches(url, headers: headers, body: OpenAIChatFormat.encode(request, stream: true, dialect: dialect))
        return PulledStream.make(ChunkReading(events: events.makeAsyncIterator())) { reading in
            try await reading.next()
        }
    }
}

/// Decoding the chunks of a chat-completions stream into events, a group of chunks at a time.
private struct ChunkReading {
    var events: AsyncThrowingStream<[SSEEvent], any Error>.AsyncIterator
    var started = false
    var finished = false
    var ended = false

    init(events: AsyncThrowingStream<[SSEEvent], any Error>.AsyncIterator) {
        self.events = events
    }

    /// The events of the next group of chunks that makes any; nil after `[DONE]` or the end.
    mutating func next() async throws -> [StreamEvent]? {
        while !ended {
            guard let group = try await events.next() else {
                ended = true
                break
            }
            var decoded: [StreamEvent] = []
            for event in group {
                if event.data == "[DONE]" {
                    ended = true
                    break
                }
                for unified in try OpenAIChatFormat.events(ofChunk: Array(event.data.utf8), started: started) {
                    if case .finish = unified { finished = true }
                    decoded.append(unified)
                }
                started = true
            }
            if !decoded.isEmpty { return decoded }
        }
        // Not called again after this throws (PulledStream).
        if !finished {
            throw UpstreamFailure(started ? .streamInterrupted : .badResponse, message: "stream ended without a finish reason")
        }
        return nil
    }
}
