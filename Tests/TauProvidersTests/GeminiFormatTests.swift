import TauCore
import Testing

@testable import TauProviders

@Suite struct GeminiFormatTests {
    @Test func schemaKeepsGeminisSubsetAndRewritesTheRest() {
        let schema: JSONValue = [
            "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:tool:search", "type": "object",
            "additionalProperties": false,
            "$defs": [
                "Filter": [
                    "type": "object", "additionalProperties": ["type": "string"],
                    "properties": ["field": ["type": "string"], "value": ["type": ["string", "number"]]],
                    "required": ["field", "missing"],
                ]
            ],
            "properties": [
                "query": ["type": "string", "minLength": 1, "format": "uri", "examples": ["tau"]],
                "since": ["type": "string", "format": "date-time"],
                "limit": ["type": "integer", "minimum": 1, "maximum": 50, "exclusiveMaximum": 51, "default": 10],
                "level": ["type": "integer", "enum": [1, 2, 3]],
                "mode": ["const": "fast"],
                "filters": ["type": "array", "items": ["$ref": "#/$defs/Filter"], "uniqueItems": true],
                "owner": ["oneOf": [["type": "string"], ["type": "null"]]],
                "tags": ["type": "object"],
            ],
            "required": ["query", "nope"],
        ]
        let expected: JSONValue = [
            "type": "OBJECT",
            "properties": [
                "query": ["type": "STRING", "minLength": 1],
                "since": ["type": "STRING", "format": "date-time"],
                "limit": ["type": "INTEGER", "minimum": 1, "maximum": 50, "default": 10],
                "level": ["type": "INTEGER"],
                "mode": ["type": "STRING", "enum": ["fast"]],
                "filters": [
                    "type": "ARRAY",
                    "items": [
                        "type": "OBJECT",
                        "properties": [
                            "field": ["type": "STRING"],
                            "value": ["anyOf": [["type": "STRING"], ["type": "NUMBER"]]],
                        ],
                        "required": ["field"],
                    ],
                ],
                "owner": ["type": "STRING", "nullable": true],
                "tags": ["type": "OBJECT"],
            ],
            "required": ["query"],
        ]
        #expect(GeminiSchema.sanitize(schema) == expected)
    }

