// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "tau-node",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tau-node", targets: ["tau-node"]),
        .library(name: "TauCore", targets: ["TauCore"]),
        .library(name: "TauCrypto", targets: ["TauCrypto"]),
        .library(name: "TauIdentity", targets: ["TauIdentity"]),
        .library(name: "TauEnvelope", targets: ["TauEnvelope"]),
        .library(name: "TauMesh", targets: ["TauMesh"]),
        .library(name: "TauStore", targets: ["TauStore"]),
        .library(name: "TauProviders", targets: ["TauProviders"]),
        .library(name: "TauAgent", targets: ["TauAgent"]),
        .library(name: "TauLedger", targets: ["TauLedger"]),
        .library(name: "TauGateway", targets: ["TauGateway"]),
        .library(name: "TauNode", targets: ["TauNode"]),
        .library(name: "TauTesting", targets: ["TauTesting"]),
        .library(name: "TauMeshSimulation", targets: ["TauMeshSimulation"]),
        .executable(name: "tau-gossip-sim", targets: ["tau-gossip-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"]), .brew(["libsodium"])]
        ),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"]), .brew(["libedit"])]
        ),
        .target(name: "TauCore"),
        .target(name: "TauCrypto", dependencies: ["TauCore", "CSodium"]),
        .target(
            name: "TauIdentity",
            dependencies: [
                "TauCore", "TauCrypto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(name: "TauEnvelope", dependencies: ["TauCore", "TauCrypto", "TauIdentity"]),
        .target(
            name: "TauMesh",
            dependencies: [
                "TauCore", "TauCrypto", "TauIdentity", "TauEnvelope",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // The gossip simulator: TauMesh's gossip decisions on a simulated clock and network.
        .target(name: "TauMeshSimulation", dependencies: ["TauMesh", "TauIdentity", "TauCore"]),
        .executableTarget(
            name: "tau-gossip-sim",
            dependencies: [
                "TauMeshSimulation", "TauMesh", "TauCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "TauAgent",
            dependencies: [
                "TauCore", "TauCrypto", "TauProviders",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A stdio MCP server for the tests of the agent's MCP client; not shipped as a product.
        .executableTarget(
            name: "tau-mcp-test-server",
            dependencies: [.product(name: "MCP", package: "swift-sdk")]
        ),
        // Beside TauMesh: neither imports the other; delegation sits above both.
        .target(name: "TauLedger", dependencies: ["TauCore", "TauCrypto"]),
        .target(
            name: "TauStore",
            dependencies: [
                "TauCore", "TauIdentity", "TauEnvelope", "TauMesh", "TauProviders", "TauAgent", "TauLedger",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TauProviders",
            dependencies: [
                "TauCore", "TauCrypto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TauGateway",
            dependencies: [
                "TauCore", "TauCrypto", "TauIdentity", "TauEnvelope", "TauMesh", "TauStore", "TauProviders", "TauAgent",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "TauNode",
            dependencies: [
                "TauCore", "TauCrypto", "TauIdentity", "TauEnvelope", "TauMesh", "TauStore", "TauGateway", "TauProviders", "TauAgent", "TauLedger",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "tau-node",
            dependencies: [
                "TauCore", "TauCrypto", "TauIdentity", "TauEnvelope", "TauMesh", "TauStore", "TauNode", "TauProviders", "TauAgent",
                "TauLedger", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TauTesting",
            dependencies: [
                "TauCore", "TauCrypto", "TauIdentity", "TauEnvelope", "TauMesh", "TauProviders", "TauStore", "TauAgent", "TauLedger",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "TauCoreTests", dependencies: ["TauCore"], resources: [.copy("Vectors")]),
        .testTarget(name: "TauCryptoTests", dependencies: ["TauCrypto", "TauTesting"]),
        .testTarget(
            name: "TauIdentityTests",
            dependencies: ["TauIdentity", "TauTesting", .product(name: "Hummingbird", package: "hummingbird")],
            resources: [.copy("Vectors")]
        ),
        .testTarget(
            name: "TauEnvelopeTests",
            dependencies: ["TauEnvelope", "TauTesting", .product(name: "Subprocess", package: "swift-subprocess")],
            resources: [.copy("Vectors")]
        ),
        .testTarget(
            name: "TauMeshTests",
            dependencies: ["TauMesh", "TauTesting", .product(name: "MetricsTestKit", package: "swift-metrics")]
        ),
        .testTarget(
            name: "TauProvidersTests",
            dependencies: [
                "TauProviders", "TauTesting",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TauStoreTests",
            dependencies: ["TauStore", "TauTesting", "TauLedger", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "TauGatewayTests",
            dependencies: [
                "TauGateway", "TauTesting", "TauProviders",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "TauNodeTests", dependencies: ["TauNode", "TauTesting"]),
        .testTarget(
            name: "TauMeshSimulationTests",
            dependencies: ["TauMeshSimulation", "TauMesh", "TauEnvelope", "TauIdentity", "TauCore"]
        ),
        .testTarget(name: "TauLedgerTests", dependencies: ["TauLedger", "TauCore"]),
        .testTarget(
            name: "TauAgentTests",
            // Depends on the MCP test server so that a plain `swift test` builds the binary it starts.
            dependencies: [
                "TauAgent", "TauTesting", "TauIdentity", "tau-mcp-test-server",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TauNodeIntegrationTests",
            // Depends on the executable so that a plain `swift test` builds the binary it runs.
            dependencies: [
                "tau-node", "tau-mcp-test-server", "TauTesting", "TauIdentity", "TauEnvelope", "TauNode", "TauCrypto",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
    ]
)
