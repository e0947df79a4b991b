import CFuzzerDriver
import TauCore

/// libFuzzer entry point: TauCore's strict JSON parser on arbitrary bytes.
///
/// Invariants besides "never crash":
/// - every refusal is a `json_*` ``CoreError`` (the parser's typed throw rules out any other
///   error type; the code says which rule was broken);
/// - an accepted value's canonical (RFC 8785) form parses back to an equal value with the
///   same hash, and that value's canonical form is byte for byte the same (canonicalization
///   is idempotent, so signatures over it are stable); the pretty form parses back too;
/// - the same bytes padded with JSON whitespace parse to the same value;
/// - the nesting limit is exact: with a limit taken from the input, a value that nests no
///   deeper than the limit is accepted unchanged and a deeper one is refused with
///   `json_too_deep`.
@_cdecl("LLVMFuzzerTestOneInput")
public func jsonFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let value: JSONValue
    do {
        value = try JSONParser().parse(bytes)
    } catch {
        precondition(error.code.hasPrefix("json_"), "a parse error must carry a json_* code, got \(error.code)")
        return 0
    }

    let canonical = value.canonicalString()
    let reparsed: JSONValue
    do {
        reparsed = try JSONValue(parsing: canonical)
    } catch {
        preconditionFailure("the canonical form of an accepted value must parse: \(error)")
    }
    precondition(reparsed == value, "canonical form must parse to an equal value")
    precondition(reparsed.hashValue == value.hashValue, "equal values must hash alike")
    precondition(reparsed.canonicalString().utf8.elementsEqual(canonical.utf8), "canonicalization must be idempotent")
    precondition((try? JSONValue(parsing: value.prettyString())) == value, "pretty form must parse to an equal value")

    let padded = [0x20, 0x0A] + Array(bytes) + [0x0D, 0x09]
    precondition((try? JSONValue(parsing: padded)) == value, "surrounding whitespace must not change the value")

    let depth = nestingDepth(value)
    precondition(depth <= JSONParser().maxDepth, "the default parser accepted nesting deeper than its limit")
    let limit = Int(size > 0 ? bytes[size - 1] % 8 : 0)
    do {
        let limited = try JSONParser(maxDepth: limit).parse(bytes)
        precondition(depth <= limit, "a value nested \(depth) deep passed a limit of \(limit)")
        precondition(limited == value, "the depth limit must not change an accepted value")
    } catch {
        precondition(depth > limit && error.code == "json_too_deep", "limit \(limit), depth \(depth): refused with \(error.code)")
    }

    touchAccessors(value)
    return 0
}

/// How deeply arrays and objects nest: 0 for a scalar, 1 for `[]`, 2 for `[[]]`.
func nestingDepth(_ value: JSONValue) -> Int {
    switch value {
    case .array(let elements): 1 + (elements.map(nestingDepth).max() ?? 0)
    case .object(let members): 1 + (members.values.map(nestingDepth).max() ?? 0)
    default: 0
    }
}

/// The typed accessors every consumer of parsed JSON uses; `intValue` must hold an exact integer.
func touchAccessors(_ value: JSONValue) {
    if let number = value.doubleValue, let int = value.intValue {
        precondition(Double(int) == number, "intValue must be exact")
    }
    switch value {
    case .array(let elements): elements.forEach(touchAccessors)
    case .object(let members): members.values.forEach(touchAccessors)
    default: break
    }
}

/// See DIDLogFuzzer: SwiftPM's debug builds rename `main`.
@_cdecl("JSONFuzzer_main")
public func jsonFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return jsonFuzzerTestOneInput(data, size)
    }
}
