import Testing

@testable import TauCore

struct JSONScannerTests {
    @Test func walksMembersAndElements() throws {
        var scanner = JSONScanner(Array(#" { "a" : [1, "x\u00e9", null, true] , "b":{} } "#.utf8))
        #expect(scanner.next == .object)
        try scanner.enterObject()
        #expect(try scanner.nextMember() == "a")
        try scanner.enterArray()
        #expect(try scanner.nextElement())
        #expect(try scanner.readNumber() == 1)
        #expect(try scanner.nextElement())
        #expect(try scanner.readString() == "xé")
        #expect(try scanner.nextElement())
        try scanner.readNull()
        #expect(try scanner.nextElement())
        #expect(scanner.next == .bool)
        try scanner.skipScalar()
        #expect(try !scanner.nextElement())
        #expect(try scanner.nextMember() == "b")
        try scanner.enterObject()
        #expect(try scanner.nextMember() == nil)
        #expect(try scanner.nextMember() == nil)
        try scanner.finish()
    }

    /// Every malformed text the parser refuses, the scanner refuses too when walked in full.
    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "[1 2]", "01", "1.", "-", "1e400", "tru", "\"\\ud800\"",
        "\"\\x\"", "\"\u{01}\"", "[1]]", "{\"a\"}", "{\"a\" 1}", "[", "{,}", "{\"a\":1]",
    ])
    func refusesWhatTheParserRefuses(text: String) {
        #expect(throws: CoreError.self) { try JSONParser().parse(text) }
        #expect(throws: CoreError.self) {
            var scanner = JSONScanner(Array(text.utf8))
            try Self.walk(&scanner)
            try scanner.finish()
        }
    }

    @Test func refusesTheWrongKindAndDeepNesting() {
        #expect(throws: CoreError.self) {
            var scanner = JSONScanner(Array("[1]".utf8))
            try scanner.enterObject()
        }
        #expect(throws: CoreError.self) {
            var scanner = JSONScanner(Array("{\"a\":{}}".utf8))
            try scanner.enterObject()
            _ = try scanner.nextMember()
            try scanner.skipScalar()
        }
        #expect(throws: CoreError.self) {
            var scanner = JSONScanner(Array("[[[1]]]".utf8), maxDepth: 2)
            try Self.walk(&scanner)
        }
        // At most 64 levels, whatever is asked for.
        var deep = JSONScanner(Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8), maxDepth: 500)
        #expect(throws: Never.self) {
            try Self.walk(&deep)
            try deep.finish()
        }
        #expect(throws: CoreError.self) {
            var scanner = JSONScanner(Array((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8), maxDepth: 500)
            try Self.walk(&scanner)
        }
        #expect(throws: CoreError.self) {
            var scanner = JSONScanner(Array("[1".utf8))
            try scanner.enterArray()
            _ = try scanner.nextElement()
            _ = try scanner.readNumber()
            try scanner.finish()
        }
    }

    /// Walks any value with the scanner's calls.
    static func walk(_ scanner: inout JSONScanner) throws(CoreError) {
        switch scanner.next {
        case .object:
            try scanner.enterObject()
            while try scanner.nextMember() != nil { try walk(&scanner) }
        case .array:
            try scanner.enterArray()
            while try scanner.nextElement() { try walk(&scanner) }
        default:
            try scanner.skipScalar()
        }
    }
}
