import TauCore

/// The outcome of resolving a DID, shaped like the W3C DID Resolution result.
public struct DIDResolutionResult: Sendable, Equatable {
    /// The resolved document, or nil when resolution failed.
    public let document: DIDDocument?
    /// `didResolutionMetadata`: `contentType`, or `error` / `errorMessage` / `reason`.
    public let resolutionMetadata: JSONValue
    /// `didDocumentMetadata`: `created`, `updated`, `versionId`, `deactivated`, ….
    public let documentMetadata: DocumentMetadata
    /// Why resolution failed, or nil when it succeeded.
    public let failure: IdentityError?

    /// Metadata about the returned version of the document.
    public struct DocumentMetadata: Sendable, Equatable {
        public var created: String?
        public var updated: String?
        public var versionId: String?
        public var deactivated: Bool
        public var nextVersionId: String?
        public var nextUpdate: String?

        public init(
            created: String? = nil, updated: String? = nil, versionId: String? = nil, deactivated: Bool = false,
            nextVersionId: String? = nil, nextUpdate: String? = nil
        ) {
            self.created = created
            self.updated = updated
            self.versionId = versionId
            self.deactivated = deactivated
            self.nextVersionId = nextVersionId
            self.nextUpdate = nextUpdate
        }

        var json: JSONValue {
            var members: [String: JSONValue] = [:]
            if let created { members["created"] = .string(created) }
            if let updated { members["updated"] = .string(updated) }
            if let versionId { members["versionId"] = .string(versionId) }
            if deactivated { members["deactivated"] = true }
            if let nextVersionId { members["nextVersionId"] = .string(nextVersionId) }
            if let nextUpdate { members["nextUpdate"] = .string(nextUpdate) }
            return .object(members)
        }
    }

    /// A successful result.
    public init(document: DIDDocument, metadata: DocumentMetadata) {
        self.document = document
        self.resolutionMetadata = ["contentType": "application/did+json"]
        self.documentMetadata = metadata
        self.failure = nil
    }

    /// A failed result carrying the DID Core error and tau-node's reason code.
    public init(error: IdentityError) {
        self.document = nil
        self.resolutionMetadata = [
            "error": .string(error.resolutionError), "reason": .string(error.code), "errorMessage": .string(error.message),
        ]
        self.documentMetadata = DocumentMetadata()
        self.failure = error
    }

    /// The DID Core error code when resolution failed.
    public var error: String? { resolutionMetadata["error"]?.stringValue }
    /// tau-node's reason code when resolution failed.
    public var reason: String? { resolutionMetadata["reason"]?.stringValue }

    /// The result as a DID Resolution JSON object.
    public var json: JSONValue {
        [
            "@context": "https://w3id.org/did-resolution/v1",
            "didDocument": document?.json ?? .null,
            "didResolutionMetadata": resolutionMetadata,
            "didDocumentMetadata": documentMetadata.json,
        ]
    }
}
