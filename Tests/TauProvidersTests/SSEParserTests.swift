import Testing

@testable import TauProviders

/// Feeds `chunks` to a fresh parser and finishes the stream.
private func parse(
    _ chunks: [[UInt8]], maximumLineBytes: Int = 1 << 20, maximumEventBytes: Int = 4 << 20
) throws(SSEParser.Failure) -> [SSEEvent] {
    var parser = SSEParser(maximumLineBytes: maximumLineBytes, maximumEventBytes: maximumEventBytes)
    var events: [SSEEvent] = []
    for chunk in chunks { events += try parser.feed(chunk) }
    if let last = parser.finish() { events.append(last) }
    return events
}

private func parse(_ text: String) throws(SSEParser.Failure) -> [SSEEvent] {
    try parse([Array(text.utf8)])
}

@Suite struct SSEParserTests {
    /// A stream with every feature: CRLF, LF and CR line ends, comments, multi-line
    /// data, event / id / retry fields, a field without a colon, `data:` without a
    /// space, non-ASCII text and a final event without its blank line.
    static let stream: [UInt8] = Array(
        ([
            "\u{FEFF}: opening comment\r\n",
            "event: message_start\r\nid: 1\r\ndata: {\"type\":\"message_start\"}\r\n\r\n",
            "data:first line\ndata: second line\n\n",
            ": keep-alive\n\n",
            "event: delta\rretry: 2500\rdata: héllo 世界 👋\r\r",
            "data\n\n",
            "id: 2\nevent: ping\ndata: [DONE]\n\n",
            "data: tail without blank line\n",
        ] as [String]).joined().utf8)

