import CFuzzerDriver
import Foundation
import TauCore
import TauIdentity

/// libFuzzer entry point: the did:tau log parser and verifier on arbitrary bytes.
///
/// Beyond "never crash", it checks two invariants: anything the parser accepts
/// serializes back to a log that parses to the same entries, and anything the
/// verifier accepts verifies again identically from that serialization.
@_cdecl("LLVMFuzzerTestOneInput")
public func didLogFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let log = try? DIDTauLog(jsonLines: bytes) else { return 0 }
    let reparsed = try? DIDTauLog(jsonLines: Array(log.jsonLines.utf8))
    precondition(reparsed == log, "a parsed log must survive re-serialization")
    let now = Date(timeIntervalSince1970: 1_900_000_000)
    if let verified = try? log.verify(now: now) {
        let again = try? reparsed?.verify(now: now)
        precondition(again?.head.versionId == verified.head.versionId, "verification must be deterministic")
        _ = verified.resolve(.versionId("1"))
    }
    // The DID parser sees every string the log contains.
    for entry in log.entries {
        if let id = entry.state["id"]?.stringValue { _ = try? DIDURL(id) }
    }
    return 0
}

/// SwiftPM's debug builds link executables with `main` renamed to `DIDLogFuzzer_main`;
/// hand control to libFuzzer's driver from there. (Release builds use libFuzzer's own `main`.)
@_cdecl("DIDLogFuzzer_main")
public func didLogFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return didLogFuzzerTestOneInput(data, size)
    }
}
