import Foundation
import TauCore

/// Where did:tau logs are kept: the node's own log and the logs of DIDs it has
/// resolved. Implemented by TauStore (SQLite, later PostgreSQL).
///
/// Implementations store what they are given; verification happens before a
/// log is handed to ``save(_:origin:)`` and again whenever one is loaded.
public protocol DIDLogRepository: Sendable {
    /// The log held for `did`, if any, and why it is held.
    func log(for did: DID) async throws -> StoredDIDLog?
    /// Stores (or replaces) the log of a DID.
    func save(_ log: VerifiedDIDTauLog, origin: DIDLogOrigin) async throws
    /// Every DID whose log is held.
    func heldDIDs() async throws -> [DID]
    /// Records that the sources were asked about `did` now (whether or not the log grew),
    /// so that other processes sharing the store do not ask again within the cache TTL.
    func markChecked(_ did: DID, at time: Date) async throws
    /// The log held for `did` exactly as stored (JSON Lines), without parsing it: what
    /// `GET /mesh/v1/dids/{did}/log` serves.
    func storedJSONLines(for did: DID) async throws -> String?
    /// Drops logs of other DIDs (never `local` ones) beyond `limits`, the least recently
    /// checked first.
    func evictForeignLogs(beyond limits: ForeignLogLimits) async throws
    /// The `versionId` of the last entry of the log held for `did`, without reading the log:
    /// enough to tell whether a verified log in memory is still the one stored, since a
    /// `versionId` commits to its entry and, through it, to every entry before.
    func headVersionId(for did: DID) async throws -> String?
}

extension DIDLogRepository {
    /// Reads the whole log; stores with an index of heads answer without it.
    public func headVersionId(for did: DID) async throws -> String? {
        try await log(for: did)?.log.entries.last?.versionId
    }
}

/// How many logs of other DIDs a node keeps, and how many bytes of them.
public struct ForeignLogLimits: Sendable, Equatable {
    public var maximumLogs: Int
    public var maximumBytes: Int

    public init(maximumLogs: Int = 10_000, maximumBytes: Int = 256 << 20) {
        self.maximumLogs = maximumLogs
        self.maximumBytes = maximumBytes
    }
}

/// Why a log is held.
public enum DIDLogOrigin: String, Sendable, Codable {
    /// The node's own identity.
    case local
    /// Fetched while resolving someone else's DID.
    case resolved
}

/// A log as held in a ``DIDLogRepository``.
public struct StoredDIDLog: Sendable, Equatable {
    public let log: DIDTauLog
    public let origin: DIDLogOrigin
    /// When the sources were last asked about this DID, if known.
    public let checkedAt: Date?

    public init(log: DIDTauLog, origin: DIDLogOrigin, checkedAt: Date? = nil) {
        self.log = log
        self.origin = origin
        self.checkedAt = checkedAt
    }
}
