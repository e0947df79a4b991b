import Benchmark
import Foundation
import TauIdentity

/// A did:tau log of `entries` entries: genesis and rotations, one second apart, ending
/// before now (entries after the verifier's clock plus skew are refused).
func rotatedLog(entries: Int) throws -> DIDTauLog {
    let start = Date().addingTimeInterval(-Double(entries) - 60)
    var (controller, log) = try DIDTauController.create(now: start)
    for number in 1..<entries {
        let (next, longer) = try controller.rotate(try log.verify(), now: start.addingTimeInterval(Double(number)))
        (controller, log) = (next, longer)
    }
    return log
}

func didLogBenchmarks() {
    for entries in [1, 16, 256] {
        // Whole-log verification from genesis, as the resolver does for a log it fetched;
        // docs/performance.md divides by the entry count.
        Benchmark(
            "did:tau log verify, \(entries) entries",
            configuration: .init(
                metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 5,
                maxDuration: .seconds(5), maxIterations: 5_000),
            closure: { (benchmark: Benchmark, log: DIDTauLog) in
                do {
                    let verified = try log.verify()
                    if verified.versions.count != entries { benchmark.error("\(verified.versions.count) versions, not \(entries)") }
                } catch {
                    benchmark.error("the log was refused: \(error)")
                }
            }, setup: { try rotatedLog(entries: entries) })
    }
}
