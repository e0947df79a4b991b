import Foundation
import TauCore
import TauCrypto
import TauIdentity

/// The message types of paid delegation and mesh model calls (`Specs/mesh.md` section 15).
public enum DelegationMessageType {
    /// Asks a peer for its price for a task; answered with a `task/quote`.
    public static let quote = MeshMessageType.base + "task/quote"
    /// Hands a paid task to the peer holding its escrow; answered with a `receipt`.
    public static let request = MeshMessageType.base + "task/request"
    /// The payee's signed result with its hash and invoice; answered with a `receipt`.
    public static let result = MeshMessageType.base + "task/result"
    /// The payer withdraws a task; answered with the payee's `escrow/refund`.
    public static let cancel = MeshMessageType.base + "task/cancel"
    /// The payer's hold for one escrow, sent to the payee (and to a third escrow agent).
    public static let escrowOpen = MeshMessageType.base + "escrow/open"
    /// Pays the invoice (payer, or the agent deciding a dispute).
    public static let escrowRelease = MeshMessageType.base + "escrow/release"
    /// Gives everything back to the payer (payee, or the agent).
    public static let escrowRefund = MeshMessageType.base + "escrow/refund"
    /// The payer contests a result; the agent decides.
    public static let escrowDispute = MeshMessageType.base + "escrow/dispute"
    /// A signed acknowledgement of an escrow or task message.
    public static let receipt = MeshMessageType.base + "receipt"
    /// A model call in OpenAI chat format, paid through an escrow; answered with `model/result`.
    public static let modelComplete = MeshMessageType.base + "model/complete"
    public static let modelResult = MeshMessageType.base + "model/result"
}

/// Limits and helpers shared by the delegation messages.
public enum DelegationProtocol {
    /// The largest task text a `task/request` carries (bytes of UTF-8).
    public static let maximumPromptBytes = 64 * 1024
    /// The largest result a `task/result` carries.
    public static let maximumResultBytes = 128 * 1024
    /// Hops a new task may take; a receiver refuses more.
    public static let maximumHops = 4
    /// DIDs a visited list may name.
    public static let maximumVisited = 8
    /// The longest deadline a payer may set, and the shortest.
    public static let maximumDeadline: TimeInterval = 24 * 3600
    public static let minimumDeadline: TimeInterval = 5

    /// The task hash both sides compute: lowercase hex SHA-256 of the JCS serialization of
    /// `{"prompt": …, "skill": …}`.
    public static func taskHash(skill: String, prompt: String) -> String {
        Hex.encode(SHA256.hash(JSONValue.object(["skill": .string(skill), "prompt": .string(prompt)]).canonicalBytes()))
    }

    /// Lowercase hex SHA-256 of a result's UTF-8 bytes.
    public static func resultHash(_ result: String) -> String { Hex.encode(SHA256.hash(Array(result.utf8))) }

    /// A fresh escrow id: `esc_` and 24 hex digits.
    public static func newEscrowID() -> String { "esc_" + Hex.encode(SecureRandom.bytes(12)) }

    /// Whether `id` has the shape of an escrow id.
    public static func isEscrowID(_ id: String) -> Bool {
        id.utf8.count == 28 && id.hasPrefix("esc_") && id.utf8.dropFirst(4).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Lowercase hex SHA-256 of the JCS serialization of `json` (a model call and its response).
    public static func jsonHash(_ json: JSONValue) -> String { Hex.encode(SHA256.hash(json.canonicalBytes())) }
}

/// Reads the members of a delegation body, refusing what does not fit with `body_invalid`.
public struct DelegationBody: Sendable {
    public let json: JSONValue

    public init(_ json: JSONValue) throws(MeshError) {
        guard case .object = json else { throw MeshError("body_invalid", "the body must be a JSON object") }
        self.json = json
    }

    /// A string member of at most `limit` bytes.
    public func string(_ name: String, limit: Int = 512) throws(MeshError) -> String {
        guard let value = json[name]?.stringValue, !value.isEmpty, value.utf8.count <= limit else {
            throw MeshError("body_invalid", "\(name) must be a string of 1 to \(limit) bytes")
        }
        return value
    }

    public func optionalString(_ name: String, limit: Int = 512) throws(MeshError) -> String? {
        guard json[name] != nil, json[name] != .null else { return nil }
        return try string(name, limit: limit)
    }

    /// The escrow id member `escrow`.
    public func escrowID() throws(MeshError) -> String {
        let id = try string("escrow", limit: 64)
        guard DelegationProtocol.isEscrowID(id) else { throw MeshError("body_invalid", "escrow must be esc_ and 24 hex digits") }
        return id
    }

    /// An amount: `name` holds integer micro-units as a decimal string, `currency` its code.
    public func amount(_ name: String) throws(MeshError) -> Money {
        let text = try string(name, limit: 20)
        guard let micro = Int64(text), micro >= 0 else { throw MeshError("body_invalid", "\(name) must be micro-units as a decimal string") }
        let code = try string("currency", limit: 16)
        guard let currency = try? Currency(code: code) else { throw MeshError("body_invalid", "unknown currency \(code)") }
        return Money(microunits: micro, currency: currency)
    }

    /// A whole number member between `range`'s bounds.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(MeshError) -> Int {
        guard let value = json[name]?.intValue, range.contains(value) else {
            throw MeshError("body_invalid", "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A DID member.
    public func did(_ name: String) throws(MeshError) -> DID {
        guard let did = try? DID(try string(name, limit: 2048)) else { throw MeshError("body_invalid", "\(name) must be a DID") }
        return did
    }

    /// The visited list: DIDs, at most ``DelegationProtocol/maximumVisited``.
    public func visited() throws(MeshError) -> [String] {
        guard let list = json["visited"]?.arrayValue else { return [] }
        guard list.count <= DelegationProtocol.maximumVisited else {
            throw MeshError("body_invalid", "visited lists at most \(DelegationProtocol.maximumVisited) DIDs")
        }
        var dids: [String] = []
        for item in list {
            guard let text = item.stringValue, (try? DID(text)) != nil else { throw MeshError("body_invalid", "visited must list DIDs") }
            dids.append(text)
        }
        return dids
    }
}

extension JSONValue {
    /// An amount as delegation bodies carry it: micro-units as a decimal string.
    public static func microunits(_ money: Money) -> JSONValue { .string(String(money.microunits)) }
}
