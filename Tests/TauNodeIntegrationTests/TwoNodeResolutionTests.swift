import Foundation
import TauCore
import TauTesting
import Testing

/// Node A's identity changes while a second node process, B, resolves it over HTTP.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct TwoNodeResolutionTests {
    static let passphrase = "two node passphrase"

    func tau(_ arguments: [String]) async throws -> TauNodeProcess.Result {
        let result = try await TauNodeProcess.run(arguments, passphrase: Self.passphrase)
        #expect(result.exitCode == 0, "tau-node \(arguments.joined(separator: " ")): \(result.standardError)")
        return result
    }

    @Test func rotationsAndRevocationAreSeenByASecondNode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let homeA = directory.appending("a")
        let homeB = directory.appending("b")
        let did = try #require(try JSONValue(parsing: try await tau(["init", "--home", homeA, "--name", "a", "--json"]).standardOutput)["did"]?.stringValue)
        _ = try await tau(["init", "--home", homeB, "--name", "b"])
        // B re-checks remote logs on every resolution.
        try AtomicFile.write("[node]\nname = \"b\"\n[resolver]\ncache_ttl_seconds = 0\n", to: homeB + "/config.toml")
        let message = directory.appending("message")
        try AtomicFile.write("hello from a", to: message)

        let (_, exitA) = try await TauNodeProcess.withServer(home: homeA) { urlA in
            let (_, exitB) = try await TauNodeProcess.withServer(home: homeB, arguments: ["--source", urlA]) { urlB in
                func resolveViaB(_ query: String = "") async throws -> (Int, JSONValue) {
                    let (status, json) = try await HTTPProbe.getJSON("\(urlB)/1.0/identifiers/\(did)\(query)")
                    return (status, json)
                }
                func signingKey(_ result: JSONValue) -> String? {
                    result["didDocument"]?["authentication"]?.arrayValue?.first?.stringValue
                }

                // Step 0: genesis.
                var (status, result) = try await resolveViaB()
                #expect(status == 200)
                #expect(result["didDocumentMetadata"]?["versionId"]?.stringValue?.hasPrefix("1-") == true)
                #expect(signingKey(result) == "\(did)#sig-1")
                let signed = try JSONValue(parsing: try await tau(["id", "sign", message, "--home", homeA, "--json"]).standardOutput)
                let signature = try #require(signed["signature"]?.stringValue)

                // Steps 1 and 2: rotations made on A while both nodes run.
                for step in 2...3 {
                    _ = try await tau(["id", "rotate", "--home", homeA])
                    (status, result) = try await resolveViaB()
                    #expect(status == 200)
                    #expect(result["didDocumentMetadata"]?["versionId"]?.stringValue?.hasPrefix("\(step)-") == true)
                    #expect(signingKey(result) == "\(did)#sig-\(step)")
                    #expect(result["didDocumentMetadata"]?["deactivated"] == nil)
                }
                let (historicalStatus, historical) = try await resolveViaB("?versionId=1")
                #expect(historicalStatus == 200)
                #expect(signingKey(historical) == "\(did)#sig-1")

                // The version-1 signature fails as current on B, and passes against version 1.
                let current = try await TauNodeProcess.run(
                    ["id", "verify", message, "--home", homeB, "--signature", signature, "--did", did])
                #expect(current.exitCode == 1)
                #expect(current.standardError.contains("signature_key_not_current"))
                let atVersion1 = try await TauNodeProcess.run(
                    ["id", "verify", message, "--home", homeB, "--signature", signature, "--did", did, "--version-id", "1"])
                #expect(atVersion1.exitCode == 0, "\(atVersion1.standardError)")

                // Step 3: revocation.
                _ = try await tau(["id", "revoke", "--home", homeA, "--yes"])
                (status, result) = try await resolveViaB()
                #expect(status == 410)
                #expect(result["didDocumentMetadata"]?["deactivated"] == true)
                #expect(result["didDocumentMetadata"]?["versionId"]?.stringValue?.hasPrefix("4-") == true)
                let afterRevoke = try await TauNodeProcess.run(
                    ["id", "verify", message, "--home", homeB, "--signature", signature, "--did", did])
                #expect(afterRevoke.exitCode == 1)
                #expect(afterRevoke.standardError.contains("did_deactivated"))

                // B now holds A's log and serves it to others.
                let (logStatus, logBody) = try await HTTPProbe.get("\(urlB)/mesh/v1/dids/\(did)/log")
                #expect(logStatus == 200)
                #expect(logBody.split(separator: "\n").count == 4)
                return ()
            }
            #expect(exitB == 0)
            let (wellKnown, _) = try await HTTPProbe.get("\(urlA)/.well-known/did.json")
            #expect(wellKnown == 410)
            return ()
        }
        #expect(exitA == 0)
    }

    @Test func aForgedLogFromASourceIsRejected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let homeA = directory.appending("a")
        let homeB = directory.appending("b")
        let did = try #require(try JSONValue(parsing: try await tau(["init", "--home", homeA, "--json"]).standardOutput)["did"]?.stringValue)
        _ = try await tau(["init", "--home", homeB])
        let log = try await tau(["id", "export-log", "--home", homeA]).standardOutput
        let tampered = log.replacingOccurrences(of: "TauMesh", with: "EvilMesh")
        try await StaticHTTPServer.with(["/mesh/v1/dids/\(did)/log": .init(body: tampered, contentType: "application/jsonl")]) { source in
            let result = try await TauNodeProcess.run(["id", "resolve", did, "--home", homeB, "--source", source, "--json"])
            #expect(result.exitCode == 66)
            return ()
        }
        try await StaticHTTPServer.with(["/mesh/v1/dids/\(did)/log": .init(body: log, contentType: "application/jsonl")]) { source in
            let result = try await TauNodeProcess.run(["id", "resolve", did, "--home", homeB, "--source", source, "--json"])
            #expect(result.exitCode == 0, "\(result.standardError)")
            return ()
        }
    }

    /// A revocation is seen by a resolver that checked the DID less than `cache_ttl_seconds`
    /// ago only after the TTL, unless it asks with `--fresh`.
    @Test func freshResolutionSeesARevocationAtOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let homeA = directory.appending("a")
        let homeC = directory.appending("c")
        let did = try #require(try JSONValue(parsing: try await tau(["init", "--home", homeA, "--name", "a", "--json"]).standardOutput)["did"]?.stringValue)
        let (_, exitA) = try await TauNodeProcess.withServer(home: homeA) { urlA in
            func deactivated(_ extra: [String] = []) async throws -> Bool? {
                let result = try await tau(["id", "resolve", did, "--source", urlA, "--home", homeC, "--json"] + extra)
                return try JSONValue(parsing: result.standardOutput)["didDocumentMetadata"]?["deactivated"]?.boolValue
            }
            #expect(try await deactivated() == nil)
            _ = try await tau(["id", "revoke", "--home", homeA, "--yes"])
            // Checked a moment ago, within the default 60 s: the stored log is used as it is.
            #expect(try await deactivated() == nil)
            #expect(try await deactivated(["--fresh"]) == true)
            #expect(try await deactivated() == true)
        }
        #expect(exitA == 0)
    }
}
