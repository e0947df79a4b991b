import Benchmark

// Byte-crunching on every request: canonical JSON (JCS, signed and hashed everywhere), the
// SSE parser on a provider's stream, the decoding of its chunks, and the token estimator on a
// prompt. One iteration is one whole document; docs/performance.md turns the times into
// per-KiB and MB/s figures.
let benchmarks: @Sendable () -> Void = {
    jcsBenchmarks()
    sseBenchmarks()
    chunkDecodingBenchmarks()
    tokenEstimatorBenchmarks()
}

/// Wall clock and throughput in µs, after a short warm-up; the documents are built in setup.
func configuration(maxIterations: Int) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 20,
        maxDuration: .seconds(5), maxIterations: maxIterations)
}
