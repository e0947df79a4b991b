/// One event of a streamed answer, in the unified shape.
///
/// Every stream starts with `.start`, then any number of deltas, and ends with
/// `.finish` (usage may come before or after it).
public enum StreamEvent: Sendable, Hashable {
    /// The response id and the model that answers.
    case start(id: String, model: String)
    /// A piece of the answer's text.
    case text(String)
    /// A piece of a reasoning block; `signature` arrives once, at its end (Anthropic).
    case thinking(String, signature: String? = nil)
    /// An encrypted reasoning block, whole (Anthropic `redacted_thinking`).
    case redactedThinking(String)
    /// A new tool call at position `index` of the message's tool calls.
    case toolCallStart(index: Int, id: String, name: String)
    /// A piece of the JSON arguments of the tool call at `index`.
    case toolCallArguments(index: Int, fragment: String)
    /// Token counts so far (cumulative; the last one wins).
    case usage(Usage)
    /// Why generation stopped.
    case finish(FinishReason)
}

/// A stream of events from a provider. Errors after the first event are
/// `UpstreamFailure(.streamInterrupted)` or `.badResponse`.
public typealias ChatEventStream = AsyncThrowingStream<StreamEvent, any Error>

/// The events of a stream in the groups they became available in (the events of one read of
/// the upstream's body), never empty: a gateway writes a group in one write instead of one
/// write per event. Errors as for ``ChatEventStream``.
public typealias ChatEventBatches = AsyncThrowingStream<[StreamEvent], any Error>

/// Folds stream events into a complete response.
public struct ChatResponseAccumulator: Sendable {
    public private(set) var id = ""
    public private(set) var model = ""
    private var text = ""
    /// Reasoning blocks in order (`.thinking` or `.redactedThinking`); a thinking block is
    /// open until its signature arrives.
    private var reasoning: [ContentPart] = []
    private var calls: [Int: ToolCall] = [:]
    public private(set) var usage = Usage()
    public private(set) var finishReason: FinishReason?

    public init() {}

    public mutating func add(_ event: StreamEvent) {
        switch event {
        case .start(let id, let model):
            self.id = id
            self.model = model
        case .text(let piece):
            text += piece
        case .thinking(let piece, let signature):
            if case .thinking(let text, nil)? = reasoning.last {
                reasoning[reasoning.count - 1] = .thinking(text + piece, signature: signature)
            } else {
                reasoning.append(.thinking(piece, signature: signature))
            }
        case .redactedThinking(let data):
            reasoning.append(.redactedThinking(data))
        case .toolCallStart(let index, let id, let name):
            calls[index] = ToolCall(id: id, name: name, arguments: calls[index]?.arguments ?? "")
        case .toolCallArguments(let index, let fragment):
            calls[index, default: ToolCall(id: "", name: "", arguments: "")].arguments += fragment
        case .usage(let usage):
            self.usage = self.usage.merging(usage)
        case .finish(let reason):
            finishReason = reason
        }
    }

    /// The response collected so far.
    public var response: ChatResponse {
        var content = reasoning
        if !text.isEmpty { content.append(.text(text)) }
        let toolCalls = calls.keys.sorted().compactMap { calls[$0] }
        return ChatResponse(
            id: id, model: model, message: ChatMessage(role: .assistant, content: content, toolCalls: toolCalls),
            finishReason: finishReason ?? (toolCalls.isEmpty ? .stop : .toolCalls), usage: usage)
    }
}
