import TauCore

/// The Google Gemini `generateContent` wire format (API v1beta), client side: the
/// unified `ChatRequest` as a `GenerateContentRequest` body, and (in
/// `GeminiFormat+Decode.swift`) `GenerateContentResponse`s back as `StreamEvent`s.
///
/// Thought signatures: Gemini attaches an opaque `thoughtSignature` to response parts
/// (text or `functionCall`) and Gemini 3 rejects a function-calling history that lacks
/// them. The decoder keeps each signature as the `signature` of a `.thinking` content
/// part; the encoder sends them back in order on the model turn's `functionCall` parts
/// (the i-th signature on the i-th call; when there are more signatures than calls, the
/// last ones), or, for a turn without calls, the last one on its last part. Thought
/// text itself is never sent back: Gemini ignores earlier thoughts. A function call
/// with no signature of its own (a history written by a client that dropped them, or
/// by another provider) gets Google's documented placeholder
/// `skip_thought_signature_validator` on the turn's first call, except for Gemini 1.x
/// and 2.x models, which do not validate signatures.
public enum GeminiFormat {
    /// The placeholder Google documents for function calls whose real signature is unknown.
    static let placeholderSignature = "skip_thought_signature_validator"

    /// Thinking budgets for `reasoningEffort`, within every 2.5 model's accepted range.
    static let effortBudgets: [String: Int] = ["minimal": 512, "low": 1024, "medium": 8192, "high": 24576]

    // MARK: ChatRequest → wire

    /// The body for `models/{model}:generateContent` and `:streamGenerateContent`.
    ///
    /// With `options.geminiCachedContent` set, `systemInstruction`, `tools` and
    /// `toolConfig` are left out: Gemini refuses them next to a cache, which holds its own.
    public static func encode(_ request: ChatRequest) -> JSONValue {
        var body: [String: JSONValue] = ["contents": .array(contents(request.messages, model: request.model))]
        if let cached = request.options.geminiCachedContent {
            body["cachedContent"] = .string(cached)
        } else {
            let system = request.messages.filter { $0.role == .system }.map(\.text).filter { !$0.isEmpty }
            if !system.isEmpty {
                body["systemInstruction"] = ["parts": .array(system.map { ["text": .string($0)] })]
            }
            if !request.tools.isEmpty {
                body["tools"] = [["functionDeclarations": .array(request.tools.map(encode))]]
            }
            if let choice = request.toolChoice { body["toolConfig"] = ["functionCallingConfig": encode(choice)] }
        }
        let generation = generationConfig(request)
        if !generation.isEmpty { body["generationConfig"] = .object(generation) }
        return .object(body)
    }

    /// The `thinkingConfig.thinkingBudget` sent: `options.thinkingBudgetTokens` (0 turns
    /// thinking off), else one derived from `reasoningEffort`; nil leaves the model's default.
    static func thinkingBudget(for request: ChatRequest) -> Int? {
        request.options.thinkingBudgetTokens ?? request.reasoningEffort.flatMap { effortBudgets[$0.lowercased()] }
    }

    /// The most output a request may be billed (thoughts are billed as output):
    /// `maxOutputTokens` plus the thinking budget. In practice `maxOutputTokens` bounds
    /// thoughts and answer together; Google's documentation counts thoughts apart from it,
    /// up to the thinking budget. Holding both covers either reading. Nil without a cap.
    public static func outputTokenCeiling(for request: ChatRequest) -> Int? {
        request.maxOutputTokens.map { $0 + max(0, thinkingBudget(for: request) ?? 0) }
    }

    static func generationConfig(_ request: ChatRequest) -> [String: JSONValue] {
        var config: [String: JSONValue] = [:]
        if let maximum = request.maxOutputTokens { config["maxOutputTokens"] = .number(Double(maximum)) }
        if let temperature = request.temperature { config["temperature"] = .number(temperature) }
        if let topP = request.topP { config["topP"] = .number(topP) }
        if !request.stop.isEmpty { config["stopSequences"] = .array(request.stop.map(JSONValue.string)) }
        if let seed = request.seed { config["seed"] = .number(Double(seed)) }
        if let penalty = request.presencePenalty { config["presencePenalty"] = .number(penalty) }
        if let penalty = request.frequencyPenalty { config["frequencyPenalty"] = .number(penalty) }
        switch request.responseFormat {
        case .jsonObject?:
            config["responseMimeType"] = "application/json"
        case .jsonSchema(let format)?:
            config["responseMimeType"] = "application/json"
            config["responseSchema"] = GeminiSchema.sanitize(format.schema)
        case .text?, nil:
            break
        }
        if let budget = thinkingBudget(for: request) {
            config["thinkingConfig"] = ["thinkingBudget": .number(Double(budget)), "includeThoughts": true]
        }
        return config
    }

