import Benchmark
import Synchronization

// Signature-bound work on the receiving side: opening a signed message (parse, resolve the
// sender, Ed25519 verify, policy and replay check) next to the bare Ed25519 verify of the same
// bytes, and verifying did:tau logs from genesis. See docs/performance.md.
let benchmarks: @Sendable () -> Void = {
    envelopeBenchmarks()
    didLogBenchmarks()
}

/// Indexes that are new in every iteration, warm-up included (a message opened twice would be
/// refused as a replay).
final class Counter: Sendable {
    private let value = Mutex<Int>(0)

    func next() -> Int { value.withLock { $0 += 1; return $0 - 1 } }
}
