import Foundation
import TauCore
import TauProviders
import TauStore

/// Builds `config_invalid` errors that name the file, the line and the key, e.g.
/// `/srv/tau/config.toml:14: gateway.max_attempts: must be 1-10`.
struct ConfigProblems: Sendable {
    let origin: String
    let locator: ConfigLocator

    init(origin: String, text: String) {
        self.origin = origin
        locator = ConfigLocator(text: text)
    }

    /// `file:line: key: problem` (`naming: false` leaves the key out when the problem names it).
    func invalid(_ path: [String], _ problem: String, naming: Bool = true) -> NodeError {
        let place = locator.line(of: path).map { "\(origin):\($0)" } ?? origin
        let key = path.map { $0.contains(".") || $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: ".")
        return NodeError("config_invalid", naming ? "\(place): \(key): \(problem)" : "\(place): \(problem)")
    }

    /// A value of the wrong type (a string where a number belongs, ...).
    func decoding(_ error: DecodingError) -> NodeError {
        let (context, problem): (DecodingError.Context, String) =
            switch error {
            case .typeMismatch(let type, let context): (context, "expected \(Self.describe(type))")
            case .valueNotFound(let type, let context): (context, "expected \(Self.describe(type))")
            case .keyNotFound(let key, let context):
                // TOMLKit reports a value of the wrong type as a key that "does not exist".
                (
                    DecodingError.Context(
                        codingPath: context.codingPath.last?.stringValue == key.stringValue ? context.codingPath : context.codingPath + [key],
                        debugDescription: ""),
                    "expected \(Self.expectedType(in: context.debugDescription))"
                )
            case .dataCorrupted(let context): (context, context.debugDescription)
            @unknown default: (DecodingError.Context(codingPath: [], debugDescription: ""), "\(error)")
            }
        let path = context.codingPath.filter { $0.intValue == nil }.map(\.stringValue)
        if case .dataCorrupted = error { return invalid(path, problem) }
        return invalid(path, problem + (context.debugDescription.isEmpty ? "" : " (\(context.debugDescription))"))
    }

    /// `A "Int" does not exist at …` → `an integer`.
    private static func expectedType(in description: String) -> String {
        let parts = description.split(separator: "\"")
        guard parts.count > 1 else { return "another type of value" }
        switch parts[1] {
        case "Int", "Int64", "Double": return "a number"
        case "String": return "a string"
        case "Bool": return "true or false"
        case "Array": return "an array"
        default: return "a value of another type (\(parts[1]))"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)".lowercased()
        }
    }

    func duration(_ text: String, at path: [String]) throws(NodeError) {
        do {
            _ = try NodeConfiguration.duration(text)
        } catch {
            throw invalid(path, error.message)
        }
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else { return false }
        return true
    }
}

