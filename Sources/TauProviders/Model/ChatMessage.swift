import TauCore

/// One message of a conversation, in the unified shape every provider client maps
/// to and from its own wire format.
public struct ChatMessage: Sendable, Hashable {
    /// Who wrote the message.
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant, tool
    }

    public var role: Role
    /// Text, images and (assistant) thinking blocks, in order.
    public var content: [ContentPart]
    /// Tool calls made by an assistant message.
    public var toolCalls: [ToolCall]
    /// For a `.tool` message: the id of the call this is the result of.
    public var toolCallID: String?
    /// For a `.tool` message: the tool's name (Gemini needs it).
    public var name: String?

    public init(
        role: Role, content: [ContentPart] = [], toolCalls: [ToolCall] = [], toolCallID: String? = nil, name: String? = nil
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.name = name
    }

    /// A message with one text part.
    public static func text(_ role: Role, _ text: String) -> ChatMessage {
        ChatMessage(role: role, content: [.text(text)])
    }

    /// The text parts joined (thinking and images left out).
    public var text: String {
        content.compactMap { part in
            if case .text(let text, _) = part { return text }
            return nil
        }.joined()
    }
}

/// A piece of message content.
public enum ContentPart: Sendable, Hashable {
    /// Text. `cacheBreakpoint` marks the end of a prefix the provider may cache
    /// (Anthropic `cache_control`); other providers cache automatically and ignore it.
    case text(String, cacheBreakpoint: Bool = false)
    /// An image, for models that accept images.
    case image(ImageSource)
    /// A reasoning block produced by the model (Anthropic thinking, with the
    /// signature it must be sent back with; OpenAI reasoning summaries).
    case thinking(String, signature: String? = nil)
    /// Reasoning the provider returned encrypted (Anthropic `redacted_thinking`): opaque
    /// data to send back unchanged with the turn it belongs to.
    case redactedThinking(String)
}

/// Reasoning signatures are opaque and valid only at the provider that issued them.
/// Gemini's are kept with a `gemini:` prefix, so that a conversation that moved between
/// providers (a fallback, a model change) never sends one provider's signature to another.
public enum ReasoningSignature {
    /// The prefix of Gemini thought signatures in `ContentPart.thinking`.
    public static let geminiPrefix = "gemini:"

    /// Whether `signature` was issued by Gemini.
    public static func isGemini(_ signature: String) -> Bool { signature.hasPrefix(geminiPrefix) }
}

/// Where an image comes from.
public enum ImageSource: Sendable, Hashable {
    /// An `https:` URL or a `data:` URL.
    case url(String)
    /// Inline bytes, base64-encoded, with their media type (e.g. `image/png`).
    case base64(mediaType: String, data: String)

    /// Splits a `data:<type>;base64,<data>` URL into its parts.
    public var inline: (mediaType: String, data: String)? {
        switch self {
        case .base64(let mediaType, let data): return (mediaType, data)
        case .url(let url):
            guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
            let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
            guard header.hasSuffix(";base64") else { return nil }
            return (String(header.dropLast(7)), String(url[url.index(after: comma)...]))
        }
    }
}

/// A tool the model may call.
public struct ToolDefinition: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// JSON Schema of the arguments object.
    public var parameters: JSONValue

    public init(name: String, description: String? = nil, parameters: JSONValue = ["type": "object", "properties": [:]]) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// A call of a tool by the model.
public struct ToolCall: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The arguments as JSON text, exactly as the model produced them.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// Whether and which tool the model must call.
public enum ToolChoice: Sendable, Hashable {
    case auto, none, required
    case tool(String)
}
