import Foundation
import Subprocess
import SystemPackage
import TauCore

/// The DIDComm reference library (Python `didcomm` 0.3.2) driven through
/// `scripts/interop/didcomm_check.py`, for interop tests only.
///
/// scripts/install-deps.sh installs it in a virtual environment of its own
/// (`$TAU_DIDCOMM_VENV`, by default `~/.cache/tau-node/didcomm-venv`), because it pins
/// pydantic 1, which the machine's other Python packages must not be given.
public enum DIDCommLibrary {
    /// The outcome of one run of the check script.
    public struct Outcome: Sendable {
        /// Whether the script exited with status 0.
        public let succeeded: Bool
        /// What the script printed (one JSON object, also on a refusal), parsed.
        public let output: JSONValue
        /// The script's standard error, to show when it fails.
        public let diagnostics: String
    }

    /// The interpreter of the virtual environment that holds the library.
    public static var python: String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["TAU_DIDCOMM_VENV"], !explicit.isEmpty { return explicit + "/bin/python3" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cache/tau-node/didcomm-venv/bin/python3"
    }

    /// `scripts/interop/didcomm_check.py` of this checkout.
    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/interop/didcomm_check.py").path

    /// Unpacks `message` with `didcomm.unpack`; a sender that is not a did:key is resolved
    /// from `documents` (W3C DID documents).
    public static func unpack(_ message: [UInt8], documents: [JSONValue] = []) async throws -> Outcome {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let messageFile = directory.appending("message.json")
        try AtomicFile.write(message, to: messageFile)
        var arguments = ["unpack", messageFile]
        for (index, document) in documents.enumerated() {
            let file = directory.appending("document-\(index).json")
            try AtomicFile.write(document.canonicalString(), to: file)
            arguments.append(file)
        }
        return try await run(arguments)
    }

    /// Signs a message with `didcomm.pack_signed` as the did:key of the Ed25519 `seed`
    /// (32 bytes), to `recipient`, created now and valid for `lifetime` seconds. The
    /// output holds `did`, `kid`, `id` and `message` (the packed JSON text).
    public static func packSigned(
        seed: [UInt8], to recipient: String, type: String, body: JSONValue, lifetime: Int = 300
    ) async throws -> Outcome {
        try await run(["pack-signed", Hex.encode(seed), recipient, type, body.canonicalString(), String(lifetime)])
    }

    /// `message` (a signed message in General JSON) with one bit changed in the first byte
    /// of `marker` inside its payload: still the same JSON structure, but no longer what was
    /// signed. Throws when the payload does not contain `marker`.
    public static func flippingPayloadByte(of message: [UInt8], inside marker: String) throws -> [UInt8] {
        var json = try JSONValue(parsing: message)
        guard let encoded = json["payload"]?.stringValue, var payload = Base64URL.decode(encoded) else {
            throw TestingError("the message has no base64url payload")
        }
        let needle = Array(marker.utf8)
        guard !needle.isEmpty, payload.count >= needle.count,
            let start = (0...(payload.count - needle.count)).first(where: { Array(payload[$0..<($0 + needle.count)]) == needle })
        else { throw TestingError("the payload does not contain \(marker)") }
        payload[start] ^= 0x01
        json["payload"] = .string(Base64URL.encode(payload))
        return json.canonicalBytes()
    }

    static func run(_ arguments: [String]) async throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestingError("no Python with the didcomm library at \(python): run scripts/install-deps.sh")
        }
        let result = try await Subprocess.run(
            .path(FilePath(python)), arguments: Arguments([script] + arguments),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        let text = result.standardOutput
        guard let output = try? JSONValue(parsing: Array(text.utf8)) else {
            throw TestingError("didcomm_check.py \(arguments.first ?? "") printed no JSON: \(text)\n\(result.standardError)")
        }
        return Outcome(succeeded: result.terminationStatus.isSuccess, output: output, diagnostics: result.standardError)
    }
}
