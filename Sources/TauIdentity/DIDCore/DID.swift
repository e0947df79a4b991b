import TauCore

/// A decentralized identifier (`did:<method>:<method-specific-id>`), validated
/// against the W3C DID Core syntax.
public struct DID: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The method name, e.g. `tau`, `key`, `web`.
    public let method: String
    /// Everything after `did:<method>:`.
    public let methodSpecificID: String
    /// The whole DID, kept because it is written, compared and hashed far more often than made.
    public let description: String

    /// Parses a DID (without path, query or fragment).
    /// - Throws: ``IdentityError`` `malformed_did`.
    public init(_ text: String) throws(IdentityError) {
        func malformed(_ why: String) -> IdentityError {
            IdentityError("malformed_did", "\(text.prefix(120)) is not a DID: \(why)")
        }
        guard text.utf8.count <= 2048 else { throw malformed("longer than 2048 bytes") }
        // One pass over the UTF-8 bytes: every received message names several DIDs.
        let utf8 = text.utf8
        guard utf8.starts(with: "did:".utf8) else { throw malformed("it must look like did:<method>:<id>") }
        let methodStart = utf8.index(utf8.startIndex, offsetBy: 4)
        guard let methodEnd = utf8[methodStart...].firstIndex(of: UInt8(ascii: ":")) else {
            throw malformed("it must look like did:<method>:<id>")
        }
        let methodBytes = utf8[methodStart..<methodEnd]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }) else {
            throw malformed("the method name must be lower-case letters and digits")
        }
        let identifierStart = utf8.index(after: methodEnd)
        let identifierBytes = utf8[identifierStart...]
        guard !identifierBytes.isEmpty, identifierBytes.last != UInt8(ascii: ":") else { throw malformed("empty method-specific id") }
        var index = identifierStart
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first < utf8.endIndex, Hex.isDigit(utf8[first]), utf8.index(after: first) < utf8.endIndex,
                    Hex.isDigit(utf8[utf8.index(after: first)])
                else { throw malformed("bad percent-encoding") }
                index = utf8.index(first, offsetBy: 2)
                continue
            }
            guard DID.isIDCharacter(byte) || byte == UInt8(ascii: ":") else {
                throw malformed("character '\(Character(Unicode.Scalar(byte)))' is not allowed")
            }
            index = utf8.index(after: index)
        }
        // The boundaries are ASCII colons, so they fall on characters.
        let method = text[methodStart..<methodEnd]
        let identifier = text[identifierStart...]
        self.method = String(method)
        self.methodSpecificID = String(identifier)
        self.description = text
    }

    /// For identifiers built from alphabets that are known to be valid (base58btc).
    init(validatedMethod method: String, methodSpecificID: String) {
        self.method = method
        self.methodSpecificID = methodSpecificID
        self.description = "did:\(method):\(methodSpecificID)"
    }

    public static func == (lhs: DID, rhs: DID) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    public static func < (lhs: DID, rhs: DID) -> Bool { lhs.description < rhs.description }

    private static func isIDCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}

/// A DID URL: a DID with an optional query and fragment, e.g. `did:tau:Qm…#sig-1`
/// or `did:tau:Qm…?versionId=3`.
public struct DIDURL: Sendable, Hashable, CustomStringConvertible {
    public let did: DID
    /// Query parameters, in order (`versionId`, `versionTime`, …).
    public let query: [(String, String)]
    /// The fragment without `#`.
    public let fragment: String?

    /// Parses a DID URL (paths are not used by tau-node and are rejected).
    /// - Throws: ``IdentityError`` `malformed_did`.
    public init(_ text: String) throws(IdentityError) {
        var rest = Substring(text)
        var fragment: String?
        if let hash = rest.utf8.firstIndex(of: UInt8(ascii: "#")) {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query: [(String, String)] = []
        if let mark = rest.utf8.firstIndex(of: UInt8(ascii: "?")) {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((String(parts[0]), parts.count > 1 ? DIDURL.percentDecoded(parts[1]) : ""))
            }
            rest = rest[..<mark]
        }
        if let fragment, fragment.isEmpty || fragment.utf8.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "#") }) {
            throw IdentityError("malformed_did", "invalid fragment in \(text.prefix(120))")
        }
        self.did = try DID(String(rest))
        self.query = query
        self.fragment = fragment
    }

    /// The value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.0 == name }?.1
    }

    public var description: String {
        var text = did.description
        if !query.isEmpty { text += "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&") }
        if let fragment { text += "#" + fragment }
        return text
    }

    public static func == (lhs: DIDURL, rhs: DIDURL) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    private static func percentDecoded(_ text: Substring) -> String {
        text.removingPercentEncodingLossy()
    }
}

extension Substring {
    fileprivate func removingPercentEncodingLossy() -> String {
        var output: [UInt8] = []
        var bytes = Array(utf8)[...]
        while let byte = bytes.first {
            if byte == UInt8(ascii: "%"), bytes.count >= 3,
                let decoded = Hex.decode(String(decoding: bytes.dropFirst().prefix(2), as: UTF8.self))
            {
                output += decoded
                bytes = bytes.dropFirst(3)
            } else {
                output.append(byte)
                bytes = bytes.dropFirst()
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
