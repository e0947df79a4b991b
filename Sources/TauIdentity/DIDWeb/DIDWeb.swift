import Foundation
import TauCore

/// The `did:web` method: a DID document published over HTTPS under a domain.
public enum DIDWeb {
    /// Most bytes read of a did:web document; a real one is a few KiB.
    public static let maximumDocumentBytes = 256 << 10

    /// The URL of the DID document: `did:web:example.com` →
    /// `https://example.com/.well-known/did.json`; `did:web:example.com:u:alice` →
    /// `https://example.com/u/alice/did.json`; `%3A` in the domain is a port colon.
    /// - Parameter insecureHosts: hosts (e.g. `localhost`) fetched over plain HTTP, for tests and local setups.
    /// - Throws: ``IdentityError`` `malformed_did`.
    public static func documentURL(for did: DID, insecureHosts: Set<String> = []) throws(IdentityError) -> String {
        guard did.method == "web" else { throw IdentityError("method_not_supported", "\(did) is not a did:web") }
        let segments = did.methodSpecificID.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let domainPart = segments.first, !domainPart.isEmpty, segments.allSatisfy({ !$0.isEmpty }) else {
            throw IdentityError("malformed_did", "\(did): empty domain or path segment")
        }
        let authority = domainPart.replacingOccurrences(of: "%3A", with: ":", options: .caseInsensitive)
        guard !authority.contains("%"), !authority.contains("/"), !authority.contains("@") else {
            throw IdentityError("malformed_did", "\(did): the domain may only percent-encode the port colon")
        }
        let host = String(authority.split(separator: ":").first ?? "")
        if let colon = authority.firstIndex(of: ":") {
            let port = authority[authority.index(after: colon)...]
            guard let number = Int(port), (1...65535).contains(number) else {
                throw IdentityError("malformed_did", "\(did): invalid port")
            }
        }
        let path = segments.count == 1 ? "/.well-known/did.json" : "/" + segments.dropFirst().joined(separator: "/") + "/did.json"
        let scheme = insecureHosts.contains(host) ? "http" : "https"
        return "\(scheme)://\(authority)\(path)"
    }
}
