import Hummingbird
import TauCore
import TauCrypto

extension GatewayDependencies {
    /// Operator endpoints need `Authorization: Bearer <token>` with the token from
    /// `operator.token` in the node home; compared in constant time.
    func authorizeOperator(_ request: Request) throws {
        guard let expected = operatorToken else {
            throw GatewayError(status: .forbidden, code: "operator_api_disabled", message: "no operator token is configured")
        }
        let header = request.headers[.authorization] ?? ""
        let presented = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
        guard constantTimeEquals(Array(presented.utf8), Array(expected.utf8)) else {
            throw GatewayError(status: .unauthorized, code: "operator_token_required", message: "send Authorization: Bearer <operator.token>")
        }
    }
}
