import Foundation
import TauCore

/// A skill the node offers to A2A clients.
public struct A2ASkill: Sendable, Equatable {
    /// The id clients name in `metadata.skill`.
    public var id: String
    public var name: String
    public var description: String
    public var tags: [String]
    public var examples: [String]

    public init(id: String, name: String, description: String, tags: [String] = [], examples: [String] = []) {
        self.id = id
        self.name = name
        self.description = description
        self.tags = tags
        self.examples = examples
    }

    /// The node's general agent: any task, run by the node's agent with its tools.
    public static let agent = A2ASkill(
        id: "agent", name: "General agent", description: "Runs the task with the node's agent and tools and answers with the result.",
        tags: ["agent", "general"])
}

/// What the agent card says about the node.
public struct A2ACardDescription: Sendable, Equatable {
    public var name: String
    public var description: String
    /// Skills offered; the first that a request does not name is `agent`.
    public var skills: [A2ASkill]
    /// The base URL clients reach the node at (`[server] public_url`); nil: `http://` and the
    /// request's `Host`.
    public var publicURL: String?

    public init(name: String, description: String, skills: [A2ASkill] = [.agent], publicURL: String? = nil) {
        self.name = name
        self.description = description
        self.skills = skills.isEmpty ? [.agent] : skills
        self.publicURL = publicURL
    }
}

/// Builds and signs the agent card (`GET /.well-known/agent-card.json`).
///
/// The card holds only fields of A2A 1.0's `AgentCard` and no empty string, list or object,
/// so that the JCS form a verifier rebuilds after dropping defaults and empties (A2A §8.4.1)
/// is the JCS form of the card as served, without `signatures`.
enum A2AAgentCard {
    /// The extension that names the node's DID.
    static let identityExtension = "https://tau-node.dev/kamn/1/a2a/identity"
    /// The extension that states the price of paid skills.
    static let paymentExtension = "https://tau-node.dev/kamn/1/a2a/payment"

    /// The unsigned card.
    static func card(
        _ description: A2ACardDescription, baseURL: String, version: String, did: String?, prices: [String: Money], didAuthentication: Bool
    ) -> JSONValue {
        let endpoint = baseURL + "/a2a"
        var extensions: [JSONValue] = []
        if let did {
            extensions.append([
                "uri": .string(identityExtension), "description": "The node's DID; the card is signed with its key (kid is a verification method of it).",
                "params": ["did": .string(did)],
            ])
        }
        if !prices.isEmpty, let did {
            var amounts: [String: JSONValue] = [:]
            for (skill, price) in prices { amounts[skill] = .string(String(price.microunits)) }
            extensions.append([
                "uri": .string(paymentExtension),
                "description": "Paid skills answer HTTP 402 until called with an X-PAYMENT voucher (a signed escrow/open); prices in micro-credits.",
                "params": [
                    "scheme": "tau-escrow", "network": "kamn", "asset": "credits", "payTo": .string(did), "header": .string(A2APayment.header),
                    "prices": .object(amounts),
                ],
            ])
        }
        var capabilities: [String: JSONValue] = ["streaming": true, "pushNotifications": false]
        if !extensions.isEmpty { capabilities["extensions"] = .array(extensions) }
        var schemes: [String: JSONValue] = [
            "apiKey": ["httpAuthSecurityScheme": ["scheme": "Bearer", "description": "An API key of the node (`tau-node keys create`)."]]
        ]
        if didAuthentication {
            schemes["did"] = [
                "httpAuthSecurityScheme": [
                    "scheme": "DID",
                    "description":
                        "base64url of a DIDComm signed message of type https://tau-node.dev/kamn/1/a2a/request to the node's DID, body {method, path, sha256 of the HTTP body}.",
                ]
            ]
        }
        let skills: [JSONValue] = description.skills.map { skill in
            var json: [String: JSONValue] = ["id": .string(skill.id), "name": .string(skill.name), "description": .string(skill.description)]
            var tags = skill.tags
            if let price = prices[skill.id] { tags.append("price:\(price.microunits) microcredits") }
            if !tags.isEmpty { json["tags"] = .array(tags.map(JSONValue.string)) }
            if !skill.examples.isEmpty { json["examples"] = .array(skill.examples.map(JSONValue.string)) }
            return .object(json)
        }
        return [
            "name": .string(description.name), "description": .string(description.description), "version": .string(version),
            "supportedInterfaces": [
                ["url": .string(endpoint), "protocolBinding": "JSONRPC", "protocolVersion": "1.0"],
                ["url": .string(endpoint), "protocolBinding": "JSONRPC", "protocolVersion": "0.3"],
            ],
            "capabilities": .object(capabilities), "securitySchemes": .object(schemes),
            "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"], "skills": .array(skills),
        ]
    }

    /// The card with one JWS signature (A2A §8.4): protected header `{"alg":"EdDSA","kid":…,
    /// "typ":"JOSE"}`, payload the JCS form of the card without `signatures`. The signer names
    /// its key only when it signs, so a card is signed again when the key it named last time
    /// is not the one that signed.
    static func signed(_ card: JSONValue, signer: A2AGatewayDependencies.CardSigner, knownKey: String?) async throws -> (card: JSONValue, kid: String) {
        let payload = Base64URL.encode(card.canonicalBytes())
        var kid = knownKey ?? ""
        for _ in 0..<2 {
            let header: JSONValue = ["alg": "EdDSA", "typ": "JOSE", "kid": .string(kid)]
            let protected = Base64URL.encode(header.canonicalBytes())
            let signature = try await signer(Array((protected + "." + payload).utf8))
            if signature.kid == kid {
                var signed = card
                signed["signatures"] = [["protected": .string(protected), "signature": .string(Base64URL.encode(signature.signature))]]
                return (signed, kid)
            }
            kid = signature.kid
        }
        throw GatewayError(status: .serviceUnavailable, code: "card_key_changing", message: "the node's signing key changed while the card was signed; retry")
    }
}
