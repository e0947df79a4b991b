/// Waiting for work that does not end when cancelled (a reply from a server, a process exit)
/// no longer than a deadline.
enum MCPDeadline {
    enum Outcome<Value: Sendable>: Sendable {
        case finished(Value)
        /// The deadline passed first; the work goes on in the background.
        case expired
        /// The waiting task was cancelled first; the work goes on in the background.
        case cancelled
    }

    /// Runs `operation` in a task of its own and returns its value, or `.expired` once
    /// `limit` has passed on `clock`, or `.cancelled` when the caller is cancelled. The
    /// caller stops waiting at once in either case; stopping the work is its business.
    static func wait<Value: Sendable>(
        _ limit: Duration, clock: any Clock<Duration>, _ operation: @escaping @Sendable () async -> Value
    ) async -> Outcome<Value> {
        let (outcomes, sink) = AsyncStream.makeStream(of: Outcome<Value>.self)
        Task {
            sink.yield(.finished(await operation()))
        }
        let timer = Task {
            do {
                try await clock.sleep(for: limit)
                sink.yield(.expired)
            } catch {}
        }
        defer { timer.cancel() }
        var iterator = outcomes.makeAsyncIterator()
        // next() returns nil when the waiting task is cancelled.
        return await iterator.next() ?? .cancelled
    }
}
