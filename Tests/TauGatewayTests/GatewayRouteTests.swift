import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TauCore
import TauIdentity
import TauTesting
import Testing

@testable import TauGateway

struct GatewayRouteTests {
    struct Fixture {
        let dependencies: GatewayDependencies
        let log: VerifiedDIDTauLog
        let controller: DIDTauController
    }

    func fixture(rotations: Int = 0, hasIdentity: Bool = true) async throws -> Fixture {
        let repository = InMemoryDIDLogRepository()
        var (controller, log) = try DIDTauController.create(services: [("tau-mesh", "TauMesh", "http://127.0.0.1:9")])
        var verified = try log.verify()
        for _ in 0..<rotations {
            (controller, log) = try controller.rotate(verified)
            verified = try log.verify()
        }
        if hasIdentity { try await repository.save(verified, origin: .local) }
        let resolver = DIDResolver(repository: repository, http: PolicedHTTPClient.loopback)
        let did = verified.did
        let dependencies = GatewayDependencies(
            localDID: { hasIdentity ? did : nil }, logs: repository, resolver: resolver, version: "test", peers: InMemoryPeerRepository(),
            operatorToken: "secret-token")
        return Fixture(dependencies: dependencies, log: verified, controller: controller)
    }

    func application(_ fixture: Fixture) -> some ApplicationProtocol {
        Application(router: Gateway.router(fixture.dependencies, logger: Logger(label: "test")))
    }

    @Test func healthReportsTheDID() async throws {
        let fixture = try await fixture()
        try await application(fixture).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try JSONValue(parsing: Array(buffer: response.body))
                #expect(body["did"]?.stringValue == fixture.log.did.description)
                #expect(body["status"] == "ok")
            }
        }
    }

    @Test func servesTheCurrentDocumentAndLog() async throws {
        let fixture = try await fixture(rotations: 1)
        try await application(fixture).test(.router) { client in
            try await client.execute(uri: "/.well-known/did.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/did+json")
                let document = try JSONValue(parsing: Array(buffer: response.body))
                #expect(document == fixture.log.head.document.json)
            }
            try await client.execute(uri: "/.well-known/did-log.jsonl", method: .get) { response in
                #expect(response.headers[.contentType] == "application/jsonl")
                let log = try DIDTauLog(jsonLines: Array(buffer: response.body))
                #expect(try log.verify().head.versionId == fixture.log.head.versionId)
            }
            try await client.execute(uri: "/mesh/v1/dids/\(fixture.log.did)/log", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == fixture.log.log.jsonLines)
            }
        }
    }

    @Test func errorsCarryReasonCodes() async throws {
        let fixture = try await fixture()
        try await application(fixture).test(.router) { client in
            try await client.execute(uri: "/mesh/v1/dids/did:tau:QmNobody/log", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try JSONValue(parsing: Array(buffer: response.body))
                #expect(body["error"]?["code"] == "did_not_found")
            }
            try await client.execute(uri: "/mesh/v1/dids/not-a-did/log", method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try JSONValue(parsing: Array(buffer: response.body))
                #expect(body["error"]?["code"] == "malformed_did")
            }
        }
        let empty = try await self.fixture(hasIdentity: false)
        try await application(empty).test(.router) { client in
            try await client.execute(uri: "/.well-known/did.json", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try JSONValue(parsing: Array(buffer: response.body))
                #expect(body["error"]?["code"] == "identity_missing")
            }
        }
    }

    @Test func pathDIDsAreDecodedOnlyWhenFullyEncoded() {
        #expect(IdentityRoutes.pathDID("did:web:example.com%3A8443") == "did:web:example.com%3A8443")
        #expect(IdentityRoutes.pathDID("did%3Atau%3AQmAbc") == "did:tau:QmAbc")
    }

    @Test func universalResolverBinding() async throws {
        let fixture = try await fixture(rotations: 1)
        let did = fixture.log.did
        try await application(fixture).test(.router) { client in
            try await client.execute(uri: "/1.0/identifiers/\(did)?versionId=1", method: .get) { response in
                #expect(response.status == .ok)
                let result = try JSONValue(parsing: Array(buffer: response.body))
                #expect(result["didDocumentMetadata"]?["versionId"]?.stringValue == fixture.log.versions[0].versionId)
                #expect(result["didDocumentMetadata"]?["nextVersionId"]?.stringValue == fixture.log.versions[1].versionId)
            }
            try await client.execute(uri: "/1.0/identifiers/did:example:1", method: .get) { response in
                #expect(response.status == .notImplemented)
            }
            try await client.execute(uri: "/1.0/identifiers/did:tau:QmNobody", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/1.0/identifiers/nonsense", method: .get) { response in
                #expect(response.status == .badRequest)
                let result = try JSONValue(parsing: Array(buffer: response.body))
                #expect(result["didResolutionMetadata"]?["error"] == "invalidDid")
            }
        }
        // A deactivated DID resolves with 410 Gone and deactivated metadata.
        let closed = try fixture.controller.deactivate(fixture.log).verify()
        try await fixture.dependencies.logs.save(closed, origin: .local)
        try await application(fixture).test(.router) { client in
            try await client.execute(uri: "/1.0/identifiers/\(did)", method: .get) { response in
                #expect(response.status == .gone)
                let result = try JSONValue(parsing: Array(buffer: response.body))
                #expect(result["didDocumentMetadata"]?["deactivated"] == true)
            }
        }
    }
}
