import TauCore

/// Finds secrets in text and replaces each with `[REDACTED:<kind>]`: provider and service
/// keys by their published shapes, JWTs, private key blocks, credentials in `Authorization`
/// headers and URLs, long values assigned to names such as `password` or `api_key`,
/// tau-node API keys, and exact strings the node knows are secret (its operator token, its
/// provider keys).
///
/// One left-to-right pass over the UTF-8 bytes with bounded look-ahead, no regular
/// expressions, so the time is linear in the input (a megabyte of tool output is fine). The
/// kinds and rules are listed in `docs/agent-safety.md`.
public struct SecretRedactor: Sendable {
    /// Literal secrets shorter than this are ignored: redacting every `hello` because a test
    /// key was set to it would destroy the text and protect nothing.
    public static let minimumLiteralLength = 8

    /// The built-in rules without literals.
    public static let builtIn = SecretRedactor()

    /// Literal secrets by their first byte, longest first.
    private let literals: [UInt8: [[UInt8]]]

    /// - Parameter literals: exact strings to redact wherever they occur (kind
    ///   `configured_secret`): the operator token, the node's provider keys. Strings shorter
    ///   than ``minimumLiteralLength`` are ignored.
    public init(literals: [String] = []) {
        var table: [UInt8: [[UInt8]]] = [:]
        for literal in Set(literals) where literal.utf8.count >= Self.minimumLiteralLength {
            let bytes = Array(literal.utf8)
            table[bytes[0], default: []].append(bytes)
        }
        self.literals = table.mapValues { $0.sorted { $0.count > $1.count } }
    }

    /// `text` with every secret replaced, and what was found.
    public func redact(_ text: String) -> RedactionResult {
        var counts: [String: Int] = [:]
        var bytes = Array(text.utf8)
        if !literals.isEmpty {
            var scan = SecretScan(bytes)
            scan.replaceLiterals(literals)
            bytes = scan.finish()
            counts.merge(scan.counts, uniquingKeysWith: +)
        }
        var scan = SecretScan(bytes)
        scan.replacePatterns()
        let output = scan.finish()
        counts.merge(scan.counts, uniquingKeysWith: +)
        guard !counts.isEmpty else { return RedactionResult(text: text, findings: []) }
        let findings = counts.map { RedactionFinding(kind: $0.key, count: $0.value) }.sorted { $0.kind < $1.kind }
        return RedactionResult(text: String(decoding: output, as: UTF8.self), findings: findings)
    }

    /// `value` with every string in it redacted (object member names are kept).
    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(redact(text).text)
        case .array(let elements): .array(elements.map(redact))
        case .object(let members): .object(members.mapValues(redact))
        default: value
        }
    }
}

/// What ``SecretRedactor/redact(_:)-(String)`` did.
public struct RedactionResult: Sendable, Equatable {
    /// The text with secrets replaced; the input itself when nothing was found.
    public let text: String
    /// Each kind found with how often, ordered by kind.
    public let findings: [RedactionFinding]

    /// How many secrets were replaced.
    public var count: Int { findings.reduce(0) { $0 + $1.count } }
}

/// One kind of secret found, and how many times.
public struct RedactionFinding: Sendable, Hashable {
    /// `openai_key`, `anthropic_key`, `google_api_key`, `github_token`, `slack_token`,
    /// `aws_access_key`, `jwt`, `private_key`, `bearer_token`, `basic_auth`, `url_password`,
    /// `password`, `secret`, `api_key`, `tau_api_key`, `configured_secret`.
    public let kind: String
    public let count: Int

    public init(kind: String, count: Int) {
        self.kind = kind
        self.count = count
    }
}

/// One pass over bytes, copying what is kept and replacing what is redacted.
struct SecretScan {
    let bytes: [UInt8]
    private(set) var counts: [String: Int] = [:]
    private var output: [UInt8] = []
    /// `bytes[copied..<position]` is kept but not yet copied.
    private var copied = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func replace(_ range: Range<Int>, kind: String) {
        if output.isEmpty { output.reserveCapacity(bytes.count) }
        output.append(contentsOf: bytes[copied..<range.lowerBound])
        output.append(contentsOf: "[REDACTED:\(kind)]".utf8)
        copied = range.upperBound
        counts[kind, default: 0] += 1
    }

    /// The output, once the pass is done.
    func finish() -> [UInt8] {
        guard copied > 0 else { return bytes }
        return output + bytes[copied...]
    }

    /// Replaces every occurrence of the literals, leftmost first, longest first.
    mutating func replaceLiterals(_ literals: [UInt8: [[UInt8]]]) {
        var index = 0
        let count = bytes.count
        scanning: while index < count {
            if let candidates = literals[bytes[index]] {
                for literal in candidates where index + literal.count <= count && bytes[index..<index + literal.count].elementsEqual(literal) {
                    replace(index..<index + literal.count, kind: "configured_secret")
                    index += literal.count
                    continue scanning
                }
            }
            index += 1
        }
    }
}