    /// The conversation as `contents`: `user` and `model` turns, consecutive turns of
    /// one role merged (Gemini wants them alternating), tool results as
    /// `functionResponse` parts of a `user` turn. Messages with nothing to send are skipped.
    static func contents(_ messages: [ChatMessage], model: String) -> [JSONValue] {
        var turns: [(role: String, parts: [JSONValue])] = []
        for (index, message) in messages.enumerated() {
            let role: String
            let parts: [JSONValue]
            switch message.role {
            case .system:
                continue
            case .user:
                role = "user"
                parts = message.content.compactMap(encodeInput)
            case .assistant:
                role = "model"
                parts = modelParts(message, model: model)
            case .tool:
                role = "user"
                parts = [functionResponse(message, name: toolName(of: message, at: index, in: messages))]
            }
            guard !parts.isEmpty else { continue }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].parts += parts
            } else {
                turns.append((role, parts))
            }
        }
        return turns.map { ["role": .string($0.role), "parts": .array($0.parts)] }
    }

    /// A text or image part of a prompt; thinking blocks are not input.
    static func encodeInput(_ part: ContentPart) -> JSONValue? {
        switch part {
        case .text(let text, _):
            return text.isEmpty ? nil : ["text": .string(text)]
        case .image(let source):
            if let inline = source.inline {
                return ["inlineData": ["mimeType": .string(inline.mediaType), "data": .string(inline.data)]]
            }
            var file: [String: JSONValue] = ["fileUri": .string(source.url)]
            if let type = mediaType(ofURL: source.url) { file["mimeType"] = .string(type) }
            return ["fileData": .object(file)]
        case .thinking, .redactedThinking:
            return nil
        }
    }

    /// An assistant message as `model` parts, with its thought signatures put back.
    static func modelParts(_ message: ChatMessage, model: String) -> [JSONValue] {
        var parts = message.content.compactMap(encodeInput)
        // Only Gemini's own signatures go back (another provider's would be refused).
        let signatures = message.content.compactMap { part -> String? in
            guard case .thinking(_, let signature?) = part, ReasoningSignature.isGemini(signature) else { return nil }
            let bare = String(signature.dropFirst(ReasoningSignature.geminiPrefix.count))
            return bare.isEmpty ? nil : bare
        }
        if message.toolCalls.isEmpty {
            if let signature = signatures.last, let last = parts.indices.last {
                parts[last]["thoughtSignature"] = .string(signature)
            }
            return parts
        }
        // With more signatures than calls, the extra ones came from parts before the
        // calls (thoughts, text): the calls' own are the last ones.
        let skipped = max(0, signatures.count - message.toolCalls.count)
        for (position, call) in message.toolCalls.enumerated() {
            var part: [String: JSONValue] = ["functionCall": encode(call)]
            if skipped + position < signatures.count {
                part["thoughtSignature"] = .string(signatures[skipped + position])
            } else if position == 0 && validatesSignatures(model) {
                part["thoughtSignature"] = .string(placeholderSignature)
            }
            parts.append(.object(part))
        }
        return parts
    }

    static func encode(_ call: ToolCall) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(call.name), "args": arguments(call.arguments)]
        if sendsID(call.id) { object["id"] = .string(call.id) }
        return .object(object)
    }

    /// Gemini wants `args` as an object; anything else the model could not have produced.
    static func arguments(_ text: String) -> JSONValue {
        guard let parsed = try? JSONValue(parsing: text), parsed.objectValue != nil else { return [:] }
        return parsed
    }

    static func functionResponse(_ message: ChatMessage, name: String) -> JSONValue {
        let text = message.text
        var response: JSONValue = ["result": .string(text)]
        if let parsed = try? JSONValue(parsing: text), parsed.objectValue != nil { response = parsed }
        var object: [String: JSONValue] = ["name": .string(name), "response": response]
        if let id = message.toolCallID, sendsID(id) { object["id"] = .string(id) }
        return ["functionResponse": .object(object)]
    }

    /// The tool's name for a `.tool` message: its own `name`, else the name of the
    /// latest earlier assistant call with its id (ids may repeat across turns).
    static func toolName(of message: ChatMessage, at index: Int, in messages: [ChatMessage]) -> String {
        if let name = message.name, !name.isEmpty { return name }
        guard let id = message.toolCallID else { return "unknown" }
        for earlier in messages[..<index].reversed() where earlier.role == .assistant {
            if let call = earlier.toolCalls.first(where: { $0.id == id }) { return call.name }
        }
        return "unknown"
    }

    /// Whether a tool call id goes on the wire: ids Gemini issued do (it matches calls
    /// and responses by them); ids this client made up (`call_…`, as OpenAI's) do not.
    static func sendsID(_ id: String) -> Bool {
        !id.isEmpty && !id.hasPrefix(generatedIDPrefix)
    }

    /// Gemini 1.x and 2.x accept function calls without signatures; later models may not.
    static func validatesSignatures(_ model: String) -> Bool {
        let id = model.hasPrefix("models/") ? String(model.dropFirst(7)) : model
        return !(id.hasPrefix("gemini-1") || id.hasPrefix("gemini-2") || id.hasPrefix("gemma"))
    }

    static func encode(_ tool: ToolDefinition) -> JSONValue {
        var declaration: [String: JSONValue] = ["name": .string(tool.name)]
        if let description = tool.description { declaration["description"] = .string(description) }
        let parameters = GeminiSchema.sanitize(tool.parameters)
        // A function without parameters leaves them out: Gemini refuses an OBJECT with no properties.
        if let properties = parameters["properties"]?.objectValue, !properties.isEmpty {
            declaration["parameters"] = parameters
        }
        return .object(declaration)
    }

    static func encode(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: ["mode": "AUTO"]
        case .none: ["mode": "NONE"]
        case .required: ["mode": "ANY"]
        case .tool(let name): ["mode": "ANY", "allowedFunctionNames": [.string(name)]]
        }
    }

    /// The media type implied by a URL's file extension, for `fileData.mimeType`.
    static func mediaType(ofURL url: String) -> String? {
        var path = Substring(url)
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "heic": return "image/heic"
        case "heif": return "image/heif"
        case "pdf": return "application/pdf"
        default: return nil
        }
    }
}
