import Foundation
import Hummingbird
import NIOCore
import TauCore
import TauTesting
import Testing

@testable import TauIdentity

/// Counts requests per path, so tests can tell how often a source was asked.
actor RequestCounter {
    private var counts: [String: Int] = [:]
    func hit(_ path: String) { counts[path, default: 0] += 1 }
    func count(_ path: String) -> Int { counts[path] ?? 0 }
}

/// Untrusted documents and logs cost little to refuse, and one DID is fetched once at a time.
struct ResolverHardeningTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// A did:web document for `did` with `methods` verification methods.
    static func document(did: String, methods: Int) -> String {
        let key = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
        let entries = (0..<methods).map { ##"{"id":"#k\##($0)","type":"Multikey","publicKeyMultibase":"\##(key)"}"## }
        let references = (0..<min(methods, 60)).map { ##""#k\##($0)""## }
        return #"{"id":"\#(did)","verificationMethod":[\#(entries.joined(separator: ","))],"authentication":[\#(references.joined(separator: ","))]}"#
    }

    /// A did:web host on 127.0.0.1: `/<name>/did.json` answers a document with the number
    /// of methods in `methods[name]`, after `delay`, counting requests.
    static func withHost(
        methods: [String: Int], delay: Duration = .zero, counter: RequestCounter,
        _ body: @escaping @Sendable (_ port: Int) async throws -> Void
    ) async throws {
        let router = Router()
        router.get(":name/did.json") { request, context -> Response in
            await counter.hit(request.uri.path)
            let name = context.parameters.get("name") ?? ""
            guard let count = methods[name] else { return Response(status: .notFound) }
            if delay > .zero { try await Task.sleep(for: delay) }
            let port = (request.head.authority ?? "").split(separator: ":").last.map(String.init) ?? ""
            let text = document(did: "did:web:127.0.0.1%3A\(port):\(name)", methods: count)
            return Response(status: .ok, headers: [.contentType: "application/did+json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        try await StaticHTTPServer.serve(router) { base in
            try await body(Int(base.split(separator: ":").last ?? "") ?? 0)
        }
    }

    @Test func documentsOverTheLimitsAreRefusedWithAReasonCode() throws {
        let did = "did:web:example.com"
        let many = try JSONValue(parsing: Self.document(did: did, methods: DIDDocument.Limits.verificationMethods + 1))
        #expect(reasonCode { _ = try DIDDocument(json: many) } == "document_too_large")
        let atLimit = try JSONValue(parsing: Self.document(did: did, methods: DIDDocument.Limits.verificationMethods))
        #expect(try DIDDocument(json: atLimit).verificationMethods.count == DIDDocument.Limits.verificationMethods)
        var services = try JSONValue(parsing: Self.document(did: did, methods: 1))
        services["service"] = .array(
            (0...DIDDocument.Limits.services).map { ["id": .string("#s\($0)"), "type": "X", "serviceEndpoint": "https://e.example"] })
        #expect(reasonCode { _ = try DIDDocument(json: services) } == "document_too_large")
        var duplicate = try JSONValue(parsing: Self.document(did: did, methods: 2))
        let first = try #require(duplicate["verificationMethod"]?.arrayValue?.first)
        duplicate["verificationMethod"] = .array([first, first])
        duplicate["authentication"] = nil
        #expect(reasonCode { _ = try DIDDocument(json: duplicate) } == "document_invalid")
    }

    /// A hostile did:web host: a 1 MiB document of tens of thousands of methods, and one
    /// just under the size cap with thousands. Both are refused fast, with a code, and the
    /// refusal is remembered; resolution of other DIDs goes on meanwhile.
    @Test func aHostileDIDWebDocumentIsRefusedCheaplyAndRemembered() async throws {
        let counter = RequestCounter()
        try await Self.withHost(methods: ["huge": 12_000, "wide": 1_800], counter: counter) { port in
            let resolver = DIDResolver(configuration: .init(insecureWebHosts: ["127.0.0.1"]), repository: nil, http: PolicedHTTPClient.loopback)
            let huge = "did:web:127.0.0.1%3A\(port):huge"
            let wide = "did:web:127.0.0.1%3A\(port):wide"
            async let hostile = resolver.resolve(huge)
            async let alsoHostile = resolver.resolve(wide)
            // Meanwhile the resolver keeps answering other DIDs.
            var others = 0
            for _ in 0..<50 where await resolver.resolve("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp").error == nil {
                others += 1
            }
            let (first, second) = await (hostile, alsoHostile)
            #expect(first.reason == "outbound_response_too_large")
            #expect(second.reason == "document_too_large")
            #expect(second.error == "invalidDidDocument")
            #expect(others == 50)
            // Refusals are cached for the TTL: asking again costs no fetch.
            #expect(await resolver.resolve(wide).reason == "document_too_large")
            #expect(await resolver.resolve(huge).reason == "outbound_response_too_large")
            #expect(await counter.count("/wide/did.json") == 1)
            #expect(await counter.count("/huge/did.json") == 1)
        }
    }

    @Test func concurrentResolutionsOfOneDIDWebShareOneFetch() async throws {
        let counter = RequestCounter()
        try await Self.withHost(methods: ["alice": 1], delay: .milliseconds(300), counter: counter) { port in
            let resolver = DIDResolver(configuration: .init(insecureWebHosts: ["127.0.0.1"]), repository: nil, http: PolicedHTTPClient.loopback)
            let did = "did:web:127.0.0.1%3A\(port):alice"
            let results = await withTaskGroup(of: DIDResolutionResult.self) { group in
                for _ in 0..<12 { group.addTask { await resolver.resolve(did) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.error == nil && $0.document?.id.description == did })
            #expect(await counter.count("/alice/did.json") == 1)
        }
    }

    @Test func concurrentResolutionsOfOneDIDTauAskEachSourceOnce() async throws {
        let lifecycle = try Lifecycle.make(rotations: 1, start: Self.start)
        let counter = RequestCounter()
        let path = "/mesh/v1/dids/\(lifecycle.did)/log"
        let router = Router()
        router.get("**") { request, _ -> Response in
            await counter.hit(request.uri.path)
            guard request.uri.path == path else { return Response(status: .notFound) }
            try await Task.sleep(for: .milliseconds(300))
            return Response(
                status: .ok, headers: [.contentType: "application/jsonl"], body: .init(byteBuffer: ByteBuffer(string: lifecycle.log.log.jsonLines)))
        }
        try await StaticHTTPServer.serve(router) { base in
            let resolver = DIDResolver(
                configuration: .init(logSources: [base]), repository: InMemoryDIDLogRepository(), http: PolicedHTTPClient.loopback,
                now: ManualClock(Self.start.addingTimeInterval(3600)).provider)
            let results = await withTaskGroup(of: DIDResolutionResult.self) { group in
                for _ in 0..<12 { group.addTask { await resolver.resolve(lifecycle.did.description) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.documentMetadata.versionId == lifecycle.log.head.versionId })
            #expect(await counter.count(path) == 1)
        }
    }

    /// A source the outbound policy refuses is not asked, and the failure says why.
    @Test func aRefusedSourceIsNamedInTheFailure() async throws {
        let lifecycle = try Lifecycle.make(start: Self.start)
        let counter = RequestCounter()
        let router = Router()
        router.get("**") { request, _ -> Response in
            await counter.hit(request.uri.path)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: lifecycle.log.log.jsonLines)))
        }
        try await StaticHTTPServer.serve(router) { base in
            let resolver = DIDResolver(
                configuration: .init(logSources: [base]), repository: InMemoryDIDLogRepository(), http: PolicedHTTPClient(policy: .publicOnly),
                now: ManualClock(Self.start.addingTimeInterval(3600)).provider)
            let result = await resolver.resolve(lifecycle.did.description)
            #expect(result.reason == "did_not_found")
            #expect(result.failure?.message.contains("outbound policy refused 1 source(s): 127.0.0.1 is a loopback address") == true, "\(result.json)")
            #expect(await counter.count("/mesh/v1/dids/\(lifecycle.did)/log") == 0)
        }
    }

    @Test func logParametersAreCapped() throws {
        // updateKeys beyond the cap are refused before any key is decoded.
        let lifecycle = try Lifecycle.make(start: Self.start)
        var entry = lifecycle.log.log.entries[0].json
        var parameters = try #require(entry["parameters"])
        let key = try #require(parameters["updateKeys"]?.arrayValue?.first)
        parameters["updateKeys"] = .array(Array(repeating: key, count: DIDTauLog.maximumUpdateKeys + 1))
        entry["parameters"] = parameters
        let log = DIDTauLog(entries: [DIDTauLogEntry(json: entry)])
        #expect(reasonCode { _ = try DIDTauLog.parameters(of: log.entries[0], isGenesis: true, label: "entry 1") } == "parameters_invalid")
        parameters["updateKeys"] = .array([key])
        parameters["nextKeyHashes"] = .array(Array(repeating: "QmPlaceholder", count: DIDTauLog.maximumUpdateKeys + 1))
        entry["parameters"] = parameters
        let commitments = DIDTauLog(entries: [DIDTauLogEntry(json: entry)])
        #expect(reasonCode { _ = try DIDTauLog.parameters(of: commitments.entries[0], isGenesis: true, label: "entry 1") } == "parameters_invalid")
    }
}
