import TauCore

/// Estimates how many prompt tokens a request will use, before anything is sent.
///
/// The gateway rejects a request whose estimate plus its output allowance cannot fit
/// the model's context window. There is no tokenizer to run for most providers, and
/// shipping OpenAI's 200k-entry vocabulary for a preflight check is not worth it, so
/// this imitates `o200k_base` (GPT-4o and later): the text is split exactly as the
/// encoding's pre-tokenizer splits it, and each piece is priced by a rule calibrated
/// on real counts (letters, length, script, punctuation). Accuracy on the calibration
/// samples and the limits of the method (Claude and Gemini count differently) are in
/// docs/token-estimation.md.
public struct TokenEstimator: Sendable {
    /// Tokens every message costs besides its content (OpenAI's cookbook: the
    /// `<|start|>`, separator and `<|end|>` tokens around each message).
    public static let tokensPerMessage = 3
    /// Tokens that prime the reply (`<|start|>assistant<|message|>`), once per request.
    public static let tokensForReplyPriming = 3
    /// Extra tokens of a message that carries a `name`.
    public static let tokensPerName = 1
    /// Tokens charged per image, whatever its size: OpenAI's price of one 1024×1024
    /// image at high detail (85 + 170 × 4 tiles). Sizes are not known without decoding
    /// the image; see docs/token-estimation.md for the other providers.
    public static let tokensPerImage = 765
    /// Wrapper tokens of one tool call (id, type and argument framing) besides its
    /// name and arguments.
    public static let tokensPerToolCall = 3
    /// Wrapper tokens of one tool definition besides its JSON text.
    public static let tokensPerTool = 3

    public init() {}

    /// The estimated number of `o200k_base` tokens of `text` on its own.
    public func count(_ text: String) -> Int {
        guard !text.isEmpty else { return 0 }
        let pieces = PreTokenizer(text)
        var total = 0.0
        pieces.forEachPiece { range, kind in
            total += Self.tokens(of: range, kind: kind, in: pieces)
        }
        return max(1, Int(total.rounded()))
    }

    /// The estimated prompt tokens of a whole chat request: every message with its
    /// overhead, role, name, text, thinking, images and tool calls; the tool
    /// definitions; and the reply priming.
    public func estimate(_ request: ChatRequest) -> Int {
        var total = Self.tokensForReplyPriming
        for message in request.messages {
            total += estimate(message)
        }
        for tool in request.tools {
            total += Self.tokensPerTool + count(Self.json(of: tool).canonicalString())
        }
        if case .jsonSchema(let format)? = request.responseFormat {
            // Providers put the schema into the prompt, like a tool's parameters.
            total += Self.tokensPerTool + count(format.schema.canonicalString())
        }
        return total
    }

    /// The tokens of one message, overhead included.
    public func estimate(_ message: ChatMessage) -> Int {
        var total = Self.tokensPerMessage + count(message.role.rawValue)
        if let name = message.name {
            total += Self.tokensPerName + count(name)
        }
        for part in message.content {
            switch part {
            case .text(let text, _), .thinking(let text, _):
                total += count(text)
            case .image:
                total += Self.tokensPerImage
            case .redactedThinking:
                // Encrypted; its size says little about the tokens behind it, and it is rare.
                break
            }
        }
        for call in message.toolCalls {
            total += Self.tokensPerToolCall + count(call.name) + count(call.arguments)
        }
        return total
    }

    /// A tool definition as OpenAI's chat API spells it, the way it is counted.
    static func json(of tool: ToolDefinition) -> JSONValue {
        var function: [String: JSONValue] = ["name": .string(tool.name), "parameters": tool.parameters]
        if let description = tool.description { function["description"] = .string(description) }
        return ["type": "function", "function": .object(function)]
    }
}