    @Test func recursiveReferencesAreCutOff() {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["root": ["$ref": "#/definitions/Node"]],
            "definitions": [
                "Node": ["type": "object", "properties": ["name": ["type": "string"], "child": ["$ref": "#/definitions/Node"]]]
            ],
        ]
        var node = GeminiSchema.sanitize(schema)["properties"]?["root"]
        var depth = 0
        while let child = node?["properties"]?["child"] {
            depth += 1
            node = child
        }
        #expect(depth == GeminiSchema.maximumReferenceDepth)
        #expect(node == ["type": "OBJECT"])
    }

    @Test func referencesThatFanOutStayBounded() {
        // A definition that lists itself ten times: a schema of a few hundred bytes that,
        // inlined down to the depth limit, would be over a million nodes (10^6).
        let fanOut = JSONValue.array(Array(repeating: ["$ref": "#/definitions/Node"], count: 10))
        let schema: JSONValue = ["$ref": "#/definitions/Node", "definitions": ["Node": ["anyOf": fanOut]]]
        let sanitized = GeminiSchema.sanitize(schema)
        // The budget bounds what inlining adds; the schema's own nodes come on top.
        #expect(Self.objectCount(sanitized) < 2 * GeminiSchema.maximumNodes)
        #expect(sanitized["anyOf"]?.arrayValue?.count == 10)
        #expect(GeminiSchema.sanitize(schema) == sanitized)
    }

    static func objectCount(_ value: JSONValue) -> Int {
        switch value {
        case .object(let members): 1 + members.values.reduce(0) { $0 + objectCount($1) }
        case .array(let elements): elements.reduce(0) { $0 + objectCount($1) }
        default: 0
        }
    }

    @Test func retryInfoDelaysAreProtobufDurations() throws {
        func delay(_ value: String) throws -> Duration? {
            GeminiFormat.retryDelay(inError: [
                "code": 429,
                "details": [
                    ["@type": "type.googleapis.com/google.rpc.Help", "links": []],
                    ["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": .string(value)],
                ],
            ])
        }
        #expect(try delay("13s") == .seconds(13))
        #expect(try delay("0.250s") == .milliseconds(250))
        #expect(try delay("1.0001s") == .milliseconds(1001))
        #expect(try delay("13") == nil)
        #expect(try delay("-1s") == nil)
        #expect(GeminiFormat.retryDelay(inError: ["code": 429, "message": "slow down"]) == nil)
        #expect(GeminiFormat.retryDelay(inError: nil) == nil)
    }

    @Test func modelIDsBecomeOneEscapedPathSegment() {
        #expect(GeminiClient.resourcePath("gemini-2.5-flash") == "models/gemini-2.5-flash")
        #expect(GeminiClient.resourcePath("models/gemini-2.5-flash") == "models/gemini-2.5-flash")
        #expect(GeminiClient.resourcePath("tunedModels/weather-bot-7") == "tunedModels/weather-bot-7")
        #expect(GeminiClient.resourcePath("../x:y?z=1 é") == "models/..%2Fx%3Ay%3Fz%3D1%20%C3%A9")
    }

    @Test func finishReasonsMapToTheUnifiedOnes() {
        #expect(GeminiFormat.finishReason("STOP", hasToolCalls: false) == .stop)
        #expect(GeminiFormat.finishReason("STOP", hasToolCalls: true) == .toolCalls)
        #expect(GeminiFormat.finishReason("MAX_TOKENS", hasToolCalls: true) == .length)
        for reason in ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"] {
            #expect(GeminiFormat.finishReason(reason, hasToolCalls: false) == .contentFilter)
        }
        #expect(GeminiFormat.finishReason("MALFORMED_FUNCTION_CALL", hasToolCalls: false) == .stop)
    }

    @Test func aTextAnswersSignatureGoesBackOnItsLastPart() {
        let messages: [ChatMessage] = [
            .text(.user, "Hello"),
            ChatMessage(role: .assistant, content: [.thinking("hm", signature: "gemini:AAAA"), .text("Hi"), .text("!")]),
            ChatMessage(role: .assistant, content: [.text("")]),
            ChatMessage(role: .user, content: [.text(""), .thinking("ignored")]),
            .text(.user, "Again"),
        ]
        #expect(
            GeminiFormat.contents(messages, model: "gemini-3-flash-preview") == [
                ["role": "user", "parts": [["text": "Hello"]]],
                ["role": "model", "parts": [["text": "Hi"], ["text": "!", "thoughtSignature": "AAAA"]]],
                ["role": "user", "parts": [["text": "Again"]]],
            ])
    }

    @Test func placeholderSignaturesOnlyForModelsThatValidate() {
        let turn = ChatMessage(role: .assistant, toolCalls: [ToolCall(id: "call_1", name: "f", arguments: "")])
        for model in ["gemini-2.5-pro", "models/gemini-2.0-flash", "gemini-1.5-pro"] {
            #expect(GeminiFormat.modelParts(turn, model: model) == [["functionCall": ["name": "f", "args": [:]]]])
        }
        #expect(
            GeminiFormat.modelParts(turn, model: "gemini-3-pro-preview") == [
                ["functionCall": ["name": "f", "args": [:]], "thoughtSignature": "skip_thought_signature_validator"]
            ])
    }

    @Test func aToolResultWithoutAKnownCallIsStillNamed() {
        let messages: [ChatMessage] = [
            ChatMessage(role: .assistant, toolCalls: [ToolCall(id: "call_0", name: "old", arguments: "{}")]),
            ChatMessage(role: .tool, content: [.text("1")], toolCallID: "call_0"),
            ChatMessage(role: .assistant, toolCalls: [ToolCall(id: "call_0", name: "new", arguments: "{}")]),
            ChatMessage(role: .tool, content: [.text("2")], toolCallID: "call_0"),
            ChatMessage(role: .tool, content: [.text("3")], toolCallID: "nowhere"),
        ]
        #expect(GeminiFormat.toolName(of: messages[1], at: 1, in: messages) == "old")
        #expect(GeminiFormat.toolName(of: messages[3], at: 3, in: messages) == "new")
        #expect(GeminiFormat.toolName(of: messages[4], at: 4, in: messages) == "unknown")
    }

    @Test func theDecoderPassesLaterUsageChangesOnAndFinishesOnce() throws {
        var decoder = GeminiStreamDecoder(model: "gemini-2.5-flash")
        let first = try decoder.events(for: [
            "candidates": [["content": ["parts": [["text": "Hi"]]], "finishReason": "MAX_TOKENS"]],
            "usageMetadata": ["promptTokenCount": 5, "candidatesTokenCount": 1],
        ])
        #expect(
            first == [
                .start(id: "", model: "gemini-2.5-flash"), .text("Hi"), .usage(Usage(inputTokens: 5, outputTokens: 1)),
                .finish(.length),
            ])
        let second = try decoder.events(for: [
            "candidates": [["finishReason": "STOP"]], "usageMetadata": ["promptTokenCount": 5, "candidatesTokenCount": 2],
        ])
        #expect(second == [.usage(Usage(inputTokens: 5, outputTokens: 2))])
        #expect(decoder.finished)
    }

    @Test func aNonStreamedAnswerWithoutCandidatesIsABadResponse() {
        #expect(throws: UpstreamFailure.self) {
            try GeminiFormat.decodeResponse(["usageMetadata": ["promptTokenCount": 3]], model: "gemini-2.5-flash")
        }
        let failure = #expect(throws: UpstreamFailure.self) {
            try GeminiFormat.decodeResponse(
                ["error": ["code": 429, "message": "quota", "details": [["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2s"]]]],
                model: "gemini-2.5-flash")
        }
        #expect(failure?.kind == .rateLimited)
        #expect(failure?.retryAfter == .seconds(2))
    }
}

extension GeminiFormatTests {
    @Test func signaturesAlignWithTheCallsTheyCameWith() {
        let call = { (name: String) in ToolCall(id: "call_\(name)", name: name, arguments: "{}") }
        let parallel = ChatMessage(role: .assistant, content: [.thinking("plan", signature: "gemini:S1")], toolCalls: [call("a"), call("b")])
        #expect(
            GeminiFormat.modelParts(parallel, model: "gemini-3-pro-preview") == [
                ["functionCall": ["name": "a", "args": [:]], "thoughtSignature": "S1"],
                ["functionCall": ["name": "b", "args": [:]]],
            ])
        let textFirst = ChatMessage(
            role: .assistant, content: [.thinking("", signature: "gemini:T0"), .thinking("", signature: "gemini:C1"), .text("Checking")],
            toolCalls: [call("a")])
        #expect(
            GeminiFormat.modelParts(textFirst, model: "gemini-3-pro-preview") == [
                ["text": "Checking"], ["functionCall": ["name": "a", "args": [:]], "thoughtSignature": "C1"],
            ])
    }
}
