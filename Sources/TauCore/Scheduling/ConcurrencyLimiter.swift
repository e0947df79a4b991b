/// Lets at most `limit` pieces of work run at once; the rest wait in arrival order.
///
/// For CPU-heavy work on untrusted input (verifying logs and documents fetched from
/// elsewhere), so that a burst of it cannot occupy every thread of the cooperative pool.
public actor ConcurrencyLimiter {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// - Parameter limit: how many may run at once (at least 1).
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits for a free slot and takes it. Pair every call with ``release()``.
    public func acquire() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Gives a slot back, handing it straight to the longest waiter if there is one.
    public func release() {
        if waiting.isEmpty {
            running = max(0, running - 1)
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Runs synchronous `work` in a slot, off the caller's actor.
    @concurrent
    public nonisolated func run<Success: Sendable, Failure: Error>(
        _ work: @Sendable () throws(Failure) -> Success
    ) async throws(Failure) -> Success {
        await acquire()
        let result = Result<Success, Failure> { () throws(Failure) -> Success in try work() }
        await release()
        return try result.get()
    }
}
