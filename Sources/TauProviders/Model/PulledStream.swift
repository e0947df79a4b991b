/// Streams whose elements are made on demand, in the task that iterates them
/// (`AsyncThrowingStream(unfolding:)`), instead of by a task of their own feeding a buffer.
///
/// A streamed answer passes through several stages (the SSE parser, the provider's decoder,
/// the router's commitment, the service's accounting); a buffered stage costs a task, and a
/// task switch and a continuation per event. Pulled stages cost a function call: the consumer's
/// `next()` runs every stage's step in turn. Cancelling the consumer's task reaches the
/// innermost `await` (the HTTP body) directly.
enum PulledStream {
    /// A stream whose elements are what `step` returns, called with `state` for each element the
    /// consumer asks for, until it returns nil or throws. After that the stream is over and
    /// `step` is not called again. If the consumer drops the stream before that (it stopped
    /// iterating), `abandoned` is called with the state once, when the stream goes away.
    ///
    /// The stream is for one consumer, as every stream of answer events is.
    static func make<State, Element>(
        _ state: State, step: @escaping @Sendable (inout State) async throws -> Element?,
        abandoned: (@Sendable (inout State) -> Void)? = nil
    ) -> AsyncThrowingStream<Element, any Error> {
        let box = PulledState(state, abandoned: abandoned)
        return AsyncThrowingStream(unfolding: { try await box.next(step) })
    }

    /// The elements of `batches` one by one (empty batches skipped).
    static func flatten<Element>(_ batches: AsyncThrowingStream<[Element], any Error>) -> AsyncThrowingStream<Element, any Error> {
        make(Flattening(batches: batches.makeAsyncIterator())) { flattening in try await flattening.next() }
    }

    /// Each element of `stream` as a batch of its own.
    static func batches<Element>(of stream: AsyncThrowingStream<Element, any Error>) -> AsyncThrowingStream<[Element], any Error> {
        make(stream.makeAsyncIterator()) { iterator in try await iterator.next().map { [$0] } }
    }
}

/// The state of ``PulledStream/flatten(_:)``.
private struct Flattening<Element> {
    var batches: AsyncThrowingStream<[Element], any Error>.AsyncIterator
    var batch: [Element] = []
    var position = 0

    mutating func next() async throws -> Element? {
        while position == batch.count {
            guard let next = try await batches.next() else { return nil }
            batch = next
            position = 0
        }
        defer { position += 1 }
        return batch[position]
    }
}

/// The state of a ``PulledStream`` between two elements.
///
/// `@unchecked Sendable`: only the stream's one consumer touches it, one `next()` at a time
/// (an async iterator is not iterated concurrently), so nothing runs beside it.
private final class PulledState<State>: @unchecked Sendable {
    private var state: State
    private var over = false
    private let abandoned: (@Sendable (inout State) -> Void)?

    init(_ state: State, abandoned: (@Sendable (inout State) -> Void)?) {
        self.state = state
        self.abandoned = abandoned
    }

    func next<Element>(_ step: @Sendable (inout State) async throws -> Element?) async throws -> Element? {
        guard !over else { return nil }
        do {
            guard let element = try await step(&state) else {
                over = true
                return nil
            }
            return element
        } catch {
            over = true
            throw error
        }
    }

    deinit {
        if !over { abandoned?(&state) }
    }
}
