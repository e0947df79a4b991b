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

    /// GETs `url` and parses the body as JSON.
    public static func getJSON(_ url: String) async throws -> (status: Int, json: JSONValue) {
        let (status, body) = try await get(url)
        return (status, try JSONValue(parsing: body))
    }
}
