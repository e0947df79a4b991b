/// Holds back a stream's bookkeeping events (`.start`, `.usage`) until its first
/// content event, so that a stream failing before any content counts as a failed
/// call (retryable) rather than a broken answer.
enum StreamCommitment {
    /// Reads `upstream` up to the group holding its first content event and returns a stream
    /// that gives everything read so far as its first group, then goes on reading `upstream`
    /// as it is read (no task of its own: ``PulledStream``). `onEnd(failed)` runs when the
    /// committed stream ends (not when its reader cancels or drops it).
    static func commit(
        _ upstream: ChatEventBatches, onEnd: @escaping @Sendable (_ failed: Bool) async -> Void
    ) async throws -> ChatEventBatches {
        var iterator = upstream.makeAsyncIterator()
        var held: [StreamEvent] = []
        while !held.contains(where: Self.isContent) {
            let group: [StreamEvent]?
            do {
                group = try await iterator.next()
            } catch {
                try Task.checkCancellation()
                var failure = ModelRouter.failure(from: error)
                // Nothing reached the caller yet: a break here is an ordinary, retryable failure.
                if failure.kind == .streamInterrupted { failure.kind = .unreachable }
                throw failure
            }
            // A stream read by a cancelled task ends early; that is the caller going away.
            try Task.checkCancellation()
            guard let group else { throw UpstreamFailure(.badResponse, message: "stream ended before any content") }
            held += group
        }
        return PulledStream.make(CommittedReading(upstream: iterator, held: held, onEnd: onEnd)) { reading in
            try await reading.next()
        }
    }

    static func isContent(_ event: StreamEvent) -> Bool {
        switch event {
        case .start, .usage: false
        default: true
        }
    }
}

/// A committed stream: the events read while committing, then the rest of the upstream.
private struct CommittedReading {
    var upstream: ChatEventBatches.AsyncIterator
    var held: [StreamEvent]?
    let onEnd: @Sendable (_ failed: Bool) async -> Void

    init(upstream: ChatEventBatches.AsyncIterator, held: [StreamEvent], onEnd: @escaping @Sendable (_ failed: Bool) async -> Void) {
        self.upstream = upstream
        self.held = held
        self.onEnd = onEnd
    }

    mutating func next() async throws -> [StreamEvent]? {
        if let held {
            self.held = nil
            return held
        }
        do {
            guard let group = try await upstream.next() else {
                await onEnd(false)
                return nil
            }
            return group
        } catch {
            if !(error is CancellationError) { await onEnd(true) }
            throw error
        }
    }
}
