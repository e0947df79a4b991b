import TauCore
import TauIdentity

/// One node as described in `peer/hello` and in `peer/gossip` lists.
public struct PeerAdvertisement: Sendable, Equatable {
    public var did: DID
    public var endpoints: [String]
    /// The newest `versionId` of the node's DID log known to the sender.
    public var logHead: String?
    public var capabilities: [String]
    public var nodeVersion: String?

    public init(did: DID, endpoints: [String], logHead: String?, capabilities: [String] = [], nodeVersion: String? = nil) {
        self.did = did
        self.endpoints = endpoints
        self.logHead = logHead
        self.capabilities = capabilities
        self.nodeVersion = nodeVersion
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "did": .string(did.description), "endpoints": .array(endpoints.map(JSONValue.string)),
            "capabilities": .array(capabilities.map(JSONValue.string)),
        ]
        if let logHead { members["logHead"] = .string(logHead) }
        if let nodeVersion { members["version"] = .string(nodeVersion) }
        return .object(members)
    }

    /// Reads an advertisement; endpoints must be http(s) URLs.
    public init(json: JSONValue) throws(MeshError) {
        guard let text = json["did"]?.stringValue, let did = try? DID(text) else {
            throw MeshError("body_invalid", "an advertisement needs a did")
        }
        let endpoints = (json["endpoints"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard !endpoints.isEmpty, endpoints.count <= 8,
            endpoints.allSatisfy({ ($0.hasPrefix("http://") || $0.hasPrefix("https://")) && $0.utf8.count <= 512 })
        else { throw MeshError("body_invalid", "an advertisement needs 1-8 http(s) endpoints") }
        self.did = did
        self.endpoints = endpoints
        self.logHead = json["logHead"]?.stringValue
        self.capabilities = (json["capabilities"]?.arrayValue ?? []).compactMap(\.stringValue).prefix(32).map { $0 }
        self.nodeVersion = json["version"]?.stringValue
    }

    /// The version number of ``logHead``.
    public var logHeadNumber: Int? {
        guard let logHead, let dash = logHead.firstIndex(of: "-") else { return nil }
        return Int(logHead[..<dash])
    }
}

/// The largest number of peers a `peer/gossip` message lists.
public let maximumGossipPeers = 64
