import Foundation
import TauCore
import TauCrypto

/// What one call of a paid skill costs, and to whom it is paid.
public struct A2APaymentRequirement: Sendable, Equatable {
    /// The skill id of the agent card.
    public var skill: String
    /// The price of one call (in credits).
    public var price: Money
    /// The DID that is paid (the node's).
    public var payTo: String
    /// How long the payee may take before the escrow can be refunded.
    public var timeoutSeconds: Int
    /// A sentence for the payer.
    public var description: String

    public init(skill: String, price: Money, payTo: String, timeoutSeconds: Int, description: String) {
        self.skill = skill
        self.price = price
        self.payTo = payTo
        self.timeoutSeconds = timeoutSeconds
        self.description = description
    }
}

/// Prices skills and takes payment for them. TauNode implements it over the escrow ledger;
/// without a desk every skill is free.
public protocol A2APaymentDesk: Sendable {
    /// What calling `skill` costs; nil when it is free.
    func requirement(forSkill skill: String) async -> A2APaymentRequirement?
    /// Checks a voucher (the X-PAYMENT header value) for one call of `skill` whose task hash
    /// is `taskHash` and records the escrow; returns its id. Throws a CodedError with a reason
    /// code (answered 402 with the requirement again and the code in `error`).
    func accept(voucher: String, requirement: A2APaymentRequirement, taskHash: String) async throws -> String
    /// The paid task finished: the payee's result hash and invoice (not above the price).
    func finished(escrowID: String, resultHash: String, invoice: Money) async
}

/// The x402-shaped answer to a call of a paid skill without (valid) payment, and the hashes
/// payer and payee agree on.
enum A2APayment {
    /// The signed message type a voucher carries.
    static let escrowOpenType = "https://tau-node.dev/kamn/1/escrow/open"
    /// The header that carries the voucher.
    static let header = "X-PAYMENT"

    /// The task hash of a message: lowercase hex SHA-256 of the JCS form of its `parts`
    /// array exactly as the client sent it in `params.message.parts`.
    static func taskHash(parts: JSONValue) -> String {
        Hex.encode(SHA256.hash(parts.canonicalBytes()))
    }

    /// The result hash of a finished task: lowercase hex SHA-256 of the JCS form of the
    /// `parts` array of its answer artifact (`[{"text": <final text>}]`).
    static func resultHash(finalText: String) -> String {
        taskHash(parts: [["text": .string(finalText)]])
    }

    /// The HTTP 402 body: x402's payment requirements, for the tau escrow.
    static func requiredBody(_ requirement: A2APaymentRequirement, resource: String, error: String) -> JSONValue {
        [
            "x402Version": 1,
            "error": .string(error),
            "accepts": [
                [
                    "scheme": "tau-escrow", "network": "kamn", "maxAmountRequired": .string(String(requirement.price.microunits)),
                    "payTo": .string(requirement.payTo), "resource": .string(resource), "description": .string(requirement.description),
                    "maxTimeoutSeconds": .number(Double(requirement.timeoutSeconds)), "asset": .string(requirement.price.currency.code),
                    "mimeType": "application/json",
                    "extra": [
                        "skill": .string(requirement.skill),
                        "amountUnit": "microcredits",
                        "messageType": .string(escrowOpenType),
                        "taskHash": "lowercase hex SHA-256 of the JCS serialization of params.message.parts",
                        "howToPay": .string(
                            "send again with header X-PAYMENT: base64url of a signed \(escrowOpenType) message (DIDComm signed JSON) to \(requirement.payTo) whose body holds the escrow id, amount, payee, task hash, deadline and skill"
                        ),
                    ],
                ]
            ],
        ]
    }
}