extension NodeConfiguration {
    /// Every check of every key, so that a typo fails at load with its file, line and key.
    func validate(_ problems: ConfigProblems) throws(NodeError) {
        if let port = server?.port, !(0...65535).contains(port) { throw problems.invalid(["server", "port"], "must be 0-65535") }
        if let url = node?.public_url, !ConfigProblems.isHTTPURL(url) {
            throw problems.invalid(["node", "public_url"], "\(url) is not an http(s) URL")
        }
        for url in resolver?.sources ?? [] where !ConfigProblems.isHTTPURL(url) {
            throw problems.invalid(["resolver", "sources"], "\(url) is not an http(s) URL")
        }
        if let ttl = resolver?.cache_ttl_seconds, ttl < 0 { throw problems.invalid(["resolver", "cache_ttl_seconds"], "must be ≥ 0") }
        if let skew = resolver?.max_clock_skew_seconds, skew < 0 {
            throw problems.invalid(["resolver", "max_clock_skew_seconds"], "must be ≥ 0")
        }
        for url in mesh?.bootstrap ?? [] where !ConfigProblems.isHTTPURL(url) {
            throw problems.invalid(["mesh", "bootstrap"], "\(url) is not an http(s) URL")
        }
        if let text = mesh?.gossip_interval { try problems.duration(text, at: ["mesh", "gossip_interval"]) }
        if let text = mesh?.max_clock_skew { try problems.duration(text, at: ["mesh", "max_clock_skew"]) }
        if let fanout = mesh?.gossip_fanout, !(1...32).contains(fanout) { throw problems.invalid(["mesh", "gossip_fanout"], "must be 1-32") }
        if let timeout = database?.timeout { try problems.duration(timeout, at: ["database", "timeout"]) }
        if let count = resolver?.max_foreign_logs, count < 1 { throw problems.invalid(["resolver", "max_foreign_logs"], "must be ≥ 1") }
        if let size = resolver?.max_foreign_log_mib, !(1...65536).contains(size) {
            throw problems.invalid(["resolver", "max_foreign_log_mib"], "must be 1-65536")
        }
        if let auth = metrics?.auth, !["none", "operator"].contains(auth) {
            throw problems.invalid(["metrics", "auth"], "must be \"none\" or \"operator\"")
        }
        do {
            _ = try OutboundPolicy.parseAllowed(outbound?.allow ?? [])
        } catch {
            throw problems.invalid(["outbound", "allow"], error.message)
        }
        if let url = database?.url {
            do {
                try StoreLocation.postgres(url: url).validate()
            } catch {
                throw problems.invalid(["database", "url"], error.message)
            }
        }
        try catalog?.validate(problems)
        try agent?.validate(problems)
        try mesh?.reputation?.validate(problems)
        try delegation?.validate(problems)
        try mcp?.validate(problems)
        try validateGateway(problems)
        try validateProviders(problems)
    }

    private func validateGateway(_ problems: ConfigProblems) throws(NodeError) {
        let settings = gateway
        for (key, text) in [
            ("retry_base_delay", settings?.retry_base_delay), ("max_retry_after", settings?.max_retry_after),
            ("breaker_cooldown", settings?.breaker_cooldown), ("request_timeout", settings?.request_timeout),
            ("idle_timeout", settings?.idle_timeout),
        ] {
            if let text { try problems.duration(text, at: ["gateway", key]) }
        }
        if let attempts = settings?.max_attempts, !(1...10).contains(attempts) {
            throw problems.invalid(["gateway", "max_attempts"], "must be 1-10")
        }
        if let tokens = settings?.budgeted_max_tokens, !(1...10_000_000).contains(tokens) {
            throw problems.invalid(["gateway", "budgeted_max_tokens"], "must be 1-10000000")
        }
        if let failures = settings?.breaker_failures, !(1...1000).contains(failures) {
            throw problems.invalid(["gateway", "breaker_failures"], "must be 1-1000")
        }
        if let auth = settings?.auth, GatewayAuthMode(rawValue: auth) == nil {
            throw problems.invalid(["gateway", "auth"], "must be \"keys\" or \"localhost-dev\"")
        }
        for (alias, specs) in (routes ?? [:]).sorted(by: { $0.key < $1.key }) where specs.isEmpty || alias.isEmpty {
            throw problems.invalid(["routes", alias], "must list at least one route")
        }
    }

    private func validateProviders(_ problems: ConfigProblems) throws(NodeError) {
        for (name, settings) in (providers ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard ProviderKind(rawValue: settings.kind ?? name) != nil else {
                let kinds = ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw problems.invalid(
                    ["providers", name, settings.kind == nil ? "" : "kind"].filter { !$0.isEmpty },
                    "unknown provider kind \"\(settings.kind ?? name)\" (known: \(kinds); a table with another name needs `kind`)")
            }
            if let wire = settings.wire, WireProtocol(rawValue: wire) == nil {
                throw problems.invalid(["providers", name, "wire"], "must be one of \(WireProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let base = settings.base_url, !ConfigProblems.isHTTPURL(base) {
                throw problems.invalid(["providers", name, "base_url"], "\(base) is not an http(s) URL")
            }
            if let variable = settings.api_key_env, variable.isEmpty || variable.contains(where: { $0 == "=" || $0.isWhitespace }) {
                throw problems.invalid(["providers", name, "api_key_env"], "must be the name of an environment variable")
            }
        }
    }
}
