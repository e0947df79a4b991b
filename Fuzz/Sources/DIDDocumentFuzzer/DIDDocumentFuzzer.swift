import CFuzzerDriver
import TauCore
import TauCrypto
import TauIdentity

/// libFuzzer entry point: DID document parsing as the resolver does it for a fetched
/// did:web document (bytes → strict JSON → ``DIDDocument``), then what callers do with a
/// document: look up verification methods, read their keys, derive did:key and did:web
/// forms, build the resolution result.
///
/// Invariants besides "never crash":
/// - a refused document is refused with `document_invalid` (or `document_too_large` past
///   the limits of Specs/did-tau.md section 7.4), and key reads fail only with
///   `key_unsupported`;
/// - an accepted document keeps its JSON and parses again, from its canonical bytes, to an
///   equal document;
/// - ids are absolute (none starts with `#`), verification method ids are unique, every
///   method of every relationship can be looked up by its id, and a relationship entry
///   that names a method by reference is that embedded method;
/// - a key read from a method round-trips through its Multikey form, and the did:key of
///   that key expands to a document whose signing key is the same key;
/// - a did:web document's URL is an `http(s)://…/did.json` URL.
@_cdecl("LLVMFuzzerTestOneInput")
public func didDocumentFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let json = try? JSONValue(parsing: bytes) else { return 0 }
    let document: DIDDocument
    do {
        document = try DIDDocument(json: json)
    } catch {
        precondition(
            ["document_invalid", "document_too_large"].contains(error.code),
            "a bad document must be refused with document_invalid or document_too_large, got \(error.code)")
        return 0
    }
    precondition(document.json == json, "the document must keep its JSON as published")
    let again = try? DIDDocument(json: JSONValue(parsing: json.canonicalBytes()))
    precondition(again == document, "a document must parse identically from its canonical form")

    let relationships = document.authentication + document.assertionMethod + document.keyAgreement
    let all = document.verificationMethods + relationships
    precondition(all.allSatisfy { !$0.id.hasPrefix("#") }, "method ids must be made absolute")
    precondition(document.services.allSatisfy { !$0.id.hasPrefix("#") }, "service ids must be made absolute")
    precondition(
        Set(document.verificationMethods.map(\.id)).count == document.verificationMethods.count,
        "verification method ids must be unique")
    for method in all {
        precondition(document.verificationMethod(method.id) != nil, "method \(method.id) must be found by its id")
    }
    for name in ["authentication", "assertionMethod", "keyAgreement"] {
        checkReferences(of: name, in: document)
    }

    for method in all {
        checkKey(of: method)
        if let url = try? DIDURL(method.id), let fragment = url.fragment, url.did == document.id {
            _ = document.verificationMethod("#" + fragment)
        }
    }
    for service in document.services {
        _ = service.endpointURL
        _ = document.service(ofType: service.type)
    }

    switch document.id.method {
    case "web":
        if let url = try? DIDWeb.documentURL(for: document.id, insecureHosts: ["localhost"]) {
            precondition(
                (url.hasPrefix("https://") || url.hasPrefix("http://localhost")) && url.hasSuffix("/did.json"),
                "unexpected did:web URL \(url)")
        }
    case "key":
        if let expanded = try? DIDKey.document(for: document.id) {
            precondition(expanded.id == document.id, "a did:key document must be about its DID")
        }
    default:
        break
    }
    _ = DIDResolutionResult(document: document, metadata: .init()).json.canonicalString()
    return 0
}

/// A relationship entry that is a string refers to an embedded verification method, and
/// the parsed relationship holds exactly that method.
func checkReferences(of name: String, in document: DIDDocument) {
    let parsed: [VerificationMethod]
    switch name {
    case "authentication": parsed = document.authentication
    case "assertionMethod": parsed = document.assertionMethod
    default: parsed = document.keyAgreement
    }
    let entries = document.json[name]?.arrayValue ?? []
    precondition(entries.count == parsed.count, "\(name): one parsed method per entry")
    for (entry, method) in zip(entries, parsed) where entry.stringValue != nil {
        precondition(document.verificationMethods.contains(method), "\(name): a reference must resolve to an embedded method")
    }
}

/// Reads the method's key as the envelope verifier and the signature check do.
func checkKey(of method: VerificationMethod) {
    let key: Ed25519.PublicKey
    do {
        key = try method.ed25519PublicKey()
    } catch {
        precondition(error.code == "key_unsupported", "an unreadable key must be key_unsupported, got \(error.code)")
        if let multibase = method.publicKeyMultibase { _ = try? X25519.PublicKey(multibase: multibase) }
        return
    }
    precondition((try? Ed25519.PublicKey(multibase: key.multibase)) == key, "a key must round-trip through its Multikey form")
    _ = key.isValidSignature([UInt8](repeating: 0, count: 64), for: Array(method.id.utf8))
    let did = DIDKey.did(for: key)
    precondition((try? DID(did.description)) == did, "a did:key must parse as a DID")
    if let expanded = try? DIDKey.document(for: did) {
        precondition(expanded.authentication.count == 1, "a did:key document has one signing key")
        precondition((try? expanded.authentication[0].ed25519PublicKey()) == key, "did:key must expand to the same key")
    }
}

/// See DIDLogFuzzer: SwiftPM's debug builds rename `main`.
@_cdecl("DIDDocumentFuzzer_main")
public func didDocumentFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return didDocumentFuzzerTestOneInput(data, size)
    }
}
