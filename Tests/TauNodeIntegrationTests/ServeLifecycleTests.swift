import Foundation
import Subprocess
import TauCore
import TauTesting
import Testing

/// `tau-node serve` as a daemon: drains and exits 0 on SIGTERM and SIGINT, and
/// starts (and reports) without an identity.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ServeLifecycleTests {
    @Test(arguments: [Signal.terminate, Signal.interrupt])
    func stopsCleanlyOnSignal(signal: Signal) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        #expect(try await TauNodeProcess.run(["init", "--home", home], passphrase: "pw").exitCode == 0)
        // With the mesh on (default 30 s gossip interval), a signal must not wait for the next round.
        let started = ContinuousClock.now
        let (health, exitCode) = try await TauNodeProcess.withServer(home: home, passphrase: "pw", stopSignal: signal) { base in
            try await HTTPProbe.getJSON(base + "/healthz")
        }
        #expect(health.status == 200)
        #expect(health.json["status"] == "ok")
        #expect(health.json["did"]?.stringValue?.hasPrefix("did:tau:") == true)
        #expect(exitCode == 0)
        #expect(ContinuousClock.now - started < .seconds(20), "shutdown waited for the gossip interval")
    }

    @Test func servesWithoutAnIdentityAndSaysSo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (responses, exitCode) = try await TauNodeProcess.withServer(home: directory.appending("empty")) { base in
            (try await HTTPProbe.getJSON(base + "/healthz"), try await HTTPProbe.getJSON(base + "/.well-known/did.json"))
        }
        #expect(responses.0.json["did"] == .null)
        #expect(responses.1.status == 404)
        #expect(responses.1.json["error"]?["code"] == "identity_missing")
        #expect(exitCode == 0)
    }

    @Test func aBusyPortIsAClearFailure() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.appending("node")
        #expect(try await TauNodeProcess.run(["init", "--home", home], passphrase: "pw").exitCode == 0)
        _ = try await TauNodeProcess.withServer(home: home, passphrase: "pw") { base in
            let port = String(base.split(separator: ":").last ?? "")
            // With and without the mesh: the failure is reported and the process exits.
            for passphrase in [nil, "pw"] as [String?] {
                let second = try await TauNodeProcess.run(["serve", "--home", home, "--port", port], passphrase: passphrase)
                #expect(second.exitCode == 69)
                #expect(second.standardError.contains("address_in_use"), "\(second.standardError)")
            }
            return ()
        }
    }
}

/// The process helper itself: a server that ignores SIGTERM is killed after the grace
/// period, so one stuck node fails its test instead of hanging the whole run.
struct ProcessHelperTests {
    @Test(.timeLimit(.minutes(1))) func aServerIgnoringSIGTERMIsKilledAfterTheGracePeriod() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.appending("stubborn.sh")
        try AtomicFile.write(
            "#!/bin/sh\ntrap '' TERM\necho 'listening on http://127.0.0.1:1'\nwhile true; do sleep 1; done\n", to: script, mode: 0o755)
        let clock = ContinuousClock()
        let started = clock.now
        let (_, exitCode) = try await TauNodeProcess.withServer(home: directory.path, grace: .seconds(2), executable: script) { url in url }
        #expect(exitCode == 137, "killed with SIGKILL")
        #expect(clock.now - started < .seconds(30))
    }
}
