import TauCore

/// Turns the server-sent events of a streamed Anthropic message into unified
/// `StreamEvent`s. A plain value with no I/O: feed it events in order.
///
/// Content blocks are numbered across all block types; tool calls are numbered among
/// `tool_use` blocks only, as `StreamEvent.toolCallStart(index:)` wants. Usage is
/// reported cumulatively (input counts from `message_start`, output counts from
/// `message_delta`). `ping` and unknown events are skipped.
public struct AnthropicStreamDecoder: Sendable {
    /// Whether text, thinking or a tool call has been produced (an error after this
    /// point interrupts an answer the caller has partly seen).
    public private(set) var producedContent = false
    /// Whether `message_stop` has arrived: the stream is complete.
    public private(set) var isComplete = false

    private var started = false
    private var finished = false
    private var counts = AnthropicFormat.UsageCounts()
    /// Tool-call index and whether any argument text arrived, by content block index.
    private var tools: [Int: (index: Int, sentArguments: Bool)] = [:]

    public init() {}

    /// The unified events for one server-sent event.
    /// - Throws: `UpstreamFailure` for an `error` event (`.streamInterrupted` once content
    ///   was produced) and `.badResponse` for data that is not JSON.
    public mutating func decode(_ event: SSEEvent) throws(UpstreamFailure) -> [StreamEvent] {
        guard !isComplete else { return [] }
        if event.event == "ping" { return [] }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: event.data)
        } catch {
            throw UpstreamFailure(.badResponse, message: "stream event is not JSON: \(error)")
        }
        // Every data object repeats its event name as `type`; the SSE name is the fallback.
        switch json["type"]?.stringValue ?? event.event {
        case "message_start": return messageStart(json["message"] ?? [:])
        case "content_block_start": return blockStart(json)
        case "content_block_delta": return blockDelta(json)
        case "content_block_stop": return blockStop(json)
        case "message_delta": return messageDelta(json)
        case "message_stop":
            isComplete = true
            return finished ? [] : [.finish(fallbackReason)]
        case "error": throw failure(json["error"] ?? [:])
        default: return []
        }
    }

    private var fallbackReason: FinishReason { tools.isEmpty ? .stop : .toolCalls }

    private mutating func messageStart(_ message: JSONValue) -> [StreamEvent] {
        var events: [StreamEvent] = []
        if !started {
            started = true
            events.append(.start(id: message["id"]?.stringValue ?? "", model: message["model"]?.stringValue ?? ""))
        }
        if let usage = message["usage"] {
            counts = counts.updated(with: usage)
            events.append(.usage(counts.usage))
        }
        return events
    }

    private mutating func blockStart(_ json: JSONValue) -> [StreamEvent] {
        guard let block = json["content_block"], let position = json["index"]?.intValue else { return [] }
        switch block["type"]?.stringValue {
        case "text":
            return content(text(block["text"]?.stringValue))
        case "thinking":
            guard let thinking = block["thinking"]?.stringValue, !thinking.isEmpty else { return [] }
            return content([.thinking(thinking)])
        case "redacted_thinking":
            // Arrives whole in its start event; no deltas follow.
            guard let data = block["data"]?.stringValue, !data.isEmpty else { return [] }
            return content([.redactedThinking(data)])
        case "tool_use":
            let index = tools.count
            var events: [StreamEvent] = [
                .toolCallStart(index: index, id: block["id"]?.stringValue ?? "", name: block["name"]?.stringValue ?? "")
            ]
            // The input is normally `{}` here and streamed as JSON text; keep it if it is not.
            var sent = false
            if let input = block["input"]?.objectValue, !input.isEmpty {
                events.append(.toolCallArguments(index: index, fragment: JSONValue.object(input).canonicalString()))
                sent = true
            }
            tools[position] = (index, sent)
            return content(events)
        default:
            return []
        }
    }

    private mutating func blockDelta(_ json: JSONValue) -> [StreamEvent] {
        guard let delta = json["delta"], let position = json["index"]?.intValue else { return [] }
        switch delta["type"]?.stringValue {
        case "text_delta":
            return content(text(delta["text"]?.stringValue))
        case "thinking_delta":
            guard let thinking = delta["thinking"]?.stringValue, !thinking.isEmpty else { return [] }
            return content([.thinking(thinking)])
        case "signature_delta":
            guard let signature = delta["signature"]?.stringValue else { return [] }
            return content([.thinking("", signature: signature)])
        case "input_json_delta":
            guard let tool = tools[position], let fragment = delta["partial_json"]?.stringValue, !fragment.isEmpty else {
                return []
            }
            tools[position]?.sentArguments = true
            return content([.toolCallArguments(index: tool.index, fragment: fragment)])
        default:
            return []
        }
    }

    /// A tool call whose input never streamed had no arguments: say `{}`, as a
    /// non-streamed answer would.
    private mutating func blockStop(_ json: JSONValue) -> [StreamEvent] {
        guard let position = json["index"]?.intValue, let tool = tools[position], !tool.sentArguments else { return [] }
        tools[position]?.sentArguments = true
        return [.toolCallArguments(index: tool.index, fragment: "{}")]
    }

    private mutating func messageDelta(_ json: JSONValue) -> [StreamEvent] {
        var events: [StreamEvent] = []
        if let reason = json["delta"]?["stop_reason"]?.stringValue {
            events.append(.finish(AnthropicFormat.finishReason(reason) ?? fallbackReason))
            finished = true
        }
        if let usage = json["usage"] {
            counts = counts.updated(with: usage)
            events.append(.usage(counts.usage))
        }
        return events
    }

    private func text(_ value: String?) -> [StreamEvent] {
        guard let value, !value.isEmpty else { return [] }
        return [.text(value)]
    }

    private mutating func content(_ events: [StreamEvent]) -> [StreamEvent] {
        if !events.isEmpty { producedContent = true }
        return events
    }

    /// The failure for an `error` event: whatever its type, an interruption once the
    /// caller has seen content, since retrying would repeat it.
    private func failure(_ error: JSONValue) -> UpstreamFailure {
        let type = error["type"]?.stringValue
        let message = error["message"]?.stringValue ?? type ?? "error in stream"
        guard !producedContent else {
            return UpstreamFailure(.streamInterrupted, message: "stream broke: \(message)")
        }
        var kind = AnthropicFormat.failureKind(forErrorType: type)
        if kind == .rejected && UpstreamHTTP.mentionsContextLength(code: nil, message: message) { kind = .contextLengthExceeded }
        return UpstreamFailure(kind, message: message)
    }
}
