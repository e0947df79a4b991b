import Foundation
import TauCore
import TauCrypto
import Testing

@testable import TauIdentity

/// A did:tau identity built through create / rotate / deactivate, as the node does.
struct Lifecycle {
    var controllers: [DIDTauController]
    var logs: [VerifiedDIDTauLog]

    /// - Parameter endpoint: the `TauMesh` service; port 9 (discard) refuses connections at once.
    static func make(
        rotations: Int = 0, deactivate: Bool = false, start: Date = Date(timeIntervalSince1970: 1_790_000_000),
        endpoint: String = "http://127.0.0.1:9"
    ) throws -> Lifecycle {
        let (controller, log) = try DIDTauController.create(services: [("tau-mesh", "TauMesh", endpoint)], now: start)
        var lifecycle = Lifecycle(controllers: [controller], logs: [try log.verify(now: start)])
        for step in 0..<rotations {
            let time = start.addingTimeInterval(Double(step + 1) * 60)
            let (next, nextLog) = try lifecycle.controllers.last!.rotate(lifecycle.logs.last!, now: time)
            lifecycle.controllers.append(next)
            lifecycle.logs.append(try nextLog.verify(now: time))
        }
        if deactivate {
            let time = start.addingTimeInterval(Double(rotations + 1) * 60)
            let closed = try lifecycle.controllers.last!.deactivate(lifecycle.logs.last!, now: time)
            lifecycle.logs.append(try closed.verify(now: time))
        }
        return lifecycle
    }

    var log: VerifiedDIDTauLog { logs.last! }
    var did: DID { log.did }
}

func reasonCode(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as IdentityError {
        return error.code
    } catch {
        return "unexpected: \(error)"
    }
}

struct DIDTauLogTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000 + 3600)

    @Test func genesisDefinesASelfCertifyingDID() throws {
        let lifecycle = try Lifecycle.make()
        let log = lifecycle.log
        #expect(log.did.method == "tau")
        #expect(log.did == lifecycle.controllers[0].did)
        #expect(log.head.number == 1)
        #expect(log.head.versionId.hasPrefix("1-Qm"))
        #expect(log.head.document.id == log.did)
        #expect(log.head.document.authentication.first?.id == "\(log.did)#sig-1")
        #expect(log.head.document.keyAgreement.first?.publicKeyMultibase == lifecycle.controllers[0].agreementKey.publicKey.multibase)
        #expect(log.head.document.service(ofType: "TauMesh")?.endpointURL == "http://127.0.0.1:9")
        // The log round-trips through JSON Lines unchanged.
        let reparsed = try DIDTauLog(jsonLines: Array(log.log.jsonLines.utf8))
        #expect(reparsed == log.log)
        #expect(try reparsed.verify(now: now).did == log.did)
    }

    @Test func rotationKeepsTheDIDAndReplacesKeys() throws {
        let lifecycle = try Lifecycle.make(rotations: 2)
        let versions = lifecycle.log.versions
        #expect(versions.map(\.number) == [1, 2, 3])
        #expect(Set(versions.map(\.document.id)).count == 1)
        let signingKeys = versions.map { $0.document.authentication.first?.publicKeyMultibase }
        #expect(Set(signingKeys).count == 3)
        #expect(versions[2].document.authentication.first?.id == "\(lifecycle.did)#sig-3")
        #expect(versions[1].updateKeys == [lifecycle.controllers[0].nextUpdateKey.publicKey.multibase])
        #expect(!lifecycle.log.isDeactivated)
    }

    @Test func deactivationClosesTheLog() throws {
        let lifecycle = try Lifecycle.make(rotations: 1, deactivate: true)
        #expect(lifecycle.log.isDeactivated)
        #expect(lifecycle.log.head.number == 3)
        #expect(lifecycle.log.resolve().documentMetadata.deactivated)
        #expect(reasonCode { _ = try lifecycle.controllers.last!.rotate(lifecycle.log) } == "did_deactivated")
    }

    @Test func versionQueries() throws {
        let lifecycle = try Lifecycle.make(rotations: 2)
        let log = lifecycle.log
        #expect(try log.version(.versionId("2")).number == 2)
        #expect(try log.version(.versionId(log.versions[0].versionId)).number == 1)
        #expect(try log.version(.versionTime(log.versions[1].versionTime.addingTimeInterval(30))).number == 2)
        #expect(try log.version(.versionTime(log.versions[2].versionTime)).number == 3)
        #expect(reasonCode { _ = try log.version(.versionId("9")) } == "version_not_found")
        #expect(reasonCode { _ = try log.version(.versionTime(Date(timeIntervalSince1970: 0))) } == "version_not_found")
        let historical = log.resolve(.versionId("1"))
        #expect(historical.documentMetadata.versionId == log.versions[0].versionId)
        #expect(historical.documentMetadata.nextVersionId == log.versions[1].versionId)
        #expect(historical.documentMetadata.created == log.versions[0].versionTimeText)
        #expect(log.resolve().documentMetadata.nextVersionId == nil)
    }

    @Test func controllerSecretsRoundTrip() throws {
        let controller = try Lifecycle.make().controllers[0]
        let restored = try DIDTauController(secrets: controller.secrets)
        #expect(restored.did == controller.did)
        #expect(restored.signingKey.seed == controller.signingKey.seed)
        #expect(restored.agreementKey.rawRepresentation == controller.agreementKey.rawRepresentation)
        #expect(restored.nextUpdateKey.seed == controller.nextUpdateKey.seed)
        #expect(reasonCode { _ = try DIDTauController(secrets: ["kind": "other"]) } == "keystore_malformed")
    }

    @Test func keysThatDoNotControlTheHeadCannotExtendIt() throws {
        let lifecycle = try Lifecycle.make(rotations: 1)
        #expect(reasonCode { _ = try lifecycle.controllers[0].rotate(lifecycle.log) } == "keystore_log_mismatch")
        let stranger = try Lifecycle.make().controllers[0]
        #expect(reasonCode { _ = try stranger.deactivate(lifecycle.log) } == "keystore_log_mismatch")
    }
}
