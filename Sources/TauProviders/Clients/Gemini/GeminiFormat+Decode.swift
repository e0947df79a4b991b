import TauCore

extension GeminiFormat {
    /// Tool call ids this client makes up for calls Gemini sent without an id.
    static let generatedIDPrefix = "call_"

    /// Finish reasons that mean the answer was withheld or cut by a filter.
    static let filterReasons: Set<String> = [
        "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
    ]

    // MARK: wire → ChatResponse

    /// Parses a `GenerateContentResponse`. `model` names the model when the answer
    /// lacks `modelVersion`.
    public static func decodeResponse(_ json: JSONValue, model: String) throws(UpstreamFailure) -> ChatResponse {
        guard json.objectValue != nil else {
            throw UpstreamFailure(.badResponse, message: "generateContent answer is not an object")
        }
        let candidates = json["candidates"]?.arrayValue ?? []
        if candidates.isEmpty && json["promptFeedback"]?["blockReason"] == nil && json["error"] == nil {
            throw UpstreamFailure(.badResponse, message: "generateContent answer without candidates")
        }
        var decoder = GeminiStreamDecoder(model: model)
        var accumulator = ChatResponseAccumulator()
        for event in try decoder.events(for: json) { accumulator.add(event) }
        return accumulator.response
    }

    /// Parses `usageMetadata`. `promptTokenCount` already counts cached tokens; thoughts
    /// are billed as output, so they are added to the candidates' tokens.
    public static func decodeUsage(_ usage: JSONValue) -> Usage {
        let thoughts = usage["thoughtsTokenCount"]?.intValue ?? 0
        return Usage(
            inputTokens: usage["promptTokenCount"]?.intValue ?? 0,
            outputTokens: (usage["candidatesTokenCount"]?.intValue ?? 0) + thoughts,
            cachedInputTokens: usage["cachedContentTokenCount"]?.intValue ?? 0, reasoningTokens: thoughts)
    }

    /// The unified reason for a candidate's `finishReason`.
    static func finishReason(_ value: String, hasToolCalls: Bool) -> FinishReason {
        if value == "MAX_TOKENS" { return .length }
        if filterReasons.contains(value) { return .contentFilter }
        // STOP, and reasons without a unified meaning (OTHER, MALFORMED_FUNCTION_CALL, …).
        return hasToolCalls ? .toolCalls : .stop
    }

    /// The failure for an `{"error": {...}}` object found where an answer was expected.
    static func failure(forError error: JSONValue, started: Bool) -> UpstreamFailure {
        let message = error["message"]?.stringValue ?? error.stringValue ?? "error in stream"
        let status = error["code"]?.intValue
        if started { return UpstreamFailure(.streamInterrupted, status: status, message: message) }
        var kind = status.map(UpstreamFailure.kind(forStatus:)) ?? .serverError
        if kind == .rejected && UpstreamHTTP.mentionsContextLength(code: nil, message: message) {
            kind = .contextLengthExceeded
        }
        return UpstreamFailure(kind, status: status, message: message, retryAfter: retryDelay(inError: error))
    }
}

/// Turns the `GenerateContentResponse`s of a stream (or the one of a plain call) into
/// unified events: `.start` once, deltas per part, usage and `.finish` when a candidate
/// finishes. A value type with no I/O, so every transition is testable on its own.
struct GeminiStreamDecoder: Sendable {
    /// Names the model when the answer lacks `modelVersion`.
    let model: String
    /// Whether `.start` was produced.
    private(set) var started = false
    /// Whether `.finish` was produced.
    private(set) var finished = false
    private var toolCalls = 0
    private var usage: Usage?
    private var emittedUsage: Usage?

    init(model: String) {
        self.model = model
    }

    /// The events of one response object.
    /// - Throws: the failure an `error` object describes.
    mutating func events(for json: JSONValue) throws(UpstreamFailure) -> [StreamEvent] {
        if let error = json["error"] { throw GeminiFormat.failure(forError: error, started: started) }
        var events: [StreamEvent] = []
        let responseID = json["responseId"]?.stringValue ?? ""
        if !started {
            started = true
            events.append(.start(id: responseID, model: json["modelVersion"]?.stringValue ?? model))
        }
        let candidate = json["candidates"]?.arrayValue?.first
        for part in candidate?["content"]?["parts"]?.arrayValue ?? [] {
            events += partEvents(part, responseID: responseID)
        }
        if let usage = json["usageMetadata"], usage.objectValue != nil { self.usage = GeminiFormat.decodeUsage(usage) }
        var reason: FinishReason?
        if let raw = candidate?["finishReason"]?.stringValue {
            reason = GeminiFormat.finishReason(raw, hasToolCalls: toolCalls > 0)
        } else if candidate == nil, json["promptFeedback"]?["blockReason"] != nil {
            reason = .contentFilter  // the prompt itself was blocked: no candidate at all
        }
        // Usage is cumulative and repeated on every chunk; it is passed on when the
        // answer finishes (and again if a later chunk still changes it).
        if reason != nil || finished, let usage, usage != emittedUsage {
            events.append(.usage(usage))
            emittedUsage = usage
        }
        if let reason, !finished {
            finished = true
            events.append(.finish(reason))
        }
        return events
    }

    private mutating func partEvents(_ part: JSONValue, responseID: String) -> [StreamEvent] {
        let signature = part["thoughtSignature"]?.stringValue.flatMap { $0.isEmpty ? nil : ReasoningSignature.geminiPrefix + $0 }
        let text = part["text"]?.stringValue ?? ""
        if part["thought"]?.boolValue == true {
            return text.isEmpty && signature == nil ? [] : [.thinking(text, signature: signature)]
        }
        // A signature on an answer part is kept as the close of a thinking block, which
        // is where the unified types carry signatures (see `GeminiFormat`).
        var events: [StreamEvent] = signature.map { [.thinking("", signature: $0)] } ?? []
        if let call = part["functionCall"] {
            let index = toolCalls
            toolCalls += 1
            let id = call["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? Self.generatedID(responseID, index)
            events.append(.toolCallStart(index: index, id: id, name: call["name"]?.stringValue ?? ""))
            events.append(.toolCallArguments(index: index, fragment: (call["args"] ?? [:]).canonicalString()))
        } else if !text.isEmpty {
            events.append(.text(text))
        }
        return events
    }

    /// `call_<responseId>_<n>`: stable for one answer, and unlike a bare counter not
    /// repeated by the next answer of the conversation.
    static func generatedID(_ responseID: String, _ index: Int) -> String {
        let safe = responseID.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return safe.isEmpty
            ? "\(GeminiFormat.generatedIDPrefix)\(index)" : "\(GeminiFormat.generatedIDPrefix)\(safe)_\(index)"
    }
}
