import Testing
@testable import TauProviders

@Suite struct SSEParserTests {
    @Test func splitsEventsAcrossReads() throws {
        var parser = SSEParser()
        let bytes = Array("data: {\"a\":1}\r\n\r\n: comment\ndata: x\ndata: y\n\n".utf8)
        var events: [SSEEvent] = []
        for byte in bytes { events += try parser.feed([byte]) }
        #expect(events == [SSEEvent(data: "{\"a\":1}"), SSEEvent(data: "x\ny")])
    }
}
