import Foundation
import TauCore
import TauEnvelope
import TauIdentity
import TauNode
import TauTesting
import Testing

/// Three real `tau-node serve` processes form a mesh over 127.0.0.1.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct MeshTests {
    static let passphrase = "mesh passphrase"

    struct Node {
        let home: String
        let did: String
    }

    func makeNode(_ directory: TemporaryDirectory, _ name: String) async throws -> Node {
        let home = directory.appending(name)
        let created = try await TauNodeProcess.run(["init", "--home", home, "--name", name, "--json"], passphrase: Self.passphrase)
        #expect(created.exitCode == 0, "\(created.standardError)")
        try AtomicFile.write("[node]\nname = \"\(name)\"\n[mesh]\ngossip_interval = \"400ms\"\n", to: home + "/config.toml")
        return Node(home: home, did: try JSONValue(parsing: created.standardOutput)["did"]?.stringValue ?? "")
    }

    /// - Parameters:
    ///   - host: the loopback address to bind (127.0.0.1 unless another is named).
    ///   - outboundAllow: the blocks the node may fetch from (all of loopback by default).
    func serve<T: Sendable>(
        _ node: Node, peers: [String] = [], port: Int? = nil, host: String? = nil, outboundAllow: String? = nil,
        _ body: @escaping @Sendable (String) async throws -> T
    ) async throws -> T {
        var arguments: [String] = []
        for peer in peers { arguments += ["--peer", peer] }
        if let host { arguments += ["--host", host] }
        let (value, exitCode) = try await TauNodeProcess.withServer(
            home: node.home, arguments: arguments, passphrase: Self.passphrase, port: port,
            environment: outboundAllow.map { ["TAU_OUTBOUND_ALLOW": $0] } ?? [:], body)
        #expect(exitCode == 0, "\(node.home) did not exit cleanly")
        return value
    }

    func peerTable(_ node: Node) async throws -> [String: String] {
        let listed = try await TauNodeProcess.run(["peer", "list", "--home", node.home, "--json"])
        var states: [String: String] = [:]
        for peer in try JSONValue(parsing: listed.standardOutput)["peers"]?.arrayValue ?? [] {
            states[peer["did"]?.stringValue ?? ""] = peer["state"]?.stringValue
        }
        return states
    }

    func heldEntries(_ url: String, _ did: String) async throws -> Int {
        let (status, body) = try await HTTPProbe.get("\(url)/mesh/v1/dids/\(did)/log")
        return status == 200 ? body.split(separator: "\n").count : 0
    }

    @Test func gossipConnectsEveryoneAndSpreadsRotationAndRevocation() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try await makeNode(directory, "a")
        let b = try await makeNode(directory, "b")
        let c = try await makeNode(directory, "c")
        try await serve(b) { urlB in
            // C may fetch from 127.0.0.1 only, and A listens on 127.0.0.3: C can never reach A,
            // so all C learns of A comes relayed through B.
            try await serve(c, peers: [urlB], outboundAllow: "127.0.0.1/32") { urlC in
                // A knows only B, C knows only B; within a few rounds everyone knows everyone.
                try await serve(a, peers: [urlB], host: "127.0.0.3") { urlA in
                    #expect(urlA.hasPrefix("http://127.0.0.3:"))
                    try await eventually("every node knows the other two") {
                        let tables = [try await peerTable(a), try await peerTable(b), try await peerTable(c)]
                        return tables[0].keys.contains(b.did) && tables[0].keys.contains(c.did)
                            && tables[1].keys.contains(a.did) && tables[1].keys.contains(c.did)
                            && tables[2].keys.contains(a.did) && tables[2].keys.contains(b.did)
                    }
                    let unreachable = try await TauNodeProcess.run(
                        ["send-ping", a.did, "--home", c.home], passphrase: Self.passphrase, environment: ["TAU_OUTBOUND_ALLOW": "127.0.0.1/32"])
                    #expect(unreachable.exitCode == 69)
                    #expect(unreachable.standardError.contains("outbound_address_refused"), "\(unreachable.standardError)")
                    let rotated = try await TauNodeProcess.run(["id", "rotate", "--home", a.home], passphrase: Self.passphrase)
                    #expect(rotated.exitCode == 0, "\(rotated.standardError)")
                    try await eventually("B holds A's version 2") { try await heldEntries(urlB, a.did) == 2 }
                    // Relayed: C cannot ask A.
                    try await eventually("C holds A's version 2 through B") { try await heldEntries(urlC, a.did) == 2 }
                }
                // A is stopped: C can only learn A's rotation from B.
                try await eventually("C holds A's version 2 without A") { try await heldEntries(urlC, a.did) == 2 }
                let resolved = try await HTTPProbe.getJSON("\(urlC)/1.0/identifiers/\(a.did)")
                #expect(resolved.json["didDocumentMetadata"]?["versionId"]?.stringValue?.hasPrefix("2-") == true)

                // A comes back, revokes, and the revocation spreads.
                try await serve(a, peers: [urlB]) { _ in
                    let revoked = try await TauNodeProcess.run(["id", "revoke", "--home", a.home, "--yes"], passphrase: Self.passphrase)
                    #expect(revoked.exitCode == 0, "\(revoked.standardError)")
                    try await eventually("C holds A's deactivation") { try await heldEntries(urlC, a.did) == 3 }
                }
                // Anything A signs now is refused by C with the `deactivated` reason.
                let context = try await NodeContext.open(NodeHome(path: a.home))
                let signer = try await LocalSigner(context: context, passphrase: Self.passphrase).current()
                let message = signer.sign(type: "https://tau-node.dev/kamn/1/peer/ping", body: [:], to: [try DID(c.did)])
                let refused = try await HTTPProbe.post("\(urlC)/mesh/v1/inbox", body: message.bytes, contentType: SignedMessage.mediaType)
                #expect(refused.status == 403)
                #expect(try JSONValue(parsing: refused.body)["error"]?["code"] == "deactivated")
                let metrics = try await HTTPProbe.get("\(urlC)/metrics").body
                #expect(metrics.contains("tau_mesh_messages_rejected_total{reason=\"deactivated\"}"))
                #expect(metrics.contains("tau_mesh_gossip_rounds_total"))
            }
        }
    }

    @Test func aDeadNodeIsMarkedDeadAndComesBack() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try await makeNode(directory, "a")
        let b = try await makeNode(directory, "b")
        let c = try await makeNode(directory, "c")
        try await serve(b) { urlB in
            try await serve(a, peers: [urlB]) { urlA in
                let portC = try await serve(c, peers: [urlB]) { urlC in
                    try await eventually("A knows C") { try await peerTable(a)[c.did] == "alive" }
                    return Int(urlC.split(separator: ":").last ?? "") ?? 0
                }
                // C is gone: A and B keep working and mark it dead.
                try await eventually("A and B mark C dead") {
                    let seenByA = try await peerTable(a)[c.did]
                    let seenByB = try await peerTable(b)[c.did]
                    return seenByA == "dead" && seenByB == "dead"
                }
                #expect(try await HTTPProbe.getJSON(urlA + "/healthz").status == 200)
                let ping = try await TauNodeProcess.run(["send-ping", b.did, "--home", a.home], passphrase: Self.passphrase)
                #expect(ping.exitCode == 0, "\(ping.standardError)")
                // C restarts at the same address and is alive again for both.
                try await serve(c, peers: [urlB], port: portC) { _ in
                    try await eventually("C is back for A and B") {
                        let seenByA = try await peerTable(a)[c.did]
                        let seenByB = try await peerTable(b)[c.did]
                        return seenByA == "alive" && seenByB == "alive"
                    }
                }
            }
        }
    }

    @Test func peerCommandsInboxRefusalsAndOperatorView() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try await makeNode(directory, "a")
        let b = try await makeNode(directory, "b")
        let replayed: [UInt8] = try await serve(b) { urlB in
            // `peer add` says a signed hello: B has never met A and cannot fetch A's log (A
            // does not serve), so B refuses it, and A records nothing.
            let stranger = try await TauNodeProcess.run(["peer", "add", urlB, "--home", a.home], passphrase: Self.passphrase)
            #expect(stranger.exitCode == 69)
            #expect(stranger.standardError.contains("sender_unknown"), "\(stranger.standardError)")
            #expect(try await peerTable(a)[b.did] == nil)
            #expect(try await TauNodeProcess.run(["peer", "add", urlB, "--home", a.home]).exitCode == 77, "needs the passphrase")
            try await serve(a) { urlA in
                // B's hello to A: A fetches B's log from B; B checks A's signed answer.
                let added = try await TauNodeProcess.run(["peer", "add", urlA, "--home", b.home], passphrase: Self.passphrase)
                #expect(added.exitCode == 0, "\(added.standardError)")
                let back = try await TauNodeProcess.run(["peer", "add", urlB, "--home", a.home, "--json"], passphrase: Self.passphrase)
                #expect(back.exitCode == 0, "\(back.standardError)")
                #expect(try JSONValue(parsing: back.standardOutput)["did"]?.stringValue == b.did)
            }
            #expect(try await peerTable(a)[b.did] != nil)
            #expect(try await peerTable(b)[a.did] != nil)
            let pinged = try await TauNodeProcess.run(["send-ping", b.did, "--home", a.home, "--json"], passphrase: Self.passphrase)
            #expect(pinged.exitCode == 0, "\(pinged.standardError)")
            #expect(try JSONValue(parsing: pinged.standardOutput)["signedBy"]?.stringValue == "\(b.did)#sig-1")
            let token = (try String(contentsOfFile: b.home + "/operator.token", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)
            let unauthorized = try await HTTPProbe.get(urlB + "/mesh/v1/peers")
            #expect(unauthorized.status == 401)
            let authorized = try await HTTPProbe.get(urlB + "/mesh/v1/peers", headers: ["Authorization": "Bearer \(token)"])
            #expect(authorized.status == 200)
            #expect(authorized.body.contains(a.did))
            #expect(try await HTTPProbe.get(urlB + "/mesh/v1/peers", headers: ["Authorization": "Bearer wrong"]).status == 401)
            // Inbox refusals over real HTTP, each with its status and reason code.
            let signer = try await LocalSigner(context: try await NodeContext.open(NodeHome(path: a.home)), passphrase: Self.passphrase).current()
            let ping = signer.sign(type: "https://tau-node.dev/kamn/1/peer/ping", body: [:], to: [try DID(b.did)])
            let first = try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: ping.bytes, contentType: SignedMessage.mediaType)
            #expect(first.status == 200)
            // A burst of concurrent messages is answered (accepted or rate-limited), and the
            // node stays responsive: database reads must not block the cooperative pool.
            let recipient = try DID(b.did)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<40 {
                    let message = signer.sign(type: "https://tau-node.dev/kamn/1/peer/ping", body: [:], to: [recipient])
                    group.addTask {
                        try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: message.bytes, contentType: SignedMessage.mediaType).status
                    }
                }
                var collected: [Int] = []
                for try await status in group { collected.append(status) }
                return collected
            }
            #expect(statuses.count == 40)
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 }, "\(statuses)")
            // Garbage from another address spends that address's bucket (ten times a sender's
            // burst of 60, refilled at ten times 10 a second) and is refused beyond it; the honest sender at
            // 127.0.0.1 is still heard.
            var flood: [Int] = []
            for _ in 0..<1_200 {
                flood.append(
                    try await HTTPProbe.post(
                        urlB + "/mesh/v1/inbox", body: Array("{nope".utf8), contentType: SignedMessage.mediaType, localAddress: "127.0.0.2"
                    ).status)
            }
            // (The bucket refills while the flood runs, so a few more than 600 may be parsed.)
            #expect(flood.filter { $0 == 400 }.count >= 600, "the burst is parsed and refused as malformed")
            #expect(flood.filter { $0 == 429 }.count >= 1, "then the address is rate-limited: \(flood.filter { $0 == 400 }.count) parsed")
            #expect(flood.allSatisfy { $0 == 400 || $0 == 429 })
            let honest = signer.sign(type: "https://tau-node.dev/kamn/1/peer/ping", body: [:], to: [recipient])
            #expect(try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: honest.bytes, contentType: SignedMessage.mediaType).status == 200)
            // A browser form cannot post to the inbox: only signed-message media types are read.
            let form = try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: honest.bytes, contentType: "text/plain")
            #expect(form.status == 415)
            #expect(form.body.contains("content_type_unsupported"))
            // Bound to loopback, the node answers only its own names, on every route.
            let rebound = try await HTTPProbe.get(urlB + "/healthz", headers: ["Host": "attacker.example"])
            #expect(rebound.status == 403)
            #expect(rebound.body.contains("host_not_allowed"))
            #expect(try await HTTPProbe.getJSON(urlB + "/healthz").status == 200)
            let wrongRecipient = signer.sign(type: "https://tau-node.dev/kamn/1/peer/ping", body: [:], to: [try DID(a.did)])
            let misdirected = try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: wrongRecipient.bytes, contentType: SignedMessage.mediaType)
            #expect(misdirected.status == 403)
            #expect(misdirected.body.contains("wrong_recipient"))
            let junk = try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: Array("{nope".utf8), contentType: SignedMessage.mediaType)
            #expect(junk.status == 400)
            #expect(junk.body.contains("envelope_malformed"))
            let huge = try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: [UInt8](repeating: 0x20, count: 300_000), contentType: SignedMessage.mediaType)
            #expect(huge.status == 413)
            #expect(huge.body.contains("envelope_too_large"))
            let metrics = try await HTTPProbe.get(urlB + "/metrics").body
            #expect(metrics.contains("tau_mesh_messages_rejected_total{reason=\"envelope_too_large\"} 1"))
            #expect(metrics.contains("tau_mesh_messages_rejected_total{reason=\"wrong_recipient\"} 1"))
            #expect(try await TauNodeProcess.run(["peer", "remove", b.did, "--home", a.home]).exitCode == 0)
            return ping.bytes
        }
        // The replay cache survives a restart of B.
        try await serve(b) { urlB in
            let again = try await HTTPProbe.post(urlB + "/mesh/v1/inbox", body: replayed, contentType: SignedMessage.mediaType)
            #expect(again.status == 403)
            #expect(again.body.contains("replayed"))
            #expect(try await TauNodeProcess.run(["peer", "remove", b.did, "--home", a.home]).exitCode == 66)
            let dead = try await TauNodeProcess.run(["peer", "add", "http://127.0.0.1:9", "--home", a.home], passphrase: Self.passphrase)
            #expect(dead.exitCode == 69)
            #expect(dead.standardError.contains("peer_unreachable"))
            // The outbound policy: without loopback allowed, the address is refused before any packet.
            let refused = try await TauNodeProcess.run(
                ["peer", "add", urlB, "--home", a.home], passphrase: Self.passphrase, environment: ["TAU_OUTBOUND_ALLOW": ""])
            #expect(refused.exitCode == 69)
            #expect(refused.standardError.contains("outbound_address_refused"), "\(refused.standardError)")
        }
    }
}

/// Polls `condition` every 200 ms until it holds or `timeout` passes (multi-process
/// tests wait for other processes' gossip rounds; there is no clock to inject there).
func eventually(
    _ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    Issue.record("timed out waiting until \(what)")
    throw TestingError("timed out waiting until \(what)")
}
