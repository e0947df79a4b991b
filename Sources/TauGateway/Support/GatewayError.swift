import Foundation
import HTTPTypes
import Hummingbird
import TauCore

/// An error as the HTTP surface reports it: a status, and a JSON body
/// `{"error": {"code": "<reason>", "message": "…"}}` with a stable reason code.
public struct GatewayError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Headers sent besides `Content-Type`, e.g. `Retry-After`.
    public let extraHeaders: HTTPFields

    public init(status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.extraHeaders = headers
    }

    /// Maps any tau-node module error to its HTTP meaning, in this one place.
    public init(_ error: any TauError) {
        self.init(status: GatewayError.status(for: error.category), code: error.code, message: error.message)
    }

    public var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        fields.append(contentsOf: extraHeaders)
        return fields
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: JSONValue = ["error": ["code": .string(code), "message": .string(message)]]
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.canonicalString())))
    }

    /// The status that reports a failure category.
    public static func status(for category: ErrorCategory) -> HTTPResponse.Status {
        switch category {
        case .invalidInput: return .badRequest
        case .notFound: return .notFound
        case .unauthorized: return .forbidden
        case .conflict: return .conflict
        case .unavailable: return .badGateway
        case .temporarilyUnavailable: return .serviceUnavailable
        case .rateLimited: return .tooManyRequests
        case .internal: return .internalServerError
        }
    }
}

extension Response {
    /// A JSON response with the canonical serialization of `value`.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        Response(
            status: status, headers: [.contentType: contentType],
            body: .init(byteBuffer: ByteBuffer(string: value.canonicalString())))
    }

    /// A plain-bytes response.
    static func text(_ text: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
