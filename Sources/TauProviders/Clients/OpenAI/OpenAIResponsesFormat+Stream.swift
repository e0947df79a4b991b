import TauCore

extension OpenAIResponsesFormat {
    /// Turns the Responses API's semantic stream events into unified `StreamEvent`s.
    ///
    /// A plain value fed one event at a time, so it is tested without sockets. Function
    /// calls are numbered by their order among the function calls of the response (the
    /// unified index), while the wire names them by `output_index` and `item_id`, which
    /// count every output item (reasoning and messages too).
    public struct StreamDecoder: Sendable {
        /// Whether `.start` was produced.
        public private(set) var started = false
        /// Whether text, thinking or a tool call was produced: a failure after that
        /// cannot be retried transparently.
        public private(set) var sentContent = false
        /// Whether `response.completed` or `response.incomplete` arrived.
        public private(set) var finished = false

        private var callByOutputIndex: [Int: Int] = [:]
        private var callByItemID: [String: Int] = [:]
        private var callsWithArguments: Set<Int> = []
        private var callCount = 0
        private var lastSummary: String?

        /// A decoder at the start of a stream.
        public init() {}

        /// The unified events for one wire event. `eventName` is the SSE `event:` field,
        /// used when the JSON lacks `type`.
        /// - Throws: the failure a `response.failed` or `error` event reports, or
        ///   `.badResponse` for arguments of a call that was never announced.
        public mutating func decode(_ json: JSONValue, eventName: String? = nil) throws(UpstreamFailure) -> [StreamEvent] {
            let type = json["type"]?.stringValue ?? eventName ?? ""
            var events: [StreamEvent] = []
            if !started, type != "error", type != "response.failed" {
                let response = json["response"]
                events.append(.start(id: response?["id"]?.stringValue ?? "", model: response?["model"]?.stringValue ?? ""))
                started = true
            }
            switch type {
            case "response.output_text.delta", "response.refusal.delta":
                if let delta = json["delta"]?.stringValue, !delta.isEmpty { events.append(.text(delta)) }
            case "response.reasoning_summary_text.delta":
                if let delta = json["delta"]?.stringValue, !delta.isEmpty { events.append(.thinking(summaryPiece(delta, of: json))) }
            case "response.output_item.added":
                if let item = json["item"], item["type"]?.stringValue == "function_call" {
                    events += announce(item, at: json["output_index"]?.intValue)
                }
            case "response.function_call_arguments.delta":
                let index = try call(for: json)
                if let delta = json["delta"]?.stringValue, !delta.isEmpty {
                    callsWithArguments.insert(index)
                    events.append(.toolCallArguments(index: index, fragment: delta))
                }
            case "response.function_call_arguments.done":
                events += fallbackArguments(json["arguments"], for: try call(for: json))
            case "response.output_item.done":
                if let item = json["item"], item["type"]?.stringValue == "function_call" {
                    events += fallbackArguments(item["arguments"], for: try call(for: json))
                }
            case "response.completed", "response.incomplete":
                let response = json["response"] ?? [:]
                if let usage = response["usage"], usage.objectValue != nil { events.append(.usage(decodeUsage(usage))) }
                let calledInOutput = (response["output"]?.arrayValue ?? []).contains { $0["type"]?.stringValue == "function_call" }
                events.append(.finish(finishReason(of: response, hasToolCalls: callCount > 0 || calledInOutput)))
                finished = true
            case "response.failed":
                throw failure(json["response"]?["error"], afterContent: sentContent)
            case "error":
                throw failure(json["error"] ?? json, afterContent: sentContent)
            default:
                break
            }
            if events.contains(where: Self.isContent) { sentContent = true }
            return events
        }

        private static func isContent(_ event: StreamEvent) -> Bool {
            switch event {
            case .text, .thinking, .redactedThinking, .toolCallStart, .toolCallArguments: true
            case .start, .usage, .finish: false
            }
        }

        /// A summary delta, with a paragraph break before the first piece of every
        /// summary part after the first (the complete response joins them the same way).
        private mutating func summaryPiece(_ delta: String, of json: JSONValue) -> String {
            let key = "\(json["item_id"]?.stringValue ?? "")#\(json["summary_index"]?.intValue ?? 0)"
            defer { lastSummary = key }
            guard let last = lastSummary, last != key else { return delta }
            return thinkingSeparator + delta
        }

        private mutating func announce(_ item: JSONValue, at outputIndex: Int?) -> [StreamEvent] {
            let index = callCount
            callCount += 1
            if let outputIndex { callByOutputIndex[outputIndex] = index }
            if let itemID = item["id"]?.stringValue { callByItemID[itemID] = index }
            let id = item["call_id"]?.stringValue ?? item["id"]?.stringValue ?? ""
            var events: [StreamEvent] = [.toolCallStart(index: index, id: id, name: item["name"]?.stringValue ?? "")]
            if let arguments = item["arguments"]?.stringValue, !arguments.isEmpty {
                callsWithArguments.insert(index)
                events.append(.toolCallArguments(index: index, fragment: arguments))
            }
            return events
        }

        /// The unified index of the call an event is about, by `item_id`, else `output_index`.
        private func call(for json: JSONValue) throws(UpstreamFailure) -> Int {
            if let itemID = json["item_id"]?.stringValue ?? json["item"]?["id"]?.stringValue,
                let index = callByItemID[itemID]
            {
                return index
            }
            if let outputIndex = json["output_index"]?.intValue, let index = callByOutputIndex[outputIndex] {
                return index
            }
            throw UpstreamFailure(.badResponse, message: "function call arguments for an item never announced")
        }

        /// The whole arguments from a `done` event, for servers that send no deltas.
        private mutating func fallbackArguments(_ arguments: JSONValue?, for index: Int) -> [StreamEvent] {
            guard !callsWithArguments.contains(index), let text = arguments?.stringValue, !text.isEmpty else { return [] }
            callsWithArguments.insert(index)
            return [.toolCallArguments(index: index, fragment: text)]
        }
    }
}