    static let expected = [
        SSEEvent(event: "message_start", data: #"{"type":"message_start"}"#, id: "1"),
        SSEEvent(data: "first line\nsecond line", id: "1"),
        SSEEvent(event: "delta", data: "héllo 世界 👋", id: "1", retry: 2500),
        SSEEvent(data: "", id: "1"),
        SSEEvent(event: "ping", data: "[DONE]", id: "2"),
        SSEEvent(data: "tail without blank line", id: "2"),
    ]

    @Test func parsesTheStreamInOneRead() throws {
        #expect(try parse([Self.stream]) == Self.expected)
    }

    @Test func everySplitPointGivesTheSameEvents() throws {
        let bytes = Self.stream
        for split in 0...bytes.count {
            let events = try parse([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(events == Self.expected, "split at \(split)")
        }
    }

    @Test func everyPairOfSplitPointsGivesTheSameEvents() throws {
        let bytes = Array(Self.stream.prefix(120))  // the first four events, with all three line ends
        let expected = try parse([bytes])
        for first in 0...bytes.count {
            for second in first...bytes.count {
                let chunks = [Array(bytes[..<first]), Array(bytes[first..<second]), Array(bytes[second...])]
                #expect(try parse(chunks) == expected, "splits at \(first), \(second)")
            }
        }
    }

    @Test func byteByByteGivesTheSameEvents() throws {
        #expect(try parse(Self.stream.map { [$0] }) == Self.expected)
    }

    @Test(arguments: ["\r\n", "\n", "\r"])
    func everyLineEndWorks(lineEnd: String) throws {
        let text = ["event: a", "data: x", "data: y", "", "data: z", "", ""].joined(separator: lineEnd)
        #expect(try parse(text) == [SSEEvent(event: "a", data: "x\ny"), SSEEvent(data: "z")])
    }

    @Test func crAtTheEndOfOneChunkAndLFAtTheStartOfTheNextAreOneLineEnd() throws {
        // Were CR and LF two line ends, the empty line between them would dispatch "a" alone.
        let events = try parse([Array("data: a\r".utf8), Array("\ndata: b\r".utf8), Array("\n\r\n".utf8)])
        #expect(events == [SSEEvent(data: "a\nb")])
        // A lone CR followed by a new chunk that does not start with LF is still a line end.
        #expect(try parse([Array("data: a\r".utf8), Array("\rdata: b\n\n".utf8)]) == [SSEEvent(data: "a"), SSEEvent(data: "b")])
    }

    @Test func commentsAreSkipped() throws {
        #expect(try parse(": just a comment\n\n:\n\n").isEmpty)
        #expect(try parse("data: a\n: in the middle\ndata: b\n\n") == [SSEEvent(data: "a\nb")])
    }

    @Test func fieldsWithoutAColonHaveAnEmptyValue() throws {
        #expect(try parse("data\n\n") == [SSEEvent(data: "")])
        #expect(try parse("data\ndata\n\n") == [SSEEvent(data: "\n")])
        #expect(try parse("event\ndata: x\n\n") == [SSEEvent(data: "x")])  // an empty type is the default type
    }

    @Test func onlyOneSpaceAfterTheColonIsRemoved() throws {
        #expect(try parse("data:x\n\n") == [SSEEvent(data: "x")])
        #expect(try parse("data:  x \n\n") == [SSEEvent(data: " x ")])
        #expect(try parse("data::x\n\n") == [SSEEvent(data: ":x")])
    }

    @Test func emptyDataLinesAreKept() throws {
        #expect(try parse("data:\n\n") == [SSEEvent(data: "")])
        #expect(try parse("data:\ndata:\ndata: x\ndata:\n\n") == [SSEEvent(data: "\n\nx\n")])
    }

    @Test func eventsWithoutDataAreNotDispatched() throws {
        #expect(try parse("event: ping\nid: 7\nretry: 10\n\n").isEmpty)
        // The id still applies to the next event; type and retry do not.
        #expect(try parse("event: ping\nid: 7\nretry: 10\n\ndata: x\n\n") == [SSEEvent(data: "x", id: "7")])
    }

    @Test func idAndRetryFollowTheSpec() throws {
        #expect(try parse("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n") == [
            SSEEvent(data: "a", id: "1"), SSEEvent(data: "b", id: "1"), SSEEvent(data: "c", id: ""),
        ])
        // An id containing NUL is ignored.
        #expect(try parse([Array("id: 1\ndata: a\n\nid: x".utf8) + [0] + Array("y\ndata: b\n\n".utf8)]) == [
            SSEEvent(data: "a", id: "1"), SSEEvent(data: "b", id: "1"),
        ])
        // retry: only ASCII digits count.
        for ignored in ["retry: 1.5", "retry: -3", "retry: 12a", "retry:", "retry: 99999999999999999999"] {
            #expect(try parse("\(ignored)\ndata: x\n\n") == [SSEEvent(data: "x")], "\(ignored)")
        }
        #expect(try parse("retry:0\ndata: x\n\n") == [SSEEvent(data: "x", retry: 0)])
    }

    @Test func unknownFieldsAreIgnored() throws {
        #expect(try parse("foo: bar\nDATA: shouting\ndata: x\n\n") == [SSEEvent(data: "x")])
    }

    @Test func aLeadingBOMIsIgnoredEvenWhenSplit() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(try parse([bom + Array("data: a\n\n".utf8)]) == [SSEEvent(data: "a")])
        #expect(try parse([[0xEF], [0xBB], [0xBF, 0x64], Array("ata: a\n\n".utf8)]) == [SSEEvent(data: "a")])
        // Only the first one: later, it is part of a field name, and that field is unknown.
        #expect(try parse([bom + Array("data: a\n\n".utf8) + bom + Array("data: b\n\n".utf8)]) == [SSEEvent(data: "a")])
    }

    @Test func finishDispatchesAnEventWithoutItsBlankLine() throws {
        #expect(try parse("data: a\n") == [SSEEvent(data: "a")])
        #expect(try parse("data: a\r") == [SSEEvent(data: "a")])
        var parser = SSEParser()
        #expect(try parser.feed(Array("data: a\n".utf8)).isEmpty)
        #expect(parser.finish() == SSEEvent(data: "a"))
        #expect(parser.finish() == nil)
    }

    @Test func finishDropsAPartialLine() throws {
        #expect(try parse("data: a\n\ndata: b").map(\.data) == ["a"])
        #expect(try parse("data: a\ndata: b").map(\.data) == ["a"])
        #expect(try parse("data: a").isEmpty)
    }

    @Test func doneIsPassedThroughAsData() throws {
        let events = try parse("data: {\"choices\":[]}\n\ndata: [DONE]\n\n")
        #expect(events.last == SSEEvent(data: "[DONE]"))
        #expect(events.count == 2)
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        let events = try parse([Array("data: a".utf8) + [0xFF, 0xC3] + Array("\n\n".utf8)])
        #expect(events == [SSEEvent(data: "a\u{FFFD}\u{FFFD}")])
    }

    @Test func lineLimitIsExactAndSpansChunks() throws {
        let line = Array("data: ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 10)  // 16 bytes
        #expect(try parse([line + [0x0A, 0x0A]], maximumLineBytes: 16).map(\.data) == [String(repeating: "x", count: 10)])
        #expect(throws: SSEParser.Failure.lineTooLong) {
            try parse([line + [0x78, 0x0A, 0x0A]], maximumLineBytes: 16)
        }
        #expect(throws: SSEParser.Failure.lineTooLong) {
            try parse(line.map { [$0] } + [[0x78]], maximumLineBytes: 16)
        }
        // Comments count too: a hostile upstream cannot stream an endless comment.
        #expect(throws: SSEParser.Failure.lineTooLong) {
            try parse([Array(repeating: UInt8(ascii: ":"), count: 17)], maximumLineBytes: 16)
        }
    }

    @Test func eventLimitIsExactAndCountsJoinedLines() throws {
        // Three lines of 3 bytes joined by 2 LFs: 11 bytes.
        let text = "data: abc\ndata: def\ndata: ghi\n\n"
        #expect(try parse([Array(text.utf8)], maximumEventBytes: 11) == [SSEEvent(data: "abc\ndef\nghi")])
        #expect(throws: SSEParser.Failure.eventTooLarge) {
            try parse([Array(text.utf8)], maximumEventBytes: 10)
        }
        // Empty data lines add up as well.
        #expect(throws: SSEParser.Failure.eventTooLarge) {
            try parse([Array(String(repeating: "data:\n", count: 100).utf8)], maximumEventBytes: 50)
        }
        // The limit is per event: many events of 11 bytes are fine.
        #expect(try parse([Array(String(repeating: text, count: 50).utf8)], maximumEventBytes: 11).count == 50)
    }
}
