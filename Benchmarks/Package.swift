// swift-tools-version: 6.1
// Benchmarks of the agent loop's own overhead and of escrow cycles on the store, with
// package-benchmark. A separate package so that `make test` and CI never build it; run them
// with `make bench-agent` (docs/agent-benchmark.md) and `make bench-escrow`
// (docs/escrow-benchmark.md).
import PackageDescription

let package = Package(
    name: "tau-node-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tau-node", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The malloc counts come from the interposer trait; the runtime interposer (the other
        // default trait) needs a package this machine does not have.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "AgentLoop",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauProviders", package: "tau-node"),
                .product(name: "TauAgent", package: "tau-node"),
                .product(name: "TauStore", package: "tau-node"),
                .product(name: "TauTesting", package: "tau-node"),
            ],
            // package-benchmark finds its targets under Benchmarks/ of the package.
            path: "Benchmarks/AgentLoop",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EscrowCycles",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauLedger", package: "tau-node"),
                .product(name: "TauStore", package: "tau-node"),
                .product(name: "TauTesting", package: "tau-node"),
            ],
            path: "Benchmarks/EscrowCycles",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
