import Foundation
import Subprocess
import TauCore
import TauTesting
import Testing

/// `tau-node … | head -1`: a reader that stops early ends the command quietly, with status
/// 0 and no backtrace — also after the command has used the network (NIO ignores SIGPIPE,
/// so a write to the closed pipe fails with EPIPE instead of killing the process).
@Suite(.timeLimit(.minutes(10))) struct BrokenPipeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `tau-node <arguments>` into a pipe whose reader has already closed it.
    static func intoClosedPipe(_ arguments: [String]) async throws -> (status: String, standardError: String) {
        let quoted = ([TauNodeProcess.binaryPath] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let script = quoted.joined(separator: " ") + " 2>/dev/stderr | (exec 0<&-; sleep 1); echo ${PIPESTATUS[0]}"
        let result = try await Subprocess.run(
            .name("bash"), arguments: ["-c", script], environment: .inherit.updating(["TAU_HOME": nil]),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        return ((result.standardOutput).trimmingCharacters(in: .whitespacesAndNewlines), result.standardError)
    }

    @Test func commandsThatPrintALotStopQuietlyWhenTheReaderGoes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try String(contentsOf: Self.repository.appendingPathComponent("keys-example/did-log.jsonl"), encoding: .utf8)
        let first = try JSONValue(parsing: String(log.split(separator: "\n")[0]))
        let did = try #require(first["state"]?["id"]?.stringValue)
        try await StaticHTTPServer.with(["/mesh/v1/dids/\(did)/log": .init(body: log, contentType: "application/jsonl")]) { base in
            let home = directory.appending("home")
            for arguments in [
                ["id", "resolve", did, "--source", base, "--json", "--home", home],
                ["models", "list", "--home", home],
                ["models", "list", "--json", "--home", home],
            ] {
                let (status, standardError) = try await Self.intoClosedPipe(arguments)
                #expect(status == "0", "\(arguments): exit \(status), \(standardError)")
                #expect(!standardError.contains("Fatal error") && !standardError.contains("Backtrac"), "\(arguments): \(standardError)")
            }
        }
    }
}
