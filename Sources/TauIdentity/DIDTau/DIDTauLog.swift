import Foundation
import TauCore
import TauCrypto

/// One entry of a did:tau log (see `Specs/did-tau.md`, section "Log entries").
public struct DIDTauLogEntry: Sendable, Equatable {
    /// The entry exactly as published, including `proof`.
    public let json: JSONValue

    /// `<n>-<entryHash>`.
    public var versionId: String { json["versionId"]?.stringValue ?? "" }
    public var versionTime: String { json["versionTime"]?.stringValue ?? "" }
    public var parameters: JSONValue { json["parameters"] ?? .null }
    public var state: JSONValue { json["state"] ?? .null }
    /// The entry without `proof`: what the proofs sign.
    public var unsecured: JSONValue {
        var copy = json
        copy["proof"] = nil
        return copy
    }
    /// The proofs (a single proof object is read as a one-element set).
    public var proofs: [JSONValue] {
        switch json["proof"] {
        case .array(let list)?: return list
        case .object?: return [json["proof"]!]
        default: return []
        }
    }

    /// The version number, the part of `versionId` before the dash.
    public var versionNumber: Int? {
        guard let dash = versionId.firstIndex(of: "-") else { return nil }
        let digits = versionId[..<dash]
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ ("0"..."9").contains($0) }), digits.first != "0" else {
            return nil
        }
        return Int(digits)
    }

    /// The entry hash, the part of `versionId` after the dash.
    public var entryHash: String? {
        guard let dash = versionId.firstIndex(of: "-") else { return nil }
        return String(versionId[versionId.index(after: dash)...])
    }

    public init(json: JSONValue) {
        self.json = json
    }
}

/// A did:tau log: the ordered entries from genesis to head, serialized as JSON Lines.
public struct DIDTauLog: Sendable, Equatable {
    /// Limits applied when reading a log from untrusted bytes.
    public static let maximumBytes = 4 << 20
    public static let maximumEntries = 10_000
    /// Two proofs are required; a few more are tolerated, not thousands.
    public static let maximumProofsPerEntry = 4
    /// Most keys in `updateKeys` and most commitments in `nextKeyHashes` of one entry.
    public static let maximumUpdateKeys = 16

    public let entries: [DIDTauLogEntry]

    public init(entries: [DIDTauLogEntry]) {
        self.entries = entries
    }

    /// Parses JSON Lines (one canonical entry per line; blank lines ignored).
    /// - Throws: ``IdentityError`` `log_empty`, `log_too_large` or `log_malformed` (with the line number).
    public init(jsonLines bytes: some Collection<UInt8>) throws(IdentityError) {
        guard bytes.count <= DIDTauLog.maximumBytes else {
            throw IdentityError("log_too_large", "a did:tau log may hold at most \(DIDTauLog.maximumBytes) bytes")
        }
        var entries: [DIDTauLogEntry] = []
        var lineNumber = 0
        for line in Array(bytes).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            guard trimmed.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            let value: JSONValue
            do {
                value = try JSONValue(parsing: trimmed)
            } catch {
                throw IdentityError("log_malformed", "line \(lineNumber): \(error.message)")
            }
            guard value.objectValue != nil else { throw IdentityError("log_malformed", "line \(lineNumber): not a JSON object") }
            entries.append(DIDTauLogEntry(json: value))
            guard entries.count <= DIDTauLog.maximumEntries else {
                throw IdentityError("log_too_large", "a did:tau log may hold at most \(DIDTauLog.maximumEntries) entries")
            }
        }
        guard !entries.isEmpty else { throw IdentityError("log_empty", "the did:tau log has no entries") }
        self.entries = entries
    }

    /// The log as JSON Lines, each entry in canonical (RFC 8785) form.
    public var jsonLines: String {
        entries.map { $0.json.canonicalString() + "\n" }.joined()
    }

    /// A log with one more entry.
    public func appending(_ entry: DIDTauLogEntry) -> DIDTauLog {
        DIDTauLog(entries: entries + [entry])
    }
}

/// The did:tau hashing rules shared by authoring and verification.
public enum DIDTauHash {
    /// The placeholder that stands for the SCID while the genesis entry is hashed.
    public static let scidPlaceholder = "{SCID}"
    /// The method version written to and required in `parameters.method`.
    public static let methodVersion = "did:tau:1"

    /// base58btc(multihash(SHA-256(JCS(value)))), without a multibase prefix.
    public static func hash(_ value: JSONValue) -> String {
        Base58.encode(SHA256.multihash(value.canonicalBytes()))
    }

    /// The pre-rotation commitment to an update key: base58btc(multihash(SHA-256(UTF-8 of the Multikey))).
    public static func keyCommitment(_ multikey: String) -> String {
        Base58.encode(SHA256.multihash(Array(multikey.utf8)))
    }

    /// The hash that makes up the second half of an entry's `versionId`: the entry
    /// without proof, its `versionId` set to the previous entry's (the SCID for genesis).
    public static func entryHash(_ unsecured: JSONValue, previousVersionId: String) -> String {
        var copy = unsecured
        copy["versionId"] = .string(previousVersionId)
        return hash(copy)
    }
}
