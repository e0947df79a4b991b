import TauCore

extension OpenAIChatFormat.ChunkEncoder {
    /// Appends the server-sent events for `event` to `bytes`: `data: <chunk>\n\n` for each of
    /// ``chunks(for:)``, in canonical JSON.
    ///
    /// A text delta after the first chunk, most of a stream, is written straight into the
    /// bytes (its canonical form is fixed but for the text) instead of being built as a
    /// `JSONValue` and serialized: the dictionaries, their hashing and the key sort cost more
    /// than the rest of the chunk's trip through the gateway.
    public mutating func appendSSE(for event: StreamEvent, to bytes: inout [UInt8]) {
        if sentRole, case .text(let text) = event {
            bytes += Self.textPrefix
            bytes += JSONValue.string(text).canonicalBytes()
            bytes += Self.textMiddle
            bytes += canonicalTail
            bytes += Self.eventEnd
            return
        }
        for chunk in chunks(for: event) { Self.appendSSE(chunk, to: &bytes) }
    }

    /// Appends the server-sent events of ``closingChunks()`` to `bytes`.
    public func appendClosingSSE(to bytes: inout [UInt8]) {
        for chunk in closingChunks() { Self.appendSSE(chunk, to: &bytes) }
    }

    /// Appends `data: <value in canonical JSON>\n\n`.
    public static func appendSSE(_ value: JSONValue, to bytes: inout [UInt8]) {
        bytes += eventStart
        bytes += value.canonicalBytes()
        bytes += eventEnd
    }

    static let eventStart = Array("data: ".utf8)
    static let eventEnd = Array("\n\n".utf8)
    /// A text chunk in canonical JSON, up to the text: members in code-point order.
    static let textPrefix = Array(#"data: {"choices":[{"delta":{"content":"#.utf8)
    /// After the text, up to the members every chunk of the stream shares.
    static let textMiddle = Array(#"},"finish_reason":null,"index":0,"logprobs":null}],"#.utf8)
}
