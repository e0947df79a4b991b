import Foundation
import Logging
internal import PostgresNIO
import TauStore

/// The backends store tests run against.
public enum TestBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case memory
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The database backends (every backend but memory).
    public static let databases: [TestBackend] = [.sqlite, .postgres]
}

/// A store opened for one test, on a fresh SQLite file or a fresh PostgreSQL database.
public struct TestStore: Sendable {
    public let store: Store
    /// Where it lives, to open it again (as a second replica would).
    public let location: StoreLocation
    private let directory: TemporaryDirectory?

    /// Opens a fresh store; nil for `.postgres` when no test server is configured.
    /// - Throws: when `TAU_REQUIRE_POSTGRES=1` and `TAU_TEST_DATABASE_URL` is missing, so a
    ///   CI run can never pass while skipping PostgreSQL.
    /// - Parameter timeout: how long one database call may take; longer than a node's default,
    ///   since contracts check what is kept, not how fast, and test machines may be loaded.
    public static func open(
        _ backend: TestBackend, timeout: Duration = .seconds(30), now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> TestStore? {
        switch backend {
        case .memory:
            return nil
        case .sqlite:
            let directory = try TemporaryDirectory(prefix: "tau-store")
            let location = StoreLocation.sqlite(path: directory.appending("node.sqlite"))
            return TestStore(store: try await Store.open(location, timeout: timeout, now: now), location: location, directory: directory)
        case .postgres:
            guard let url = try await TestPostgres.createDatabase() else { return nil }
            let location = StoreLocation.postgres(url: url)
            return TestStore(store: try await Store.open(location, timeout: timeout, now: now), location: location, directory: nil)
        }
    }

    /// Closes the store and removes its files.
    public func remove() async {
        await store.close()
        directory?.remove()
    }
}

/// The PostgreSQL server `scripts/with-postgres.sh` starts for a test run.
public enum TestPostgres {
    /// `TAU_TEST_DATABASE_URL`: a role that may create databases.
    public static var serverURL: String? {
        let url = ProcessInfo.processInfo.environment["TAU_TEST_DATABASE_URL"]
        return url?.isEmpty == false ? url : nil
    }

    /// Whether PostgreSQL tests must run (`TAU_REQUIRE_POSTGRES=1`, set by `make test`).
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["TAU_REQUIRE_POSTGRES"] == "1" }

    /// Whether PostgreSQL tests can run here.
    public static var isAvailable: Bool { serverURL != nil || isRequired }

    /// Creates an empty database on the test server and returns its URL; nil when there is
    /// no test server (and none is required).
    public static func createDatabase() async throws -> String? {
        guard let serverURL else {
            if isRequired { throw TestPostgresMissing() }
            return nil
        }
        let name = "tau_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        try await run(on: serverURL, "CREATE DATABASE \(name)")
        guard var components = URLComponents(string: serverURL) else { throw TestPostgresMissing() }
        components.path = "/" + name
        return components.string
    }

    /// Runs one statement on the server at `url` over a short-lived connection.
    public static func run(on url: String, _ statement: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host else { throw TestPostgresMissing() }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
            database: String(components.path.dropFirst()), tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "tau.test.postgres"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "tau.test.postgres"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// `TAU_REQUIRE_POSTGRES=1` without a test server.
public struct TestPostgresMissing: Error, CustomStringConvertible {
    public var description: String {
        "PostgreSQL tests are required but TAU_TEST_DATABASE_URL is not set; run them through scripts/with-postgres.sh (make test does)"
    }
}
