import Foundation
import Testing

@testable import TauCore

/// RFC 8785 vectors, copied from the RFC and its reference test data (see Vectors/rfc8785.json).
struct CanonicalJSONTests {
    static let vectors: JSONValue = {
        guard let url = Bundle.module.url(forResource: "rfc8785", withExtension: "json", subdirectory: "Vectors"),
            let data = try? Data(contentsOf: url), let value = try? JSONValue(parsing: Array(data))
        else { return .null }
        return value
    }()

    static var numberRows: [JSONValue] { vectors["numbers"]?.arrayValue ?? [] }
    static var examples: [JSONValue] { vectors["examples"]?.arrayValue ?? [] }

    @Test func vectorsAreLoaded() {
        #expect(Self.numberRows.count >= 20)
        #expect(Self.examples.count >= 5)
    }

    @Test(arguments: numberRows)
    func numberSerialization(row: JSONValue) throws {
        let hex = try #require(row["ieee754Hex"]?.stringValue)
        let bits = try #require(UInt64(hex, radix: 16))
        let value = Double(bitPattern: bits)
        #expect(JSONValue.ecmaScriptString(value) == row["expected"]?.stringValue, "\(hex)")
    }

    @Test func nanAndInfinityHaveNoJSONForm() {
        for hex in Self.vectors["invalidNumbers"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            let value = Double(bitPattern: UInt64(hex, radix: 16) ?? 0)
            #expect(JSONValue.ecmaScriptString(value) == nil)
        }
        #expect(JSONValue.ecmaScriptString(.nan) == nil)
        #expect(JSONValue.ecmaScriptString(-.infinity) == nil)
    }

    @Test(arguments: examples)
    func canonicalizesExample(example: JSONValue) throws {
        let input = try #require(example["input"]?.stringValue)
        let expected = try #require(example["expected"]?.stringValue)
        #expect(try JSONValue(parsing: input).canonicalString() == expected)
    }

    @Test func sortsMembersByUTF16CodeUnits() throws {
        let sorting = try #require(Self.vectors["sortingExamples"]?.arrayValue?.first)
        let input = try #require(sorting["input"]?.stringValue)
        let order = try #require(sorting["expectedValueOrder"]?.arrayValue).compactMap(\.stringValue)
        let canonical = try JSONValue(parsing: input).canonicalString()
        var position = canonical.startIndex
        for value in order {
            let range = try #require(canonical.range(of: "\"\(value)\"", range: position..<canonical.endIndex), "\(value)")
            position = range.upperBound
        }
    }

    @Test func canonicalFormIsAFixedPoint() throws {
        for example in Self.examples {
            let expected = try #require(example["expected"]?.stringValue)
            #expect(try JSONValue(parsing: expected).canonicalString() == expected)
        }
    }

    @Test func escapesControlCharactersInLowerCaseHex() {
        let value: JSONValue = .string("a\u{1}\u{1f}\"\\\n\t\u{7f}\u{2028}é")
        #expect(value.canonicalString() == "\"a\\u0001\\u001f\\\"\\\\\\n\\t\u{7f}\u{2028}é\"")
    }

    @Test func ecmaScriptNumberLayouts() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-1.5, "-1.5"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
            (123456789012345680000, "123456789012345680000"), (0.000001, "0.000001"), (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.1, "0.1"), (100, "100"), (12.5, "12.5"),
        ]
        for (value, expected) in cases {
            #expect(JSONValue.ecmaScriptString(value) == expected, "\(value)")
        }
    }
}
