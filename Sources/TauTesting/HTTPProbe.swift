import AsyncHTTPClient
import Foundation
import NIOCore
import TauCore

/// GET requests from tests to real servers.
public enum HTTPProbe {
    /// GETs `url` and returns the status and body.
    public static func get(_ url: String) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// GETs `url` and parses the body as JSON.
    public static func getJSON(_ url: String) async throws -> (status: Int, json: JSONValue) {
        let (status, body) = try await get(url)
        return (status, try JSONValue(parsing: body))
    }
}
