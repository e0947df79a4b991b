import Foundation
import Subprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of one test's own, which the test may stop and start again (the
/// server `scripts/with-postgres.sh` shares between tests must stay up for the others).
/// The cluster and the server run as the `postgres` user: `initdb` refuses root.
public struct PostgresServer: Sendable {
    public let port: Int
    let binaries: String
    let root: String
    var data: String { root + "/data" }

    /// `postgres://tau@127.0.0.1:PORT/postgres?sslmode=disable` (trust authentication).
    public var url: String { "postgres://tau@127.0.0.1:\(port)/postgres?sslmode=disable" }

    /// Initialises and starts a server; nil when PostgreSQL is not installed for tests
    /// (`TAU_TEST_POSTGRES_BIN`, set by `scripts/with-postgres.sh`) and not required.
    public static func start() async throws -> PostgresServer? {
        guard let binaries = ProcessInfo.processInfo.environment["TAU_TEST_POSTGRES_BIN"], !binaries.isEmpty else {
            if TestPostgres.isRequired { throw TestPostgresMissing() }
            return nil
        }
        let root = "/tmp/tau-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        if getuid() == 0 { try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: root) }
        let initialised = PostgresServer(port: 0, binaries: binaries, root: root)
        try await initialised.run("initdb", ["-D", initialised.data, "-U", "tau", "--auth=trust", "-E", "UTF8", "--no-locale"])
        let settings = """
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(root)'
            fsync = off
            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: initialised.data + "/postgresql.conf"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(("\n" + settings + "\n").utf8))
        try handle.close()
        // A port that was free a moment ago can be taken by a parallel test's listener before
        // the server binds it: try a few.
        var lastError: (any Error)?
        for _ in 0..<5 {
            let server = PostgresServer(port: try freePort(), binaries: binaries, root: root)
            do {
                try await server.startAgain()
                return server
            } catch {
                lastError = error
            }
        }
        try? FileManager.default.removeItem(atPath: root)
        throw lastError ?? TestingError("the test PostgreSQL server did not start")
    }

    /// Starts the (stopped) server on the same port and data.
    public func startAgain() async throws {
        do {
            try await run("pg_ctl", ["-D", data, "-l", root + "/server.log", "-o", "-p \(port)", "-w", "-t", "60", "start"])
        } catch {
            let log = (try? String(contentsOfFile: root + "/server.log", encoding: .utf8)) ?? ""
            throw TestingError("\(error) — server log: \(log.suffix(600))")
        }
    }

    /// Stops the server at once, dropping every connection.
    public func stop() async throws {
        try await run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
    }

    /// Stops the server and deletes its files.
    public func remove() async {
        try? await stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    private func run(_ tool: String, _ arguments: [String]) async throws {
        let executable = binaries + "/" + tool
        let (program, allArguments): (String, [String]) =
            getuid() == 0 ? ("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments) : (executable, arguments)
        let result = try await Subprocess.run(
            .path(FilePath(program)), arguments: Arguments(allArguments), output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        guard result.terminationStatus.isSuccess else {
            throw TestingError("\(tool) failed: \(result.standardError) \(result.standardOutput)")
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestingError("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw TestingError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
