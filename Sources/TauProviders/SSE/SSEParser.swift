/// One Server-Sent Event (WHATWG HTML, "Server-sent events", event stream interpretation).
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field; nil means the default type, `message`.
    public var event: String?
    /// The `data:` lines joined with `\n`.
    public var data: String
    /// The last `id:` seen, if any.
    public var id: String?
    /// A `retry:` reconnection time in milliseconds, if the event carried one.
    public var retry: Int?

    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}

/// An incremental parser of `text/event-stream` bytes.
///
/// Feed it bytes in chunks of any size; it returns the events completed by each
/// chunk. Lines may end in CRLF, LF or CR (a CR at the end of one chunk and an LF at
/// the start of the next count as one line end). Comment lines (`:`) are skipped,
/// several `data:` lines form one event, a leading BOM is ignored. At the end of the
/// stream, `finish()` dispatches an event whose lines were complete but which lacked
/// the closing blank line (providers sometimes end that way); a partial line is dropped.
/// Lines longer than `maximumLineBytes` and events longer than `maximumEventBytes` are
/// refused, so a hostile upstream cannot make the node buffer without bound.
public struct SSEParser: Sendable {
    public var maximumLineBytes: Int
    public var maximumEventBytes: Int

    private var line: [UInt8] = []
    private var lastByteWasCR = false
    private var atStart = true
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: String?
    private var lastID: String?
    private var retry: Int?

    public init(maximumLineBytes: Int = 1 << 20, maximumEventBytes: Int = 4 << 20) {
        self.maximumLineBytes = maximumLineBytes
        self.maximumEventBytes = maximumEventBytes
    }

    /// Errors of a stream that breaks the limits.
    public enum Failure: Error, Equatable, Sendable {
        case lineTooLong
        case eventTooLarge
    }

    /// Consumes `bytes` and returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(Failure) -> [SSEEvent] {
        // One copy into an array (a memcpy for contiguous bytes): the loop then runs on
        // concrete bytes, not through a caller's generic sequence, which cost two allocations
        // per byte when called from another module.
        try feed(contiguous: Array(bytes))
    }

    private mutating func feed(contiguous bytes: [UInt8]) throws(Failure) -> [SSEEvent] {
        var events: [SSEEvent] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                if byte == 0x0A, lastByteWasCR {
                    lastByteWasCR = false
                } else {
                    lastByteWasCR = byte == 0x0D
                    if let event = try processLine() { events.append(event) }
                }
                index += 1
                continue
            }
            // The rest of the line, up to its end or the end of these bytes, in one append.
            var end = index + 1
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            lastByteWasCR = false
            guard line.count + (end - index) <= maximumLineBytes else { throw .lineTooLong }
            line.append(contentsOf: bytes[index..<end])
            index = end
        }
        return events
    }

    /// Ends the stream: returns an event left without its closing blank line, if any.
    public mutating func finish() -> SSEEvent? {
        line.removeAll()
        return dispatch()
    }

    private mutating func processLine() throws(Failure) -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        var bytes = line[...]
        if atStart {
            atStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // a BOM may open the stream
        }
        if bytes.isEmpty { return dispatch() }
        if bytes.first == UInt8(ascii: ":") { return nil }
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            field = bytes[..<colon]
            value = bytes[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = bytes
            value = []
        }
        switch String(decoding: field, as: UTF8.self) {
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
            guard data.count <= maximumEventBytes else { throw .eventTooLarge }
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { lastID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ (0x30...0x39).contains($0) }), value.count < 10 {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        default:
            break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
            retry = nil
        }
        guard hasData else { return nil }
        let type = eventType.flatMap { $0.isEmpty ? nil : $0 }
        return SSEEvent(event: type, data: String(decoding: data, as: UTF8.self), id: lastID, retry: retry)
    }
}
