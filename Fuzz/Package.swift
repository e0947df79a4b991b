// swift-tools-version: 6.1
// libFuzzer targets for the parsers that read untrusted bytes. A separate package
// so that the main build never compiles them; see Fuzz/README.md.
import PackageDescription

let package = Package(
    name: "tau-node-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "tau-node", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "DIDLogFuzzer",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauIdentity", package: "tau-node"),
            ]
        ),
        .executableTarget(
            name: "EnvelopeFuzzer",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauIdentity", package: "tau-node"),
                .product(name: "TauEnvelope", package: "tau-node"),
            ]
        ),
        .executableTarget(
            name: "JSONFuzzer",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "TauCore", package: "tau-node"),
            ]
        ),
        .executableTarget(
            name: "GatewayRequestFuzzer",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauProviders", package: "tau-node"),
            ]
        ),
        .executableTarget(
            name: "DIDDocumentFuzzer",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "TauCore", package: "tau-node"),
                .product(name: "TauCrypto", package: "tau-node"),
                .product(name: "TauIdentity", package: "tau-node"),
            ]
        ),
        .executableTarget(
            name: "SSEFuzzer",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "TauProviders", package: "tau-node"),
            ]
        ),
    ]
)
