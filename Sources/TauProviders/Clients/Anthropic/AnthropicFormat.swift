import Foundation
import TauCore

/// The Anthropic Messages wire format (`POST /v1/messages`), client side: the unified
/// `ChatRequest` to a request body, and answers back to `ChatResponse` / `StreamEvent`s.
public enum AnthropicFormat {
    /// The `anthropic-version` header value this format follows.
    public static let apiVersion = "2023-06-01"

    /// The smallest thinking budget Anthropic accepts.
    public static let minimumThinkingBudget = 1024

    // MARK: ChatRequest → wire

    /// The request body for `POST /messages`.
    ///
    /// `max_tokens` is required by Anthropic: `request.maxOutputTokens`, else
    /// `defaultMaxTokens`. With extended thinking the thinking budget is added on top when
    /// the limit would not leave room for an answer after it. Anthropic refuses
    /// `temperature` and forced tool use together with thinking, so thinking drops
    /// `temperature` (and a `top_p` below 0.95), and forced tool use turns thinking off.
    /// - Throws: `invalid_request` for a tool call whose arguments are not a JSON object,
    ///   or a tool message without the id of its call.
    public static func encode(_ request: ChatRequest, stream: Bool, defaultMaxTokens: Int) throws(ProviderError) -> JSONValue {
        let (system, messages) = try encodeConversation(request.messages)
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(messages),
        ]
        if !system.isEmpty { body["system"] = .array(system) }
        if stream { body["stream"] = true }

        let budget = thinkingBudget(for: request)
        if let budget { body["thinking"] = ["type": "enabled", "budget_tokens": .number(Double(budget))] }
        body["max_tokens"] = .number(Double(maxTokens(for: request, defaultMaxTokens: defaultMaxTokens)))

