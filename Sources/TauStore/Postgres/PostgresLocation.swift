import Foundation
import TauCore
internal import NIOSSL
internal import PostgresNIO

/// A `postgres://` URL, parsed into what the client needs.
///
/// `postgres[ql]://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`;
/// `?host=/var/run/postgresql` (a directory) connects over the Unix socket in it. The
/// default `sslmode` is `prefer`, as with libpq.
struct PostgresLocation: Sendable, Equatable {
    enum TLSMode: String, Sendable { case disable, prefer, require }

    var host: String
    var port: Int
    var socketDirectory: String?
    var username: String
    var password: String?
    var database: String?
    var tls: TLSMode

    /// - Throws: `store_url_invalid`, naming what is wrong but never the password.
    init(url text: String) throws(StoreError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["postgres", "postgresql"].contains(scheme)
        else {
            throw StoreError("store_url_invalid", "the database URL must look like postgres://user:password@host:5432/database", category: .invalidInput)
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        for name in query.keys where !["sslmode", "host", "port", "user", "password", "dbname"].contains(name) {
            throw StoreError("store_url_invalid", "the database URL has an unknown parameter `\(name)`", category: .invalidInput)
        }
        let socket = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = socket == nil ? (query["host"] ?? components.host ?? "").removingPercentEncoding ?? "" : "localhost"
        guard socket != nil || !host.isEmpty else {
            throw StoreError("store_url_invalid", "the database URL names no host", category: .invalidInput)
        }
        socketDirectory = socket
        let portText = query["port"] ?? components.port.map(String.init)
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw StoreError("store_url_invalid", "the database URL's port must be 1-65535", category: .invalidInput)
            }
            port = number
        } else {
            port = 5432
        }
        username = query["user"] ?? components.percentEncodedUser?.removingPercentEncoding ?? "postgres"
        password = query["password"] ?? components.percentEncodedPassword?.removingPercentEncoding
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        let name = query["dbname"] ?? String(path.drop { $0 == "/" })
        database = name.isEmpty ? nil : name
        guard let mode = TLSMode(rawValue: query["sslmode"] ?? "prefer") else {
            throw StoreError("store_url_invalid", "sslmode must be disable, prefer or require", category: .invalidInput)
        }
        tls = mode
    }

    /// The URL without its password, for logs and messages.
    var redacted: String {
        let target = socketDirectory.map { "[\($0)]" } ?? "\(host):\(port)"
        return "postgres://\(username)@\(target)/\(database ?? "")"
    }

    /// One connection's configuration, for the probe at open.
    func connectionConfiguration(timeout: Duration) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketDirectory {
            configuration = .init(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            let tlsConfiguration: PostgresConnection.Configuration.TLS =
                switch tls {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tlsConfiguration)
        }
        configuration.options.connectTimeout = .milliseconds(Int64(timeout.timeInterval * 1000))
        return configuration
    }

    func clientConfiguration(statementTimeout: Duration) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            let tlsConfiguration: PostgresClient.Configuration.TLS =
                switch tls {
                case .disable: .disable
                case .prefer: .prefer(.makeClientConfiguration())
                case .require: .require(.makeClientConfiguration())
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tlsConfiguration)
        }
        let milliseconds = statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000
        // The server ends a statement that runs (or waits for a lock) longer than the
        // client would wait for it, so that no connection stays busy after a timeout.
        configuration.options.additionalStartupParameters = [
            ("statement_timeout", "\(milliseconds)"), ("application_name", "tau-node"),
        ]
        configuration.options.connectTimeout = statementTimeout
        configuration.options.maximumConnections = 16
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(15))
        return configuration
    }
}
