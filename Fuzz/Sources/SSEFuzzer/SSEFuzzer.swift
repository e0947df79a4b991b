import CFuzzerDriver
import TauProviders

/// libFuzzer entry point: the Server-Sent Events parser on arbitrary bytes, fed in
/// chunks whose sizes the input itself decides.
///
/// Invariants besides "never crash":
/// - fed in chunks, the parser returns exactly the events of a one-shot feed;
/// - with small limits (also chosen by the input) it returns either those same events
///   or a prefix of them followed by a limit error; it fails whenever the input holds a
///   line longer than the line limit and fails with `lineTooLong` only then; for
///   well-formed UTF-8, the events it returns fit the event limit, and it fails with
///   `eventTooLarge` only when the unlimited parse holds an event over that limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func sseFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var random = SplitMix64(seed: fnv1a(bytes))
    let chunks = split(bytes, using: &random)

    let oneShot = parse([bytes[...]], with: SSEParser())
    precondition(oneShot.failure == nil, "the default limits exceed any fuzz input")
    let chunked = parse(chunks, with: SSEParser())
    precondition(chunked == oneShot, "chunked and one-shot feeds must give the same events")

    let lineLimit = 1 + Int(random.next() % 512)
    let eventLimit = 1 + Int(random.next() % 2048)
    let limited = parse(chunks, with: SSEParser(maximumLineBytes: lineLimit, maximumEventBytes: eventLimit))
    let expected = oneShot.events
    if limited.failure == nil {
        precondition(limited.events == expected, "a stream within the limits parses as without limits")
    } else {
        precondition(expected.starts(with: limited.events), "events before a limit error are the stream's first events")
    }
    let longestLine = longestLineLength(bytes)
    if longestLine > lineLimit {
        precondition(limited.failure != nil, "a line over the limit must be refused")
    }
    if limited.failure == .lineTooLong {
        precondition(longestLine > lineLimit, "lineTooLong without a long line")
    }
    // With invalid UTF-8, replacement characters make `data` longer than its bytes.
    if String(validating: bytes, as: UTF8.self) != nil {
        precondition(limited.events.allSatisfy { $0.data.utf8.count <= eventLimit }, "an event over the limit got through")
        if limited.failure == .eventTooLarge {
            precondition(expected.contains { $0.data.utf8.count > eventLimit }, "eventTooLarge without a large event")
        }
    }
    return 0
}

/// See DIDLogFuzzer: SwiftPM's debug builds rename `main`.
@_cdecl("SSEFuzzer_main")
public func sseFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return sseFuzzerTestOneInput(data, size)
    }
}

/// What a parse produced: the events, then the error that stopped it, if any.
struct Outcome: Equatable {
    var events: [SSEEvent] = []
    var failure: SSEParser.Failure?
}

func parse(_ chunks: [ArraySlice<UInt8>], with parser: SSEParser) -> Outcome {
    var parser = parser
    var outcome = Outcome()
    do {
        for chunk in chunks { outcome.events += try parser.feed(chunk) }
    } catch {
        outcome.failure = error
        return outcome
    }
    if let last = parser.finish() { outcome.events.append(last) }
    return outcome
}

/// Splits `bytes` into chunks of mixed sizes: single bytes (to land on CR/LF pairs and
/// inside UTF-8 sequences), small reads and large ones.
func split(_ bytes: [UInt8], using random: inout SplitMix64) -> [ArraySlice<UInt8>] {
    var chunks: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
        let scale: UInt64 = [1, 4, 32, 1024][Int(random.next() % 4)]
        let end = min(bytes.count, start + 1 + Int(random.next() % scale))
        chunks.append(bytes[start..<end])
        start = end
    }
    return chunks
}

/// The longest run of bytes between line ends: what the parser buffers as one line.
func longestLineLength(_ bytes: [UInt8]) -> Int {
    var longest = 0
    var current = 0
    for byte in bytes {
        if byte == 0x0A || byte == 0x0D {
            current = 0
        } else {
            current += 1
            longest = max(longest, current)
        }
    }
    return longest
}

func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return hash
}

/// A small deterministic generator, so a crashing input replays the same chunks.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