        if !request.tools.isEmpty { body["tools"] = .array(request.tools.map(encode)) }
        if let choice = encode(request.toolChoice, parallel: request.parallelToolCalls, hasTools: !request.tools.isEmpty) {
            body["tool_choice"] = choice
        }
        if let temperature = request.temperature, budget == nil { body["temperature"] = .number(temperature) }
        if let topP = request.topP, budget == nil || topP >= 0.95 { body["top_p"] = .number(topP) }
        if !request.stop.isEmpty { body["stop_sequences"] = .array(request.stop.map(JSONValue.string)) }
        if let user = request.user { body["metadata"] = ["user_id": .string(user)] }
        if case .jsonSchema(let format)? = request.responseFormat {
            // Structured outputs: the answer is one text block of JSON matching the schema.
            body["output_config"] = ["format": ["type": "json_schema", "schema": format.schema]]
        }
        return .object(body)
    }

    /// The `max_tokens` sent for `request`: its `maxOutputTokens`, else `defaultMaxTokens`,
    /// with the thinking budget added when the limit would not leave room for an answer
    /// after it. Anthropic bills thinking as output within this limit, so it is also the
    /// most output a call may cost.
    public static func maxTokens(for request: ChatRequest, defaultMaxTokens: Int) -> Int {
        let maxTokens = request.maxOutputTokens ?? defaultMaxTokens
        guard let budget = thinkingBudget(for: request), maxTokens <= budget else { return maxTokens }
        return maxTokens + budget
    }

    /// The extended-thinking budget: `options.thinkingBudgetTokens` (0 turns thinking
    /// off), else one derived from `reasoningEffort` (low 1024, medium 4096, high 16384).
    /// Nil when thinking is off, including when tool use is forced and when the last
    /// assistant turn called tools without a signed thinking block.
    static func thinkingBudget(for request: ChatRequest) -> Int? {
        switch request.toolChoice {
        case .required?, .tool?: return nil
        default: break
        }
        // With thinking on, Anthropic wants the last assistant turn that used tools to start
        // with its signed thinking block, and refuses the request otherwise. Callers of the
        // OpenAI-format gateway cannot send signatures back, so such a turn is continued
        // without thinking (turning thinking off is always allowed).
        if let last = request.messages.last(where: { $0.role == .assistant }), !last.toolCalls.isEmpty,
            !last.content.contains(where: Self.isSignedReasoning)
        {
            return nil
        }
        if let tokens = request.options.thinkingBudgetTokens {
            return tokens > 0 ? max(tokens, minimumThinkingBudget) : nil
        }
        switch request.reasoningEffort?.lowercased() {
        case "low": return 1024
        case "medium": return 4096
        case "high": return 16384
        default: return nil
        }
    }

    /// Reasoning Anthropic can verify when it is sent back: signed or redacted thinking.
    static func isSignedReasoning(_ part: ContentPart) -> Bool {
        switch part {
        case .thinking(_, let signature?): !signature.isEmpty && !ReasoningSignature.isGemini(signature)
        case .redactedThinking: true
        default: false
        }
    }

    /// Splits the conversation into `system` blocks and alternating user/assistant turns.
    static func encodeConversation(_ messages: [ChatMessage]) throws(ProviderError) -> (system: [JSONValue], turns: [JSONValue]) {
        var system: [JSONValue] = []
        var turns: [(role: String, blocks: [JSONValue])] = []
        for (index, message) in messages.enumerated() {
            let role: String
            let blocks: [JSONValue]
            switch message.role {
            case .system:
                system += message.content.compactMap(textBlock)
                continue
            case .user:
                role = "user"
                blocks = message.content.compactMap(userBlock)
            case .assistant:
                role = "assistant"
                blocks = try assistantBlocks(message, at: index)
            case .tool:
                role = "user"
                blocks = [try toolResultBlock(message, at: index)]
            }
            // Anthropic refuses empty turns, and wants consecutive same-role messages as one turn.
            guard !blocks.isEmpty else { continue }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((role, blocks))
            }
        }
        return (
            system,
            turns.map { turn in
                ["role": .string(turn.role), "content": .array(turn.role == "user" ? toolResultsFirst(turn.blocks) : turn.blocks)]
            }
        )
    }

    /// Tool results must open a user turn; other blocks keep their order after them.
    private static func toolResultsFirst(_ blocks: [JSONValue]) -> [JSONValue] {
        let results = blocks.filter { $0["type"]?.stringValue == "tool_result" }
        return results + blocks.filter { $0["type"]?.stringValue != "tool_result" }
    }

    /// A text block, with `cache_control` at a cache breakpoint; nil for other parts and
    /// for empty text, which Anthropic refuses.
    private static func textBlock(_ part: ContentPart) -> JSONValue? {
        guard case .text(let text, let breakpoint) = part, !text.isEmpty else { return nil }
        var block: JSONValue = ["type": "text", "text": .string(text)]
        if breakpoint { block["cache_control"] = ephemeral }
        return block
    }

    private static let ephemeral: JSONValue = ["type": "ephemeral"]

    private static func userBlock(_ part: ContentPart) -> JSONValue? {
        switch part {
        case .text: textBlock(part)
        case .image(let source): imageBlock(source)
        case .thinking, .redactedThinking: nil
        }
    }

    /// An image block: inline bytes (also from a `data:` URL) or a URL source.
    static func imageBlock(_ source: ImageSource) -> JSONValue {
        if let inline = source.inline {
            return ["type": "image", "source": ["type": "base64", "media_type": .string(inline.mediaType), "data": .string(inline.data)]]
        }
        return ["type": "image", "source": ["type": "url", "url": .string(source.url)]]
    }

    /// Thinking first, then text, then tool calls, the order Anthropic produced them in.
    /// Thinking without an Anthropic signature (unsigned, or signed by Gemini) cannot be sent
    /// back, so it is left out; redacted thinking goes back as it came, in its place among the thinking.
    private static func assistantBlocks(_ message: ChatMessage, at index: Int) throws(ProviderError) -> [JSONValue] {
        var blocks: [JSONValue] = message.content.compactMap { part in
            switch part {
            case .thinking(let text, let signature?) where !ReasoningSignature.isGemini(signature):
                ["type": "thinking", "thinking": .string(text), "signature": .string(signature)]
            case .redactedThinking(let data): ["type": "redacted_thinking", "data": .string(data)]
            default: nil
            }
        }
        blocks += message.content.compactMap(textBlock)
        for call in message.toolCalls {
            blocks.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": try toolInput(call, at: index)])
        }
        return blocks
    }

    /// The arguments of a call as the JSON object Anthropic wants; empty text counts as `{}`.
    private static func toolInput(_ call: ToolCall, at index: Int) throws(ProviderError) -> JSONValue {
        let text = call.arguments.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return [:] }
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: text)
        } catch {
            throw invalid("messages[\(index)]: the arguments of tool call \(call.id) (\(call.name)) are not valid JSON")
        }
        guard parsed.objectValue != nil else {
            throw invalid("messages[\(index)]: the arguments of tool call \(call.id) (\(call.name)) must be a JSON object")
        }
        return parsed
    }

    /// A `tool_result` block: plain text as a string, text with images as blocks; a cache
    /// breakpoint on any text part marks the whole result.
    private static func toolResultBlock(_ message: ChatMessage, at index: Int) throws(ProviderError) -> JSONValue {
        guard let id = message.toolCallID, !id.isEmpty else {
            throw invalid("messages[\(index)]: a tool message needs the id of the call it answers")
        }
        var block: JSONValue = ["type": "tool_result", "tool_use_id": .string(id)]
        let hasImages = message.content.contains { if case .image = $0 { true } else { false } }
        if hasImages {
            block["content"] = .array(
                message.content.compactMap { part -> JSONValue? in
                    switch part {
                    case .text(let text, _): text.isEmpty ? nil : ["type": "text", "text": .string(text)]
                    case .image(let source): imageBlock(source)
                    case .thinking, .redactedThinking: nil
                    }
                })
        } else {
            block["content"] = .string(message.text)
        }
        let breakpoint = message.content.contains { if case .text(_, true) = $0 { true } else { false } }
        if breakpoint { block["cache_control"] = ephemeral }
        return block
    }

    static func encode(_ tool: ToolDefinition) -> JSONValue {
        var object: JSONValue = ["name": .string(tool.name), "input_schema": tool.parameters]
        if let description = tool.description { object["description"] = .string(description) }
        return object
    }

    /// `tool_choice`; `parallelToolCalls == false` becomes `disable_parallel_tool_use`.
    static func encode(_ choice: ToolChoice?, parallel: Bool?, hasTools: Bool) -> JSONValue? {
        var object: JSONValue
        switch choice {
        case nil:
            guard hasTools, parallel == false else { return nil }
            object = ["type": "auto"]
        case .auto?: object = ["type": "auto"]
        case .none?: return ["type": "none"]
        case .required?: object = ["type": "any"]
        case .tool(let name)?: object = ["type": "tool", "name": .string(name)]
        }
        if parallel == false && hasTools { object["disable_parallel_tool_use"] = true }
        return object
    }

    static func invalid(_ message: String) -> ProviderError {
        ProviderError("invalid_request", message)
    }
}
