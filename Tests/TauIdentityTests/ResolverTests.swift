import Foundation
import TauCore
import TauTesting
import Testing

@testable import TauIdentity

struct ResolverTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    func logReply(_ log: VerifiedDIDTauLog) -> [String: StaticHTTPServer.Reply] {
        ["/mesh/v1/dids/\(log.did)/log": .init(body: log.log.jsonLines, contentType: "application/jsonl")]
    }

    @Test func resolvesARemoteDIDTauFromASourceAndStoresIt() async throws {
        let lifecycle = try Lifecycle.make(rotations: 1, start: Self.start)
        let clock = ManualClock(Self.start.addingTimeInterval(3600))
        let repository = InMemoryDIDLogRepository()
        try await StaticHTTPServer.with(logReply(lifecycle.log)) { base in
            let resolver = DIDResolver(configuration: .init(logSources: [base]), repository: repository, http: PolicedHTTPClient.loopback, now: clock.provider)
            let result = await resolver.resolve(lifecycle.did.description)
            #expect(result.error == nil)
            #expect(result.documentMetadata.versionId == lifecycle.log.head.versionId)
            #expect(result.document?.authentication.first?.id == "\(lifecycle.did)#sig-2")
            let stored = try await repository.log(for: lifecycle.did)
            #expect(stored?.origin == .resolved)
            let first = await resolver.resolve("\(lifecycle.did)?versionId=1")
            #expect(first.documentMetadata.versionId == lifecycle.log.versions[0].versionId)
        }
    }

    @Test func refreshesAfterTheTTLAndPicksUpRotations() async throws {
        let lifecycle = try Lifecycle.make(rotations: 2, start: Self.start)
        let clock = ManualClock(Self.start.addingTimeInterval(3600))
        let repository = InMemoryDIDLogRepository()
        // The repository holds version 1; the source has version 3.
        try await repository.save(lifecycle.logs[0], origin: .resolved)
        try await StaticHTTPServer.with(logReply(lifecycle.log)) { base in
            let resolver = DIDResolver(configuration: .init(cacheTTL: .seconds(60), logSources: [base]), repository: repository, http: PolicedHTTPClient.loopback, now: clock.provider)
            #expect(await resolver.resolve(lifecycle.did.description).documentMetadata.versionId == lifecycle.log.head.versionId)
            let stored = try await repository.log(for: lifecycle.did)
            #expect(stored?.log.entries.count == 3)
        }
    }

    @Test func keepsTheHeldLogWhenSourcesAreDown() async throws {
        let lifecycle = try Lifecycle.make(start: Self.start)
        let repository = InMemoryDIDLogRepository()
        try await repository.save(lifecycle.log, origin: .resolved)
        let resolver = DIDResolver(
            configuration: .init(cacheTTL: .zero, logSources: ["http://127.0.0.1:9"]), repository: repository, http: PolicedHTTPClient.loopback, now: ManualClock(Self.start).provider)
        let result = await resolver.resolve(lifecycle.did.description)
        #expect(result.documentMetadata.versionId == lifecycle.log.head.versionId)
    }

    @Test func aSourceServingAForkFailsClosed() async throws {
        let lifecycle = try Lifecycle.make(start: Self.start)
        let controller = lifecycle.controllers[0]
        let (_, branchA) = try controller.rotate(lifecycle.log, now: Self.start.addingTimeInterval(10))
        let (_, branchB) = try controller.rotate(lifecycle.log, now: Self.start.addingTimeInterval(20))
        let clock = ManualClock(Self.start.addingTimeInterval(3600))
        let repository = InMemoryDIDLogRepository()
        try await repository.save(try branchA.verify(now: clock.now), origin: .resolved)
        let forked = try branchB.verify(now: clock.now)
        try await StaticHTTPServer.with(logReply(forked)) { base in
            let resolver = DIDResolver(configuration: .init(cacheTTL: .zero, logSources: [base]), repository: repository, http: PolicedHTTPClient.loopback, now: clock.provider)
            let result = await resolver.resolve(lifecycle.did.description)
            #expect(result.reason == "log_forked")
            #expect(result.document == nil)
            #expect(await reasonCodeAsync { _ = try await resolver.accept(branchB) } == "log_forked")
        }
    }

    @Test func aSourceCannotBlockResolutionWithAnUnsignedDuplicate() async throws {
        let lifecycle = try Lifecycle.make(start: Self.start)
        let clock = ManualClock(Self.start.addingTimeInterval(3600))
        let repository = InMemoryDIDLogRepository()
        try await repository.save(lifecycle.log, origin: .resolved)
        let junk = lifecycle.log.log.jsonLines + #"{"versionId":"1-x"}"# + "\n"
        try await StaticHTTPServer.with(["/mesh/v1/dids/\(lifecycle.did)/log": .init(body: junk)]) { base in
            let resolver = DIDResolver(configuration: .init(cacheTTL: .zero, logSources: [base]), repository: repository, http: PolicedHTTPClient.loopback, now: clock.provider)
            let result = await resolver.resolve(lifecycle.did.description)
            #expect(result.error == nil, "\(result.json)")
        }
    }

    @Test func rejectsInvalidLogsFromSources() async throws {
        let lifecycle = try Lifecycle.make(rotations: 1, start: Self.start)
        var entries = lifecycle.log.log.entries
        var json = entries[1].json
        json["state"]?["id"] = "did:tau:QmOther"
        entries[1] = DIDTauLogEntry(json: json)
        let replies: [String: StaticHTTPServer.Reply] = [
            "/mesh/v1/dids/\(lifecycle.did)/log": .init(body: DIDTauLog(entries: entries).jsonLines)
        ]
        try await StaticHTTPServer.with(replies) { base in
            let resolver = DIDResolver(
                configuration: .init(logSources: [base]), repository: InMemoryDIDLogRepository(), http: PolicedHTTPClient.loopback, now: ManualClock(Self.start.addingTimeInterval(3600)).provider)
            let result = await resolver.resolve(lifecycle.did.description)
            #expect(result.error == "notFound")
        }
    }

    @Test func acceptNeverMovesBackwards() async throws {
        let lifecycle = try Lifecycle.make(rotations: 1, start: Self.start)
        let repository = InMemoryDIDLogRepository()
        let resolver = DIDResolver(repository: repository, http: PolicedHTTPClient.loopback, now: ManualClock(Self.start.addingTimeInterval(3600)).provider)
        try await resolver.accept(lifecycle.log.log)
        let held = try await resolver.accept(lifecycle.logs[0].log)
        #expect(held.head.number == 2)
    }

    @Test func dispatchErrors() async {
        let resolver = DIDResolver(repository: nil, http: PolicedHTTPClient.loopback)
        #expect(await resolver.resolve("not-a-did").error == "invalidDid")
        #expect(await resolver.resolve("did:example:123").error == "methodNotSupported")
        #expect(await resolver.resolve("did:tau:QmUnknown").error == "notFound")
        #expect(await resolver.resolve("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp?versionId=2").error == "notFound")
        let key = await resolver.resolve("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
        #expect(key.error == nil)
        #expect(key.json["didResolutionMetadata"]?["contentType"] == "application/did+json")
    }
}

