import Logging
import Synchronization

/// Keeps what a logger logs, for tests that check what goes to the log and what not.
public final class LogCapture: Sendable {
    /// One logged line: its level, message and metadata rendered as text.
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]

        /// The message and every metadata value, for searching.
        public var text: String { ([message] + metadata.keys.sorted().compactMap { metadata[$0] }).joined(separator: " ") }
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// Everything logged so far, oldest first.
    public var all: [Entry] { entries.withLock { $0 } }

    /// A logger that writes here, at `level` and above.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            capture.append(Entry(level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }))
        }
    }
}
