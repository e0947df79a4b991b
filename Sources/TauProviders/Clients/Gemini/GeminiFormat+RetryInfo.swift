import TauCore

extension GeminiFormat {
    /// The wait a Google API error asks for: `retryDelay` of the
    /// `type.googleapis.com/google.rpc.RetryInfo` entry of `error.details`, a protobuf
    /// Duration in its JSON form (`"13s"`, `"0.250s"`). `error` is the value of the
    /// answer's `error` member.
    public static func retryDelay(inError error: JSONValue?) -> Duration? {
        for detail in error?["details"]?.arrayValue ?? [] {
            guard let type = detail["@type"]?.stringValue, type.hasSuffix("google.rpc.RetryInfo"),
                let text = detail["retryDelay"]?.stringValue, text.hasSuffix("s"),
                let seconds = Double(text.dropLast()), seconds.isFinite, seconds >= 0, seconds < 86_400 * 365
            else { continue }
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        return nil
    }
}
