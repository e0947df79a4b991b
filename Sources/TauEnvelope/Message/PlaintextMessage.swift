import Foundation
import TauCore
import TauIdentity

/// A DIDComm v2 plaintext message (JWM) as tau-node sends it: `id`, `typ`, `type`,
/// `from`, `to`, `created_time`, `expires_time`, optional `thid` / `pthid`, `body`.
/// Times are whole seconds since the Unix epoch, as DIDComm defines them.
public struct PlaintextMessage: Sendable, Equatable {
    /// `typ` of a plaintext message.
    public static let mediaType = "application/didcomm-plain+json"
    /// Longest accepted `id`, `thid`, `pthid` and `type`.
    public static let maximumIdentifierLength = 256

    public var id: String
    /// The message type URI, e.g. `https://tau-node.dev/kamn/1/peer/hello`.
    public var type: String
    public var from: DID
    public var to: [DID]
    public var createdTime: Int64
    public var expiresTime: Int64
    public var threadID: String?
    public var parentThreadID: String?
    public var body: JSONValue

    public init(
        id: String = UUID().uuidString.lowercased(), type: String, from: DID, to: [DID], createdTime: Int64,
        expiresTime: Int64, threadID: String? = nil, parentThreadID: String? = nil, body: JSONValue = [:]
    ) {
        self.id = id
        self.type = type
        self.from = from
        self.to = to
        self.createdTime = createdTime
        self.expiresTime = expiresTime
        self.threadID = threadID
        self.parentThreadID = parentThreadID
        self.body = body
    }

    /// The JWM as JSON.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id),
            "typ": .string(PlaintextMessage.mediaType),
            "type": .string(type),
            "from": .string(from.description),
            "to": .array(to.map { .string($0.description) }),
            "created_time": .number(Double(createdTime)),
            "expires_time": .number(Double(expiresTime)),
            "body": body,
        ]
        if let threadID { members["thid"] = .string(threadID) }
        if let parentThreadID { members["pthid"] = .string(parentThreadID) }
        return .object(members)
    }

    /// Reads a JWM, checking every member's type and size.
    /// - Throws: ``EnvelopeError`` `envelope_malformed`.
    public init(json: JSONValue) throws(EnvelopeError) {
        guard let members = json.objectValue else { throw .malformed("the payload is not a JSON object") }
        func text(_ name: String, required: Bool = true) throws(EnvelopeError) -> String? {
            guard let value = members[name] else {
                if required { throw .malformed("the message has no \(name)") }
                return nil
            }
            guard let string = value.stringValue, !string.isEmpty, string.utf8.count <= PlaintextMessage.maximumIdentifierLength else {
                throw .malformed("\(name) must be a non-empty string of at most \(PlaintextMessage.maximumIdentifierLength) bytes")
            }
            return string
        }
        func time(_ name: String) throws(EnvelopeError) -> Int64 {
            guard let value = members[name]?.intValue, value >= 0 else {
                throw .malformed("\(name) must be a whole number of seconds since the Unix epoch")
            }
            return Int64(value)
        }
        if let typ = members["typ"], typ.stringValue != PlaintextMessage.mediaType {
            throw .malformed("typ must be \(PlaintextMessage.mediaType)")
        }
        guard let fromText = try text("from"), let from = try? DID(fromText) else { throw .malformed("from is not a DID") }
        guard let list = members["to"]?.arrayValue, !list.isEmpty, list.count <= 64 else {
            throw .malformed("to must list between 1 and 64 recipients")
        }
        var recipients: [DID] = []
        for entry in list {
            guard let value = entry.stringValue, let did = try? DID(value) else { throw .malformed("to holds something that is not a DID") }
            recipients.append(did)
        }
        guard let body = members["body"], body.objectValue != nil else { throw .malformed("body must be a JSON object") }
        self.id = try text("id") ?? ""
        self.type = try text("type") ?? ""
        self.from = from
        self.to = recipients
        self.createdTime = try time("created_time")
        self.expiresTime = try time("expires_time")
        self.threadID = try text("thid", required: false)
        self.parentThreadID = try text("pthid", required: false)
        self.body = body
    }
}
