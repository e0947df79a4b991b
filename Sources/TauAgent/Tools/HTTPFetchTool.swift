import Foundation
import TauCore

/// `http_fetch`: GETs (or HEADs) a web page through the node's policed HTTP client, so that
/// every hop, redirects included, passes the outbound address policy (no loopback, private
/// or cloud-metadata addresses unless the operator allows them).
public struct HTTPFetchTool: AgentTool {
    /// Body bytes read when the call does not say.
    public static let defaultBytes = 256 << 10
    /// Most body bytes a call may ask for.
    public static let maximumBytes = 2 << 20
    /// Redirects followed before the fetch gives up.
    public static let maximumRedirects = 5
    /// Deadline of each hop.
    public static let hopTimeout = Duration.seconds(30)

    public init() {}

    public var name: String { "http_fetch" }
    public var description: String {
        "Fetch an http or https URL (GET, or HEAD for the headers only). Returns the status, the content type and the body as text; HTML is turned into readable text, binary content is only described. Follows up to 5 redirects."
    }
    public var parameters: JSONValue {
        [
            "type": "object", "additionalProperties": false, "required": ["url"],
            "properties": [
                "url": ["type": "string", "description": "An http:// or https:// URL."],
                "method": ["type": "string", "enum": ["GET", "HEAD"], "description": "GET (default) or HEAD."],
                "max_bytes": [
                    "type": "integer", "minimum": 1, "maximum": .number(Double(Self.maximumBytes)),
                    "description": "Most body bytes read (default 262144); a longer body is refused.",
                ],
            ],
        ]
    }
    public var isParallelSafe: Bool { true }

    public func run(_ arguments: JSONValue, in context: ToolContext) async throws(AgentError) -> ToolOutput {
        guard let http = context.http else {
            throw AgentError("tool_unavailable", "http_fetch is not available in this run (no network access)", category: .unavailable)
        }
        let url = try arguments.requiredString("url", tool: name)
        let method = try arguments.optionalString("method", tool: name)?.uppercased() ?? "GET"
        guard method == "GET" || method == "HEAD" else { throw AgentError("tool_arguments_invalid", "http_fetch: `method` must be GET or HEAD") }
        let limit = min(Self.maximumBytes, max(1, try arguments.optionalCount("max_bytes", tool: name) ?? Self.defaultBytes))
        guard let first = Self.webURL(url, relativeTo: nil) else {
            throw AgentError("http_url_invalid", "\(url) is not an http or https URL")
        }
        var current = first
        var redirects = 0
        while true {
            let response: OutboundResponse
            do {
                response = try await http.send(
                    OutboundRequest(
                        method: method, url: current.absoluteString,
                        headers: [("Accept", "text/html, text/plain, application/json, */*;q=0.5"), ("User-Agent", "tau-node")],
                        maximumResponseBytes: limit, timeout: Self.hopTimeout))
            } catch {
                // The policy's reason codes reach the model as they are.
                throw AgentError(error.code, error.message, category: error.category, cause: error)
            }
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location") else {
                return Self.render(response, url: current.absoluteString, method: method, redirects: redirects)
            }
            guard redirects < Self.maximumRedirects else {
                throw AgentError("http_too_many_redirects", "\(url) redirected more than \(Self.maximumRedirects) times", category: .unavailable)
            }
            guard let next = Self.webURL(location, relativeTo: current) else {
                throw AgentError(
                    "http_redirect_refused", "\(current.absoluteString) redirects to \(location), which is not an http or https URL",
                    category: .unavailable)
            }
            current = next
            redirects += 1
        }
    }

    /// `text` as an absolute http(s) URL (resolved against `base`), without its fragment.
    static func webURL(_ text: String, relativeTo base: URL?) -> URL? {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces), relativeTo: base)?.absoluteURL,
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host?.isEmpty == false,
            var components = URLComponents(url: url, resolvingAgainstBaseURL: true)
        else { return nil }
        components.fragment = nil
        return components.url
    }

    static func render(_ response: OutboundResponse, url: String, method: String, redirects: Int) -> ToolOutput {
        let contentType = response.header("Content-Type")
        let media = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        var heading = "HTTP \(response.status) \(url)\ncontent-type: \(contentType ?? "(none)")"
        let body: String
        if method == "HEAD" {
            if let length = response.header("Content-Length") { heading += "\ncontent-length: \(length)" }
            body = ""
        } else if response.body.isEmpty {
            body = "(empty body)"
        } else if media == "text/html" || media == "application/xhtml+xml" {
            body = HTMLText.text(from: decode(response.body, contentType: contentType))
        } else if isText(media) || (media.isEmpty && looksLikeText(response.body)) {
            body = decode(response.body, contentType: contentType)
        } else {
            body = "[\(media.isEmpty ? "unlabelled" : media) content, \(response.body.count) bytes, not shown]"
        }
        let details: JSONValue = [
            "status": .number(Double(response.status)), "content_type": contentType.map(JSONValue.string) ?? .null,
            "bytes": .number(Double(response.body.count)), "url": .string(url), "redirects": .number(Double(redirects)),
        ]
        return ToolOutput(body.isEmpty ? heading : heading + "\n\n" + body, details: details)
    }

    /// Media types shown as text besides `text/*`.
    static let textTypes: Set<String> = [
        "application/json", "application/xml", "application/javascript", "application/ecmascript", "application/x-javascript",
        "application/yaml", "application/x-yaml", "application/toml", "application/x-sh", "application/sql", "application/graphql",
        "application/x-www-form-urlencoded", "application/rtf",
    ]

    static func isText(_ media: String) -> Bool {
        media.hasPrefix("text/") || textTypes.contains(media) || media.hasSuffix("+json") || media.hasSuffix("+xml")
    }

    /// An unlabelled body is text when it is valid UTF-8 without NUL bytes.
    static func looksLikeText(_ body: [UInt8]) -> Bool {
        !body.prefix(8 << 10).contains(0) && String(validating: body, as: UTF8.self) != nil
    }

    /// The body as text in its declared charset (UTF-8 unless it names a Latin one).
    static func decode(_ body: [UInt8], contentType: String?) -> String {
        let charset = contentType?.lowercased().split(separator: ";").dropFirst()
            .compactMap { parameter -> String? in
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return pair.count == 2 && pair[0] == "charset" ? pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) : nil
            }.first
        if let charset, ["iso-8859-1", "latin1", "windows-1252", "us-ascii", "ascii"].contains(charset),
            let text = String(bytes: body, encoding: .isoLatin1)
        {
            return text
        }
        return String(decoding: body, as: UTF8.self)
    }
}
