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
        fuzzer("DIDLogFuzzer", ["TauCore", "TauIdentity"]),
        fuzzer("EnvelopeFuzzer", ["TauCore", "TauIdentity", "TauEnvelope"]),
        fuzzer("JSONFuzzer", ["TauCore"]),
        fuzzer("GatewayRequestFuzzer", ["TauCore", "TauProviders"]),
        fuzzer("DIDDocumentFuzzer", ["TauCore", "TauCrypto", "TauIdentity"]),
        fuzzer("SSEFuzzer", ["TauProviders"]),
    ]
)

/// A libFuzzer executable linked with the C driver and the given tau-node libraries.
func fuzzer(_ name: String, _ libraries: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["CFuzzerDriver"] + libraries.map { .product(name: $0, package: "tau-node") })
}
