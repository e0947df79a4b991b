// swift-tools-version: 6.1
// Benchmarks with package-benchmark: the agent loop's own overhead, escrow cycles on the store,
// envelope opening and did:tau log verification, JCS, SSE and the token estimator, the
// gateway's request path and one gossip exchange. A separate package so that `make test` and
// CI never build it; `make bench` runs them all (docs/performance.md), `make bench-agent`
// (docs/agent-benchmark.md) and `make bench-escrow` (docs/escrow-benchmark.md) one each, and
// scripts/bench-compare.sh checks them against the baseline in .benchmarkBaselines/.
import PackageDescription

let package = Package(
    name: "tau-node-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tau-node", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
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
        // Envelope open next to the bare Ed25519 verify; did:tau log verification.
        .executableTarget(
            name: "Signatures",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauCrypto", package: "tau-node"),
                .product(name: "TauIdentity", package: "tau-node"),
                .product(name: "TauEnvelope", package: "tau-node"),
                .product(name: "TauTesting", package: "tau-node"),
            ],
            path: "Benchmarks/Signatures",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // JCS, the SSE parser, stream chunk decoding and the token estimator.
        .executableTarget(
            name: "Codecs",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauProviders", package: "tau-node"),
            ],
            path: "Benchmarks/Codecs",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GatewayPath",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauIdentity", package: "tau-node"),
                .product(name: "TauMesh", package: "tau-node"),
                .product(name: "TauProviders", package: "tau-node"),
                .product(name: "TauGateway", package: "tau-node"),
                .product(name: "TauTesting", package: "tau-node"),
            ],
            path: "Benchmarks/GatewayPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Gossip",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauIdentity", package: "tau-node"),
                .product(name: "TauEnvelope", package: "tau-node"),
                .product(name: "TauMesh", package: "tau-node"),
                .product(name: "TauTesting", package: "tau-node"),
            ],
            path: "Benchmarks/Gossip",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
