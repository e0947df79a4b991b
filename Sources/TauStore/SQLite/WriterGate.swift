/// One writer at a time in this process, in arrival order. SQLite has a single write
/// connection; a transaction keeps it across suspension points, so every write of the
/// process must pass this gate (other processes wait on SQLite's own lock).
actor WriterGate {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Whether the current task (or a task it started) is inside the gate: a second
    /// acquisition from there would wait for itself forever.
    @TaskLocal static var isHeldByCurrentTask = false

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            held = false
        } else {
            // Ownership passes straight to the next waiter, so nobody can overtake it.
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding the gate.
    nonisolated func withGate<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        guard !WriterGate.isHeldByCurrentTask else {
            throw StoreError("store_nested_transaction", "a transaction body used the store directly instead of its transaction")
        }
        await acquire()
        do {
            let result = try await WriterGate.$isHeldByCurrentTask.withValue(true) { try await body() }
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}
