import Foundation
import TauCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The node home directory and the files in it:
/// `config.toml`, `keystore.json` (0600), `node.sqlite` (WAL), `logs/`.
public struct NodeHome: Sendable, Equatable {
    /// The environment variable naming the home.
    public static let environmentVariable = "TAU_HOME"

    public let path: String

    public init(path: String) {
        self.path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    }

    /// `--home` if given, else `TAU_HOME`, else `~/.tau`.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> NodeHome {
        if let explicit, !explicit.isEmpty { return NodeHome(path: absolute(explicit)) }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return NodeHome(path: absolute(fromEnvironment))
        }
        let base = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return NodeHome(path: base + "/.tau")
    }

    public var configPath: String { path + "/config.toml" }
    public var keystorePath: String { path + "/keystore.json" }
    public var databasePath: String { path + "/node.sqlite" }
    public var logsPath: String { path + "/logs" }
    var lockPath: String { path + "/identity.lock" }

    /// Whether `tau-node init` has run here.
    public var hasKeystore: Bool { FileManager.default.fileExists(atPath: keystorePath) }

    /// Creates the home (mode 0700) and `logs/` if missing.
    public func create() throws(NodeError) {
        do {
            try FileManager.default.createDirectory(
                atPath: logsPath, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        } catch {
            throw NodeError("home_unwritable", "cannot create node home \(path): \(error.localizedDescription)", category: .internal)
        }
    }

    /// Runs `body` holding an exclusive lock on the home, so that two commands
    /// never change the identity at the same time.
    public func withIdentityLock<T>(_ body: () async throws -> T) async throws -> T {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw NodeError("home_unwritable", "cannot open \(lockPath)", category: .internal)
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw NodeError("home_locked", "cannot lock \(lockPath)", category: .conflict)
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }

    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "~" || path.hasPrefix("~/") {
            return FileManager.default.homeDirectoryForCurrentUser.path + path.dropFirst()
        }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}
