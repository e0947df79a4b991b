import TauCore

/// The shape the answer's text must take (OpenAI `response_format`).
public enum ResponseFormat: Sendable, Hashable {
    /// Free text, the default.
    case text
    /// Any valid JSON object ("JSON mode").
    case jsonObject
    /// JSON that matches a schema ("structured outputs").
    case jsonSchema(JSONSchemaFormat)
}

/// A named JSON Schema the answer must match.
public struct JSONSchemaFormat: Sendable, Hashable {
    /// The schema's name, as OpenAI requires one (letters, digits, `_` and `-`, at most 64).
    public var name: String
    public var description: String?
    /// A JSON Schema object.
    public var schema: JSONValue
    /// Constrained decoding where the provider offers a choice (OpenAI `strict`).
    public var strict: Bool?

    public init(name: String, description: String? = nil, schema: JSONValue, strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.schema = schema
        self.strict = strict
    }
}

extension ResponseFormat {
    /// OpenAI's `response_format` object (chat completions).
    var openAIChatJSON: JSONValue {
        switch self {
        case .text: ["type": "text"]
        case .jsonObject: ["type": "json_object"]
        case .jsonSchema(let format):
            ["type": "json_schema", "json_schema": .object(format.openAIFields)]
        }
    }

    /// OpenAI's `text.format` object (Responses API): the schema fields sit beside `type`.
    var openAIResponsesJSON: JSONValue {
        switch self {
        case .text: ["type": "text"]
        case .jsonObject: ["type": "json_object"]
        case .jsonSchema(let format):
            .object(format.openAIFields.merging(["type": "json_schema"]) { current, _ in current })
        }
    }
}

extension JSONSchemaFormat {
    var openAIFields: [String: JSONValue] {
        var fields: [String: JSONValue] = ["name": .string(name), "schema": schema]
        if let description { fields["description"] = .string(description) }
        if let strict { fields["strict"] = .bool(strict) }
        return fields
    }
}
