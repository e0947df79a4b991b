import Foundation
import TauCore

/// Which version of a document to resolve.
public enum DIDVersionQuery: Sendable, Equatable {
    /// The newest version.
    case latest
    /// A `versionId`: either the full `<n>-<hash>` or just the number `n`.
    case versionId(String)
    /// The version that was current at this time.
    case versionTime(Date)

    /// Reads `versionId` / `versionTime` from a DID URL's query.
    public init(url: DIDURL) throws(IdentityError) {
        if let versionId = url.queryValue("versionId") {
            self = .versionId(versionId)
        } else if let versionTime = url.queryValue("versionTime") {
            do { self = .versionTime(try Timestamp.parse(versionTime)) } catch {
                throw IdentityError("malformed_did", "versionTime must be an RFC 3339 time")
            }
        } else {
            self = .latest
        }
    }
}

extension VerifiedDIDTauLog {
    /// The version selected by `query`.
    /// - Throws: ``IdentityError`` `version_not_found`.
    public func version(_ query: DIDVersionQuery) throws(IdentityError) -> DIDTauVersion {
        switch query {
        case .latest:
            return head
        case .versionId(let id):
            let match = versions.first { $0.versionId == id || String($0.number) == id }
            guard let match else { throw IdentityError("version_not_found", "\(did) has no version \(id)", category: .notFound) }
            return match
        case .versionTime(let time):
            guard let match = versions.last(where: { $0.versionTime <= time }) else {
                throw IdentityError("version_not_found", "\(did) did not exist at \(Timestamp.format(time))", category: .notFound)
            }
            return match
        }
    }

    /// The DID Resolution result for `query`. `deactivated` reports the DID's
    /// current status, whichever version is returned.
    public func resolve(_ query: DIDVersionQuery = .latest) -> DIDResolutionResult {
        let selected: DIDTauVersion
        do { selected = try version(query) } catch { return DIDResolutionResult(error: error) }
        let next = versions.first { $0.number == selected.number + 1 }
        return DIDResolutionResult(
            document: selected.document,
            metadata: .init(
                created: versions[0].versionTimeText, updated: selected.number > 1 ? selected.versionTimeText : nil,
                versionId: selected.versionId,
                deactivated: isDeactivated, nextVersionId: next?.versionId, nextUpdate: next?.versionTimeText))
    }
}
