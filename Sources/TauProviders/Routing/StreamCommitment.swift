/// Holds back a stream's bookkeeping events (`.start`, `.usage`) until its first
/// content event, so that a stream failing before any content counts as a failed
/// call (retryable) rather than a broken answer.
enum StreamCommitment {
    /// Reads `upstream` up to its first content event and returns a stream that replays
    /// everything from the beginning, then goes on reading `upstream` as it is read (no task
    /// of its own: ``PulledStream``). `onEnd(failed)` runs when the committed stream ends
    /// (not when its reader cancels or drops it).
    static func commit(
        _ upstream: ChatEventStream, onEnd: @escaping @Sendable (_ failed: Bool) async -> Void
    ) async throws -> ChatEventStream {
        var iterator = upstream.makeAsyncIterator()
        var held: [StreamEvent] = []
        while true {
            let event: StreamEvent?
            do {
                event = try await iterator.next()
            } catch {
                try Task.checkCancellation()
                var failure = ModelRouter.failure(from: error)
                // Nothing reached the caller yet: a break here is an ordinary, retryable failure.
                if failure.kind == .streamInterrupted { failure.kind = .unreachable }
                throw failure
            }
            // A stream read by a cancelled task ends early; that is the caller going away.
            try Task.checkCancellation()
            guard let event else { throw UpstreamFailure(.badResponse, message: "stream ended before any content") }
            held.append(event)
            switch event {
            case .start, .usage: continue
            default: break
            }
            break
        }
        return PulledStream.make(CommittedReading(upstream: iterator, held: held, onEnd: onEnd)) { reading in
            try await reading.next()
        }
    }
}

/// A committed stream: the events read while committing, then the rest of the upstream.
private struct CommittedReading {
    var upstream: ChatEventStream.AsyncIterator
    let held: [StreamEvent]
    var position = 0
    let onEnd: @Sendable (_ failed: Bool) async -> Void

    init(upstream: ChatEventStream.AsyncIterator, held: [StreamEvent], onEnd: @escaping @Sendable (_ failed: Bool) async -> Void) {
        self.upstream = upstream
        self.held = held
        self.onEnd = onEnd
    }

    mutating func next() async throws -> StreamEvent? {
        if position < held.count {
            defer { position += 1 }
            return held[position]
        }
        do {
            guard let event = try await upstream.next() else {
                await onEnd(false)
                return nil
            }
            return event
        } catch {
            if !(error is CancellationError) { await onEnd(true) }
            throw error
        }
    }
}
