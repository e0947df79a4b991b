import Foundation
import HTTPTypes
import Hummingbird
import TauCore
import TauProviders

/// An error of the OpenAI-compatible API, in OpenAI's JSON shape
/// `{"error": {"message", "type", "param", "code"}}`, so that OpenAI clients raise
/// the right exception class.
struct OpenAIError: Error, HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let type: String
    let code: String
    let message: String
    var retryAfterSeconds: Int?
    /// The official clients retry 429 and 5xx unless told not to (`x-should-retry`).
    var shouldRetry: Bool?

    var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        if let retryAfterSeconds { fields[.retryAfter] = String(retryAfterSeconds) }
        if let shouldRetry, let name = HTTPField.Name("x-should-retry") { fields[name] = shouldRetry ? "true" : "false" }
        return fields
    }

    var body: JSONValue {
        ["error": ["message": .string(message), "type": .string(type), "param": nil, "code": .string(code)]]
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.canonicalString())))
    }

    init(status: HTTPResponse.Status, type: String, code: String, message: String, retryAfterSeconds: Int? = nil, shouldRetry: Bool? = nil) {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.shouldRetry = shouldRetry
    }

    /// The OpenAI-shaped error for any error thrown while serving a model call.
    init(_ error: any Error) {
        switch error {
        case let limited as RateLimited:
            self.init(status: .tooManyRequests, type: "rate_limit_error", code: limited.code, message: limited.message, retryAfterSeconds: limited.retryAfterSeconds)
        case let exhausted as RoutingExhausted:
            let seconds = exhausted.retryAfter.map { max(1, Int($0.components.seconds) + ($0.components.attoseconds > 0 ? 1 : 0)) }
            switch exhausted.category {
            case .rateLimited:
                self.init(status: .tooManyRequests, type: "rate_limit_error", code: exhausted.code, message: exhausted.summary, retryAfterSeconds: seconds)
            case .invalidInput:
                self.init(status: .badRequest, type: "invalid_request_error", code: exhausted.code, message: exhausted.summary)
            default:
                let allOpen = exhausted.lastFailure == nil
                self.init(
                    status: allOpen ? .serviceUnavailable : .badGateway, type: "api_error", code: exhausted.code, message: exhausted.summary,
                    retryAfterSeconds: seconds)
            }
        case let denied as AccessDenied:
            self.init(status: .forbidden, type: "permission_error", code: denied.code, message: denied.message)
        case let failure as UpstreamFailure:
            // A request the node or the upstream refused as malformed: pass the 4xx on (400 when
            // the node refused it before sending).
            let status =
                failure.kind == .rejected && failure.status == nil
                ? .badRequest : failure.status.flatMap { (400..<500).contains($0) ? HTTPResponse.Status(code: $0) : nil } ?? .badGateway
            // The provider's own text stays in the node's log (UpstreamFailure.summary).
            self.init(status: status, type: status == .badGateway ? "api_error" : "invalid_request_error", code: failure.code, message: failure.summary)
        case let failed as AuthenticationFailed:
            self.init(status: .unauthorized, type: "authentication_error", code: failed.code, message: failed.message)
        case let refused as BudgetRefused:
            switch refused.reason {
            case .unpricedModel:
                self.init(status: .forbidden, type: "permission_error", code: refused.code, message: refused.message)
            case .exceeded:
                self.init(status: .tooManyRequests, type: "insufficient_quota", code: refused.code, message: refused.message, shouldRetry: false)
            }
        case let coded as any TauError:
            let status = GatewayError.status(for: coded.category)
            // A model that does not exist (`model_not_found`, 404) is a bad request in OpenAI's terms.
            let isRequestError = coded.category == .invalidInput || coded.category == .notFound
            self.init(
                status: status == .forbidden ? .unauthorized : status,
                type: isRequestError ? "invalid_request_error" : "api_error", code: coded.code, message: coded.message)
        default:
            self.init(status: .internalServerError, type: "api_error", code: "internal_error", message: "internal error")
        }
    }
}
