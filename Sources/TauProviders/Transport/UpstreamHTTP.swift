import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TauCore

/// The HTTP side of every provider client: JSON POSTs and SSE streams over
/// async-http-client, with upstream errors turned into `UpstreamFailure`.
public struct UpstreamHTTP: Sendable {
    public let client: HTTPClient
    /// Longest wait for a whole non-streamed answer, or for a stream's response head.
    public var requestTimeout: Duration
    /// Largest response body read for a non-streamed answer.
    public var maximumBodyBytes: Int

    public init(client: HTTPClient, requestTimeout: Duration = .seconds(600), maximumBodyBytes: Int = 32 << 20) {
        self.client = client
        self.requestTimeout = requestTimeout
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// POSTs `body` and returns the parsed JSON answer of a 2xx response.
    public func postJSON(_ url: String, headers: [(String, String)], body: JSONValue) async throws -> JSONValue {
        let response = try await send(url, headers: headers, body: body)
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: maximumBodyBytes)
        } catch {
            throw Self.failure(for: error)
        }
        do {
            return try JSONValue(parsing: Array(bytes.readableBytesView))
        } catch {
            throw UpstreamFailure(.badResponse, status: Int(response.status.code), message: "answer is not JSON: \(error)")
        }
    }

    /// POSTs `body` and returns the SSE events of a 2xx `text/event-stream` response.
    /// Failures before the response head are thrown here (so a router may retry them);
    /// failures later end the sequence with `UpstreamFailure(.streamInterrupted)`.
    public func postSSE(_ url: String, headers: [(String, String)], body: JSONValue) async throws -> AsyncThrowingStream<SSEEvent, any Error> {
        PulledStream.flatten(try await postSSEBatches(url, headers: headers, body: body))
    }

    /// ``postSSE(_:headers:body:)`` with the events grouped by the read of the body they were
    /// parsed from (no empty groups).
    public func postSSEBatches(_ url: String, headers: [(String, String)], body: JSONValue) async throws -> AsyncThrowingStream<[SSEEvent], any Error> {
        let response = try await send(url, headers: headers + [("Accept", "text/event-stream")], body: body)
        // The body is read eagerly, by a task of its own, not when the consumer asks:
        // AsyncHTTPClient hands over one body part at a time and drops the parts it still
        // holds when the connection closes, so a lazy reader could lose what an upstream sent
        // just before breaking off. One task per stream, one switch per read of the body (the
        // later stages are pulled). Dropping the stream cancels the task, and so the request.
        let (groups, continuation) = AsyncThrowingStream.makeStream(of: [SSEEvent].self)
        let reader = Task {
            var reading = SSEReading(body: response.body.makeAsyncIterator())
            do {
                while let group = try await reading.next() { continuation.yield(group) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in reader.cancel() }
        return groups
    }

    private func send(_ url: String, headers: [(String, String)], body: JSONValue) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "tau-node")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body.canonicalBytes()))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .nanoseconds(Int64(requestTimeout.nanoseconds)))
        } catch {
            throw Self.failure(for: error)
        }
        guard (200..<300).contains(response.status.code) else {
            let text = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
            throw Self.failure(status: Int(response.status.code), headers: response.headers, body: text)
        }
        return response
    }

    /// The failure for a non-2xx answer: its kind, the provider's message and any retry hint.
    static func failure(status: Int, headers: HTTPHeaders, body: String) -> UpstreamFailure {
        let json = try? JSONValue(parsing: body)
        let error = json?["error"]
        let message =
            error?["message"]?.stringValue ?? error?.stringValue ?? json?["message"]?.stringValue
            ?? (body.isEmpty ? "HTTP \(status)" : String(body.prefix(500)))
        var kind = UpstreamFailure.kind(forStatus: status)
        if kind == .rejected && Self.mentionsContextLength(code: error?["code"]?.stringValue, message: message) {
            kind = .contextLengthExceeded
        }
        // Gemini puts its retry hint in the body (google.rpc.RetryInfo) rather than in Retry-After.
        return UpstreamFailure(
            kind, status: status, message: message, retryAfter: retryAfter(headers) ?? GeminiFormat.retryDelay(inError: error))
    }

    static func mentionsContextLength(code: String?, message: String) -> Bool {
        if code == "context_length_exceeded" { return true }
        let lower = message.lowercased()
        return lower.contains("context length") || lower.contains("context window") || lower.contains("prompt is too long")
            || lower.contains("maximum context") || (lower.contains("input token count") && lower.contains("exceeds"))
    }

    /// `retry-after-ms` (OpenAI), else `Retry-After` in seconds or as an HTTP date.
    static func retryAfter(_ headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        // Hints are untrusted: anything beyond a day is treated as absent rather than converted (and trapping).
        let day = 86_400.0
        if let millis = headers.first(name: "retry-after-ms").flatMap(Double.init), millis.isFinite, millis >= 0, millis <= day * 1000 {
            return .milliseconds(Int64(millis.rounded(.up)))
        }
        guard let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value) {
            guard seconds.isFinite, seconds >= 0, seconds <= day else { return nil }
            return .milliseconds(Int64(seconds * 1000))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        let wait = date.timeIntervalSince(now)
        guard wait.isFinite, wait <= day else { return nil }
        return .milliseconds(Int64(max(0, wait) * 1000))
    }

    /// Maps a transport error to a failure kind.
    static func failure(for error: any Error) -> UpstreamFailure {
        if let failure = error as? UpstreamFailure { return failure }
        if error is CancellationError { return UpstreamFailure(.unreachable, message: "cancelled") }
        if error is NIOTooManyBytesError { return UpstreamFailure(.badResponse, message: "answer too large") }
        if let client = error as? HTTPClientError {
            if client == .cancelled { return UpstreamFailure(.unreachable, message: "cancelled") }
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(client) {
                return UpstreamFailure(.timeout, message: "\(client)")
            }
            return UpstreamFailure(.unreachable, message: "\(client)")
        }
        return UpstreamFailure(.unreachable, message: "\(error)")
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : product &+ attoseconds / 1_000_000_000
    }
}

/// Reading the events of an SSE body, a read of the body at a time.
private struct SSEReading {
    var body: HTTPClientResponse.Body.AsyncIterator
    var parser = SSEParser()
    var bodyEnded = false

    init(body: HTTPClientResponse.Body.AsyncIterator) {
        self.body = body
    }

    /// The events of the next read that holds any; nil at the end of the body.
    /// - Throws: ``UpstreamFailure`` `.badResponse` (not an event stream) or
    ///   `.streamInterrupted` (the body broke).
    mutating func next() async throws -> [SSEEvent]? {
        while !bodyEnded {
            do {
                if let buffer = try await body.next() {
                    let events = try parser.feed(buffer.readableBytesView)
                    if !events.isEmpty { return events }
                } else {
                    bodyEnded = true
                    if let last = parser.finish() { return [last] }
                }
            } catch let failure as SSEParser.Failure {
                throw UpstreamFailure(.badResponse, message: "event stream refused: \(failure)")
            } catch {
                let cause = UpstreamHTTP.failure(for: error)
                throw UpstreamFailure(.streamInterrupted, message: "stream broke: \(cause.message)")
            }
        }
        return nil
    }
}
