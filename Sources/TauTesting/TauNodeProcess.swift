import Foundation
import Subprocess
import SystemPackage

/// Runs the built `tau-node` binary as a child process, the way users do.
public enum TauNodeProcess {
    /// The outcome of one CLI invocation.
    public struct Result: Sendable {
        public let exitCode: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// Path of the `tau-node` executable: `$TAU_NODE_BINARY`, else next to the test bundle.
    public static var binaryPath: String {
        if let explicit = ProcessInfo.processInfo.environment["TAU_NODE_BINARY"], !explicit.isEmpty { return explicit }
        var candidates: [String] = []
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent("tau-node").path)
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("tau-node").path)
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("tau-node").path)
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/tau-node")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Test nodes form a mesh on one machine, so they may fetch from loopback (the
    /// `[outbound] allow` a local mesh sets); a test of the policy overrides it.
    static let loopback = "127.0.0.0/8"

    /// Runs `tau-node <arguments>` to completion.
    /// - Parameters:
    ///   - passphrase: exported as `TAU_PASSPHRASE` when given (and removed from the environment when nil).
    ///   - input: written to standard input.
    public static func run(
        _ arguments: [String], passphrase: String? = nil, input: String? = nil, environment extra: [String: String] = [:]
    ) async throws -> Result {
        var overrides: [Environment.Key: String?] = ["TAU_PASSPHRASE": passphrase, "TAU_HOME": nil, "TAU_OUTBOUND_ALLOW": loopback]
        for (key, value) in extra { overrides[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            .path(FilePath(binaryPath)), arguments: Arguments(arguments), environment: .inherit.updating(overrides),
            input: .string(input ?? ""), output: .string(limit: 4 << 20), error: .string(limit: 1 << 20))
        let code: Int32
        switch result.terminationStatus {
        case .exited(let value): code = value
        case .signaled(let signal): code = 128 + signal
        }
        return Result(exitCode: code, standardOutput: result.standardOutput ?? "", standardError: result.standardError ?? "")
    }

    /// Starts `tau-node serve --home <home> --port 0 <arguments>`, waits until it
    /// listens, runs `body` with its base URL, then sends `stopSignal` (SIGTERM by
    /// default) and returns the body's value together with the server's exit code.
    /// A server still running `grace` after the signal is killed (SIGKILL, exit code 137),
    /// so a node that ignores SIGTERM fails its test instead of hanging the run.
    /// - Parameter executable: another program to run in place of the tau-node binary
    ///   (tests of this helper).
    ///
    /// With a fixed `port` (a node restarted where its peers expect it), a server that exits
    /// before listening is started again, up to 10 times 300 ms apart: between a kill and the
    /// restart, another test's connection may hold that port for a moment.
    public static func withServer<T: Sendable>(
        home: String, arguments: [String] = [], passphrase: String? = nil, stopSignal: Signal = .terminate, port: Int? = nil,
        environment extra: [String: String] = [:], grace: Duration = .seconds(15), executable: String? = nil,
        _ body: @escaping @Sendable (_ baseURL: String) async throws -> T
    ) async throws -> (value: T, exitCode: Int32) {
        var attempts = 1
        while true {
            do {
                return try await startServer(
                    home: home, arguments: arguments, passphrase: passphrase, stopSignal: stopSignal, port: port, environment: extra,
                    grace: grace, executable: executable, body)
            } catch is ExitedBeforeListening where port != nil && attempts < 10 {
                attempts += 1
                try await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    private static func startServer<T: Sendable>(
        home: String, arguments: [String], passphrase: String?, stopSignal: Signal, port: Int?,
        environment extra: [String: String], grace: Duration, executable: String?,
        _ body: @escaping @Sendable (_ baseURL: String) async throws -> T
    ) async throws -> (value: T, exitCode: Int32) {
        var overrides: [Environment.Key: String?] = [
            "TAU_PASSPHRASE": passphrase, "TAU_HOME": nil, "TAU_LOG_LEVEL": "warning", "TAU_OUTBOUND_ALLOW": loopback,
        ]
        for (name, value) in extra { overrides[Environment.Key(stringLiteral: name)] = value }
        let result = try await Subprocess.run(
            .path(FilePath(executable ?? binaryPath)), arguments: Arguments(["serve", "--home", home, "--port", String(port ?? 0)] + arguments),
            environment: .inherit.updating(overrides), input: .none, output: .sequence, error: .discarded
        ) { execution -> Swift.Result<T, any Error> in
            var lines = execution.standardOutput.strings().makeAsyncIterator()
            var baseURL: String?
            while let line = try await lines.next() {
                if let range = line.range(of: "listening on ") {
                    baseURL = String(line[range.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
                    break
                }
            }
            guard let baseURL else {
                return .failure(ExitedBeforeListening())
            }
            let outcome: Swift.Result<T, any Error>
            do { outcome = .success(try await body(baseURL)) } catch { outcome = .failure(error) }
            try execution.send(signal: stopSignal)
            let watchdog = Task {
                try await Task.sleep(for: grace)
                try execution.send(signal: .kill)
            }
            while try await lines.next() != nil {}
            watchdog.cancel()
            return outcome
        }
        let code: Int32
        switch result.terminationStatus {
        case .exited(let value): code = value
        case .signaled(let signal): code = 128 + signal
        }
        return (try result.closureResult.get(), code)
    }
}

/// `tau-node serve` ended without printing where it listens.
struct ExitedBeforeListening: Error, CustomStringConvertible {
    var description: String { "tau-node serve exited before listening" }
}

/// A failure inside a test helper.
public struct TestingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
