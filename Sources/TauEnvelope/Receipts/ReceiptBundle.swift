import TauCore
import TauIdentity

/// A receipt bundle (`tau-receipts/1`): the signed messages that moved one escrow and the
/// did:tau logs of their signers, in one JSON file that anyone can check offline with
/// ``ReceiptVerifier`` (`docs/receipts.md`).
///
/// ```json
/// {"format": "tau-receipts/1", "escrow": "esc_…",
///  "messages": [ {"payload": "…", "signatures": [ … ]}, … ],
///  "logs": {"did:tau:…": "<JSON Lines of the DID's log>"}}
/// ```
public struct ReceiptBundle: Sendable, Equatable {
    /// The value of `format`.
    public static let format = "tau-receipts/1"
    /// The largest bundle file read or written.
    public static let maximumBytes = 4 << 20
    /// Most messages in one bundle.
    public static let maximumMessages = 64
    /// Most logs in one bundle.
    public static let maximumLogs = 16
    /// Longest escrow id accepted.
    static let maximumEscrowIDLength = 128

    /// The escrow every message is about (`esc_…`).
    public let escrow: String
    /// Each signed message as its JWS JSON object, as signed or received.
    public let messages: [JSONValue]
    /// did:tau logs by DID, each as JSON Lines, as served at the DID's log address.
    public let logs: [DID: String]

    /// Makes a bundle from the messages' bytes as signed or received (e.g. `SignedMessage.bytes`)
    /// and the logs of their did:tau signers (e.g. `DIDLogRepository.storedJSONLines(for:)`).
    /// - Throws: ``ReceiptError`` `receipt_malformed` (a message is not a JSON object, a bad
    ///   escrow id, no messages) or `receipt_too_large` (beyond a limit).
    public init(escrow: String, messages: [[UInt8]], logs: [DID: String]) throws(ReceiptError) {
        var objects: [JSONValue] = []
        for (index, bytes) in messages.enumerated() {
            guard let json = try? JSONValue(parsing: bytes), json.objectValue != nil else {
                throw ReceiptError(.malformed, "message \(index + 1) is not a JSON object")
            }
            objects.append(json)
        }
        var logMembers: [String: JSONValue] = [:]
        for (did, text) in logs { logMembers[did.description] = .string(text) }
        let json: JSONValue = [
            "format": .string(ReceiptBundle.format), "escrow": .string(escrow), "messages": .array(objects), "logs": .object(logMembers),
        ]
        try self.init(json: json)
        // What is written must also be readable.
        guard bytes.count <= ReceiptBundle.maximumBytes else {
            throw ReceiptError(.tooLarge, "the bundle would have more than \(ReceiptBundle.maximumBytes) bytes")
        }
    }

    /// Reads a bundle file.
    /// - Throws: ``ReceiptError`` `receipt_too_large` or `receipt_malformed`.
    public init(bytes: some Collection<UInt8>) throws(ReceiptError) {
        guard bytes.count <= ReceiptBundle.maximumBytes else {
            throw ReceiptError(.tooLarge, "a receipt bundle may have at most \(ReceiptBundle.maximumBytes) bytes")
        }
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw ReceiptError(.malformed, "not JSON: \(error.message)") }
        try self.init(json: json)
    }

    private init(json: JSONValue) throws(ReceiptError) {
        guard let members = json.objectValue else { throw ReceiptError(.malformed, "a receipt bundle is a JSON object") }
        if let unknown = members.keys.sorted().first(where: { !["format", "escrow", "messages", "logs"].contains($0) }) {
            throw ReceiptError(.malformed, "unknown member \(unknown.prefix(64))")
        }
        guard members["format"]?.stringValue == ReceiptBundle.format else {
            throw ReceiptError(.malformed, "format must be \(ReceiptBundle.format)")
        }
        guard let escrow = members["escrow"]?.stringValue, ReceiptBundle.isEscrowID(escrow) else {
            throw ReceiptError(.malformed, "escrow must be an escrow id (esc_ and letters, digits, - or _)")
        }
        guard let messages = members["messages"]?.arrayValue, !messages.isEmpty else {
            throw ReceiptError(.malformed, "messages must be a non-empty list of signed messages")
        }
        guard messages.count <= ReceiptBundle.maximumMessages else {
            throw ReceiptError(.tooLarge, "a bundle may hold at most \(ReceiptBundle.maximumMessages) messages, not \(messages.count)")
        }
        for (index, message) in messages.enumerated() where message.objectValue == nil {
            throw ReceiptError(.malformed, "message \(index + 1) is not a JSON object")
        }
        guard let logMembers = (members["logs"] ?? [:]).objectValue else {
            throw ReceiptError(.malformed, "logs must map DIDs to their logs")
        }
        guard logMembers.count <= ReceiptBundle.maximumLogs else {
            throw ReceiptError(.tooLarge, "a bundle may hold at most \(ReceiptBundle.maximumLogs) logs, not \(logMembers.count)")
        }
        var logs: [DID: String] = [:]
        for (name, value) in logMembers {
            guard let did = try? DID(name), did.method == "tau" else {
                throw ReceiptError(.malformed, "logs: \(name.prefix(120)) is not a did:tau DID")
            }
            guard let text = value.stringValue else { throw ReceiptError(.malformed, "logs: the log of \(did) must be JSON Lines text") }
            logs[did] = text
        }
        self.escrow = escrow
        self.messages = messages
        self.logs = logs
    }

    /// The bundle as JSON.
    public var json: JSONValue {
        var logMembers: [String: JSONValue] = [:]
        for (did, text) in logs { logMembers[did.description] = .string(text) }
        return ["format": .string(ReceiptBundle.format), "escrow": .string(escrow), "messages": .array(messages), "logs": .object(logMembers)]
    }

    /// The bundle file: canonical JSON (RFC 8785, members sorted).
    public var bytes: [UInt8] { json.canonicalBytes() }

    static func isEscrowID(_ text: String) -> Bool {
        text.hasPrefix("esc_") && text.utf8.count > 4 && text.utf8.count <= maximumEscrowIDLength
            && text.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x2D
            }
    }
}
