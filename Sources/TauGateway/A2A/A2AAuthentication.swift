import Foundation
import Hummingbird
import TauCore
import TauCrypto
import TauEnvelope
import TauProviders

/// Who calls `POST /a2a`: a holder of an API key (or the local developer in
/// `localhost-dev` mode), or a DID that signed the request.
enum A2ACaller: Sendable, Equatable {
    case gateway(GatewayCaller)
    case did(String)

    /// Whose runs these are: the API key id, the DID, or nil for the operator.
    var owner: String? {
        switch self {
        case .gateway(let caller): return caller.apiKeyID
        case .did(let did): return did
        }
    }

    /// The key's budget; a DID has none (it pays per task, or the skill is free).
    var budget: Money? {
        if case .gateway(let caller) = self { return caller.budget }
        return nil
    }
}

/// `Authorization: DID <base64url of a signed message>`: the message, of type
/// ``requestType``, is addressed to the node and binds the HTTP method, path and the
/// SHA-256 of the body, so it authorises this one request.
enum A2ADIDAuthentication {
    static let requestType = "https://tau-node.dev/kamn/1/a2a/request"
    static let scheme = "did "

    /// The verified sender DID.
    /// - Throws: ``GatewayError`` 401 with `did_auth_unavailable`, `did_auth_malformed`,
    ///   `did_auth_wrong_type`, `did_auth_wrong_recipient`, `did_auth_request_mismatch`, or the
    ///   verifier's reason code (`signature_invalid`, `replayed`, `expired`, …).
    static func verify(
        authorization: String, body: [UInt8], path: String, nodeDID: String?, verifier: A2AGatewayDependencies.RequestVerifier?
    ) async throws -> String {
        guard let verifier, let nodeDID else {
            throw refusal("did_auth_unavailable", "this node does not accept DID-signed requests (it has no identity or no unlocked keys)")
        }
        let encoded = authorization.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces)
        guard let bytes = Base64URL.decode(encoded), let message = try? SignedMessage(bytes: bytes) else {
            throw refusal("did_auth_malformed", "`Authorization: DID` must carry base64url of a signed message (DIDComm signed JSON)")
        }
        let plaintext = message.plaintext
        guard plaintext.type == requestType else {
            throw refusal("did_auth_wrong_type", "the signed message must be of type \(requestType)")
        }
        guard plaintext.to.map(\.description).contains(nodeDID) else {
            throw refusal("did_auth_wrong_recipient", "the signed message must be addressed to \(nodeDID)")
        }
        let hash = Hex.encode(SHA256.hash(body))
        guard plaintext.body["method"]?.stringValue == "POST", plaintext.body["path"]?.stringValue == path,
            plaintext.body["sha256"]?.stringValue?.lowercased() == hash
        else {
            throw refusal("did_auth_request_mismatch", "the signed message must name method POST, path \(path) and the SHA-256 of this body")
        }
        let sender: String
        do {
            sender = try await verifier(bytes)
        } catch let error as any TauError {
            // A store that is down is the node's failure, not the caller's.
            if error.category == .temporarilyUnavailable || error.category == .internal { throw GatewayError(error) }
            throw refusal(error.code, error.message)
        }
        guard sender == plaintext.from.description else {
            throw refusal("did_auth_malformed", "the verified sender is not the message's `from`")
        }
        return sender
    }

    static func refusal(_ code: String, _ message: String) -> GatewayError {
        GatewayError(status: .unauthorized, code: code, message: message, headers: [.wwwAuthenticate: "Bearer, DID"])
    }
}
