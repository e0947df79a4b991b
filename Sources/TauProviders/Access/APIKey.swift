import Foundation
import TauCore
import TauCrypto

/// A gateway API key as stored: never the secret, only its SHA-256.
public struct APIKey: Sendable, Hashable, Codable {
    /// Public identifier: the 12 hex digits after `tau_` in the key.
    public var id: String
    public var name: String
    /// SHA-256 of the secret part, hex.
    public var secretHash: String
    public var createdAt: Date
    public var revokedAt: Date?
    /// Spending limit in USD over the key's lifetime; nil is unlimited.
    public var budget: Money?
    /// Requests per minute; nil is unlimited.
    public var requestsPerMinute: Int?
    /// Model names (aliases or catalog ids) the key may call; nil allows all.
    public var allowedModels: [String]?

    public init(
        id: String, name: String, secretHash: String, createdAt: Date, revokedAt: Date? = nil, budget: Money? = nil,
        requestsPerMinute: Int? = nil, allowedModels: [String]? = nil
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.budget = budget
        self.requestsPerMinute = requestsPerMinute
        self.allowedModels = allowedModels
    }

    public var isRevoked: Bool { revokedAt != nil }

    /// Whether the key may call `model`.
    public func allows(model: String) -> Bool {
        allowedModels.map { $0.contains(model) } ?? true
    }
}

/// The secret form of a key, shown once at creation: `tau_<id>_<secret>`, where `id` is
/// 12 hex digits and `secret` 48 (192 bits from the OS random source).
public struct APIKeySecret: Sendable, Hashable {
    public let id: String
    public let secret: String

    /// A new random key.
    public static func generate() -> APIKeySecret {
        APIKeySecret(id: Hex.encode(SecureRandom.bytes(6)), secret: Hex.encode(SecureRandom.bytes(24)))
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses a presented key; nil when it does not have the shape of a tau-node key.
    public init?(presented text: String) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "tau", parts[1].count == 12, parts[2].count == 48,
            (parts[1] + parts[2]).allSatisfy(\.isHexDigit)
        else { return nil }
        self.init(id: String(parts[1]), secret: String(parts[2]))
    }

    /// The text a client sends as its bearer token.
    public var token: String { "tau_\(id)_\(secret)" }

    /// What is stored.
    public var hash: String { Hex.encode(SHA256.hash(Array(secret.utf8))) }

    /// Whether this secret matches a stored hash, compared in constant time.
    public func matches(_ stored: APIKey) -> Bool {
        constantTimeEquals(SHA256.hash(Array(secret.utf8)), Hex.decode(stored.secretHash) ?? [])
    }
}
