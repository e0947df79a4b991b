import TauCore

extension OpenAIChatFormat {
    /// The events of one chunk of a chat-completions stream (the `data` of one SSE event other
    /// than `[DONE]`); `started` says whether an earlier chunk was decoded. A text delta takes
    /// ``textDelta(in:)``, any other chunk the full parse and ``decodeChunk(_:started:)``.
    /// - Throws: ``UpstreamFailure`` `.badResponse` for a chunk that is not JSON; for an error
    ///   chunk (OpenRouter and others report mid-stream failures so), `.streamInterrupted` once
    ///   started, else `.serverError`.
    public static func events(ofChunk chunk: [UInt8], started: Bool) throws(UpstreamFailure) -> [StreamEvent] {
        if started, let text = textDelta(in: chunk) { return text.isEmpty ? [] : [.text(text)] }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: chunk)
        } catch {
            throw UpstreamFailure(.badResponse, message: "stream chunk is not JSON: \(error)")
        }
        if let error = json["error"], !error.isNull {
            throw UpstreamFailure(started ? .streamInterrupted : .serverError, message: error["message"]?.stringValue ?? "error in stream")
        }
        return decodeChunk(json, started: started)
    }

    /// The text of a stream chunk that carries nothing but a text delta for choice 0, read
    /// without building a ``JSONValue``; nil for any other chunk, which then takes the full
    /// parse and ``decodeChunk(_:started:)``.
    ///
    /// Most of a stream is such chunks, and parsing each into dictionaries cost more than the
    /// rest of its trip through the gateway. For every chunk it accepts, the answer equals what
    /// `decodeChunk(_, started: true)` makes of the parsed chunk: `[.text(text)]`, or no event
    /// for an empty text. It accepts only the members listed below, each at most once, with the
    /// values shown; anything else (a role change, reasoning, tool calls, a finish reason,
    /// usage, an error, an unknown member, invalid JSON) is left to the full path.
    ///
    /// `{"choices":[{"index":0,"delta":{"content":"…"[,"role":"assistant"]}[,"finish_reason":null][,"logprobs":null]}]`
    /// `[,"usage":null]` plus scalar `id`, `object`, `created`, `model`, `system_fingerprint`,
    /// `service_tier`, `obfuscation`, `provider` members.
    static func textDelta(in chunk: [UInt8]) -> String? {
        var scanner = JSONScanner(chunk)
        do {
            var seen = MemberSet()
            var text: String?
            try scanner.enterObject()
            while let name = try scanner.nextMember() {
                guard let bit = topLevelMembers.firstIndex(of: name), seen.insert(bit) else { return nil }
                switch name {
                case "choices":
                    try scanner.enterArray()
                    guard try scanner.nextElement(), let content = try onlyTextChoice(&scanner), !(try scanner.nextElement()) else {
                        return nil
                    }
                    text = content
                case "usage":
                    guard scanner.next == .null else { return nil }
                    try scanner.readNull()
                default:
                    try scanner.skipScalar()
                }
            }
            try scanner.finish()
            return text
        } catch {
            return nil
        }
    }

    /// The content of a choice `{"index":0,"delta":{"content":…},…}` with nothing else to say.
    private static func onlyTextChoice(_ scanner: inout JSONScanner) throws(CoreError) -> String? {
        var seen = MemberSet()
        var content: String?
        var indexIsZero = false
        try scanner.enterObject()
        while let name = try scanner.nextMember() {
            guard let bit = choiceMembers.firstIndex(of: name), seen.insert(bit) else { return nil }
            switch name {
            case "index":
                guard scanner.next == .number, try scanner.readNumber() == 0 else { return nil }
                indexIsZero = true
            case "finish_reason", "logprobs":
                guard scanner.next == .null else { return nil }
                try scanner.readNull()
            case "delta":
                try scanner.enterObject()
                var deltaSeen = MemberSet()
                while let member = try scanner.nextMember() {
                    guard let bit = deltaMembers.firstIndex(of: member), deltaSeen.insert(bit) else { return nil }
                    switch member {
                    case "content":
                        guard scanner.next == .string else { return nil }
                        content = try scanner.readString()
                    default:  // role
                        guard scanner.next == .string, try scanner.readString() == "assistant" else { return nil }
                    }
                }
            default:
                return nil
            }
        }
        return indexIsZero ? content : nil
    }

    /// The members a text-delta chunk may have; the rest are scalars to skip.
    private static let topLevelMembers = [
        "choices", "usage", "id", "object", "created", "model", "system_fingerprint", "service_tier", "obfuscation", "provider",
    ]
    private static let choiceMembers = ["index", "finish_reason", "logprobs", "delta"]
    private static let deltaMembers = ["content", "role"]
}

/// Which of a short list of member names were seen, by position (no hashing).
private struct MemberSet {
    private var bits: UInt32 = 0

    /// Marks `position`; false when it was already marked (a duplicate member).
    mutating func insert(_ position: Int) -> Bool {
        let bit: UInt32 = 1 << UInt32(position)
        defer { bits |= bit }
        return bits & bit == 0
    }
}
