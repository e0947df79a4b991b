import TauCore

extension GeminiClient {
    /// Streams `:streamGenerateContent?alt=sse`, where every `data:` is a whole
    /// `GenerateContentResponse` carrying the next parts.
    public func stream(_ request: ChatRequest) async throws -> ChatEventStream {
        let events = try await http.postSSE(
            url(request.model, method: "streamGenerateContent") + "?alt=sse", headers: headers,
            body: GeminiFormat.encode(request))
        let model = Self.modelID(request.model)
        return ChatEventStream { continuation in
            let task = Task {
                var decoder = GeminiStreamDecoder(model: model)
                do {
                    for try await event in events {
                        let json: JSONValue
                        do {
                            json = try JSONValue(parsing: event.data)
                        } catch {
                            throw UpstreamFailure(.badResponse, message: "stream chunk is not JSON: \(error)")
                        }
                        for unified in try decoder.events(for: json) { continuation.yield(unified) }
                    }
                    if !decoder.finished {
                        throw UpstreamFailure(
                            decoder.started ? .streamInterrupted : .badResponse,
                            message: "stream ended without a finish reason")
                    }
                    continuation.finish()
                } catch let failure as UpstreamFailure where failure.kind == .streamInterrupted && decoder.finished {
                    // The answer was complete; only the connection's close went wrong.
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
