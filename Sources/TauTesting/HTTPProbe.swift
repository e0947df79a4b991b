import AsyncHTTPClient
import Foundation
import NIOCore
import TauCore

/// GET requests from tests to real servers.
public enum HTTPProbe {
    /// GETs `url` and returns the status and body.
    public static func get(_ url: String, headers: [String: String] = [:]) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// POSTs `body` and returns the status and response body.
    /// - Parameter localAddress: the source address to send from (any 127.x address on
    ///   loopback), so that a test can be several clients.
    public static func post(
        _ url: String, body: [UInt8], contentType: String, headers: [String: String] = [:], localAddress: String? = nil
    ) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.localAddress = localAddress
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 8 << 20)))
    }

    /// An answer with its headers (lower-cased names).
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String
    }

    /// A client that opens as many connections to one host as there are requests, so that
    /// tests can send many calls at once (the shared client queues beyond 8 per host).
    static let parallel: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// POSTs a JSON body and returns the whole answer with its headers; many of these may run at once.
    public static func postJSON(
        _ url: String, body: JSONValue, headers: [String: String] = [:], timeout: Duration = .seconds(30)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body.canonicalBytes()))
        let response = try await parallel.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), headers: fields, body: String(buffer: try await response.body.collect(upTo: 8 << 20)))
    }

    /// GETs `url` and parses the body as JSON.
    public static func getJSON(_ url: String) async throws -> (status: Int, json: JSONValue) {
        let (status, body) = try await get(url)
        return (status, try JSONValue(parsing: body))
    }
}
