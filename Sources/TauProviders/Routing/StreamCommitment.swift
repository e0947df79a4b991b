/// Holds back a stream's bookkeeping events (`.start`, `.usage`) until its first
/// content event, so that a stream failing before any content counts as a failed
/// call (retryable) rather than a broken answer.
enum StreamCommitment {
    /// Waits for the first content event of `upstream` and returns a stream that replays
    /// everything from the beginning. `onEnd(failed)` runs when the committed stream ends.
    static func commit(
        _ upstream: ChatEventStream, onEnd: @escaping @Sendable (_ failed: Bool) async -> Void
    ) async throws -> ChatEventStream {
        let (output, continuation) = ChatEventStream.makeStream()
        let (signal, signalContinuation) = AsyncThrowingStream<Void, any Error>.makeStream()
        let task = Task {
            var held: [StreamEvent] = []
            var committed = false
            do {
                for try await event in upstream {
                    if committed {
                        continuation.yield(event)
                        continue
                    }
                    switch event {
                    case .start, .usage:
                        held.append(event)
                    default:
                        committed = true
                        for earlier in held { continuation.yield(earlier) }
                        continuation.yield(event)
                        signalContinuation.yield(())
                        signalContinuation.finish()
                    }
                }
                if !committed {
                    signalContinuation.finish(throwing: UpstreamFailure(.badResponse, message: "stream ended before any content"))
                    continuation.finish()
                    return
                }
                continuation.finish()
                await onEnd(false)
            } catch {
                if committed {
                    continuation.finish(throwing: error)
                    if !(error is CancellationError) { await onEnd(true) }
                } else {
                    var failure = ModelRouter.failure(from: error)
                    // Nothing reached the caller yet: a break here is an ordinary, retryable failure.
                    if failure.kind == .streamInterrupted { failure.kind = .unreachable }
                    signalContinuation.finish(throwing: failure)
                    continuation.finish()
                }
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        do {
            for try await _ in signal { break }
        } catch {
            task.cancel()
            throw error
        }
        try Task.checkCancellation()
        return output
    }
}
