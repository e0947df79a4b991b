import Testing

@testable import TauCore

struct JSONParserTests {
    @Test func parsesAllValueKinds() throws {
        let value = try JSONValue(parsing: #" { "a": [1, -2.5e3, true, false, null, "x\u00e9\ud83d\ude00"], "b": {} } "#)
        #expect(value["a"]?.arrayValue?.count == 6)
        #expect(value["a"]?.arrayValue?[1] == .number(-2500))
        #expect(value["a"]?.arrayValue?[5] == .string("xé😀"))
        #expect(value["b"] == .object([:]))
    }

    @Test(arguments: [
        ("", "json_unexpected_end"),
        ("{", "json_expected_name"),
        ("[1,]", "json_unexpected_character"),
        ("{\"a\":1,}", "json_expected_name"),
        ("{\"a\":1 \"b\":2}", "json_expected_comma"),
        ("{\"a\":1,\"a\":2}", "json_duplicate_key"),
        ("01", "json_trailing_data"),
        ("1.", "json_invalid_number"),
        ("-", "json_invalid_number"),
        ("1e", "json_invalid_number"),
        ("1e400", "json_number_out_of_range"),
        ("tru", "json_invalid_literal"),
        ("\"\\ud800\"", "json_lone_surrogate"),
        ("\"\\udc00\"", "json_lone_surrogate"),
        ("\"\\x\"", "json_invalid_escape"),
        ("\"\u{01}\"", "json_control_character"),
        ("\"abc", "json_unterminated_string"),
        ("[1] [2]", "json_trailing_data"),
        ("NaN", "json_unexpected_character"),
    ])
    func rejectsMalformedInput(input: String, code: String) {
        #expect(throws: CoreError.self) { try JSONValue(parsing: input) }
        do {
            _ = try JSONValue(parsing: input)
        } catch {
            #expect(error.code == code, "\(input)")
        }
    }

    @Test func rejectsInvalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xFF, 0x22], [0x22, 0xE2, 0x82]] {
            do {
                _ = try JSONValue(parsing: bytes)
                Issue.record("accepted \(bytes)")
            } catch {
                #expect(error.code == "json_invalid_utf8" || error.code == "json_unterminated_string")
            }
        }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: CoreError("json_too_deep", "nesting deeper than 128 at byte 128")) { try JSONValue(parsing: deep) }
        #expect((try? JSONParser(maxDepth: 300).parse(deep)) != nil)
    }

    @Test func everyPrefixOfAValidDocumentFailsCleanly() {
        let text = #"{"a":[1,2,{"b":"c\u0041"}],"d":-0.5e-3}"#
        let bytes = Array(text.utf8)
        for length in 0..<bytes.count {
            #expect((try? JSONValue(parsing: bytes[0..<length])) == nil, "prefix \(length)")
        }
        #expect((try? JSONValue(parsing: bytes)) != nil)
    }

    @Test func prettyFormUsesCanonicalOrder() throws {
        let value = try JSONValue(parsing: #"{"b":1,"a":[true]}"#)
        #expect(value.prettyString() == "{\n  \"a\": [\n    true\n  ],\n  \"b\": 1\n}")
    }
}