struct DIDWebTests {
    @Test func urlMapping() throws {
        #expect(try DIDWeb.documentURL(for: DID("did:web:example.com")) == "https://example.com/.well-known/did.json")
        #expect(try DIDWeb.documentURL(for: DID("did:web:example.com:user:alice")) == "https://example.com/user/alice/did.json")
        #expect(try DIDWeb.documentURL(for: DID("did:web:localhost%3A8443")) == "https://localhost:8443/.well-known/did.json")
        #expect(try DIDWeb.documentURL(for: DID("did:web:localhost%3A8443:a"), insecureHosts: ["localhost"]) == "http://localhost:8443/a/did.json")
        #expect(reasonCode { _ = try DIDWeb.documentURL(for: DID("did:web:example.com%2Fevil")) } == "malformed_did")
        #expect(reasonCode { _ = try DIDWeb.documentURL(for: DID("did:web:example.com%3A99999")) } == "malformed_did")
        #expect(reasonCode { _ = try DIDWeb.documentURL(for: DID("did:web:example.com::x")) } == "malformed_did")
    }

    @Test func resolvesOverHTTP() async throws {
        // The did:web id embeds the port, which is only known once the server runs, so the
        // server answers with a document templated on the Host it was reached at.
        try await DIDWebServer.with { base, port in
            let did = "did:web:127.0.0.1%3A\(port):users:alice"
            let resolver = DIDResolver(configuration: .init(insecureWebHosts: ["127.0.0.1"]), repository: nil, http: PolicedHTTPClient.loopback)
            let result = await resolver.resolve(did)
            #expect(result.error == nil, "\(result.json)")
            #expect(result.document?.id.description == did)
            #expect(result.document?.authentication.first?.publicKeyMultibase == "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
            #expect(await resolver.resolve("did:web:127.0.0.1%3A\(port):nobody").error == "notFound")
            #expect(await resolver.resolve("did:web:127.0.0.1%3A\(port):wrong").reason == "did_mismatch")
            #expect(await resolver.resolve("did:web:127.0.0.1%3A\(port):junk").reason == "document_invalid")
        }
    }
}

func reasonCodeAsync(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let error as IdentityError {
        return error.code
    } catch {
        return "unexpected: \(error)"
    }
}
