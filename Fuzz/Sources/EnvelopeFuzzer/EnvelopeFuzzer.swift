import CFuzzerDriver
import Foundation
import TauCore
import TauEnvelope
import TauIdentity

/// libFuzzer entry point: the signed-message parser, and for did:key senders the
/// signature check, on arbitrary bytes.
///
/// Invariants besides "never crash": a parsed message re-serializes to bytes that
/// parse to the same message.
@_cdecl("LLVMFuzzerTestOneInput")
public func envelopeFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let message = try? SignedMessage(bytes: bytes) else { return 0 }
    let reparsed = try? SignedMessage(bytes: message.bytes)
    precondition(reparsed == message, "a parsed message must survive re-serialization")
    _ = message.plaintext.json.canonicalString()
    // did:key senders need no network: exercise the key lookup and signature path.
    if message.plaintext.from.method == "key", let document = try? DIDKey.document(for: message.plaintext.from) {
        for method in document.authentication where method.id == message.keyID {
            _ = try? method.ed25519PublicKey()
        }
    }
    return 0
}

/// See DIDLogFuzzer: SwiftPM's debug builds rename `main`.
@_cdecl("EnvelopeFuzzer_main")
public func envelopeFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return envelopeFuzzerTestOneInput(data, size)
    }
}
