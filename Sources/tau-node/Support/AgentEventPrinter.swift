import Foundation
import TauAgent
import TauCore

/// Prints a run's events: the answer's text to standard output as it streams, tool calls and
/// results as short lines on standard error, and with `--json` every event as one JSON line
/// on standard output.
actor AgentEventPrinter {
    let json: Bool
    /// Whether the last thing written to standard output ended a line.
    private var atLineStart = true
    private var wroteText = false

    init(json: Bool) {
        self.json = json
    }

    func print(_ event: AgentEvent) {
        if json {
            Output.line(event.json.canonicalString())
            return
        }
        switch event {
        case .textDelta(let text):
            Output.write(text)
            if !text.isEmpty {
                atLineStart = text.hasSuffix("\n")
                wroteText = true
            }
        case .toolCall(_, let name, let arguments):
            endLine()
            Output.standardError("• \(name) \(Self.short(arguments, 160))\n")
        case .toolResult(_, _, let output, let errorCode):
            if let errorCode {
                Output.standardError("  ✗ \(errorCode): \(Self.short(output, 200))\n")
            } else {
                let lines = output.split(separator: "\n", omittingEmptySubsequences: false).count
                Output.standardError("  ✓ \(lines) line\(lines == 1 ? "" : "s")\n")
            }
        case .compaction(_, let summarised):
            endLine()
            Output.standardError("(older turns summarised: \(summarised) entries)\n")
        case .error(let code, let message):
            endLine()
            Output.standardError("error[\(code)]: \(message)\n")
        case .finished(let summary):
            endLine()
            Output.standardError(Self.usageLine(summary) + "\n")
        case .runStarted, .reasoningDelta, .usage:
            break
        }
    }

    /// Ends the answer's line on standard output, so that what comes next starts on its own.
    func endLine() {
        if !atLineStart {
            Output.write("\n")
            atLineStart = true
        }
    }

    static func usageLine(_ summary: AgentRunSummary) -> String {
        let usage = summary.usage
        return "[\(summary.outcome.rawValue)] \(summary.turns) model call\(summary.turns == 1 ? "" : "s") · "
            + "\(usage.inputTokens) in / \(usage.outputTokens) out tokens · \(summary.cost.formatted(places: 6)) · session \(summary.sessionID)"
    }

    /// One line of at most `limit` characters.
    static func short(_ text: String, _ limit: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "⏎")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }
}

extension AgentOutcome {
    /// The exit status of `tau-node run` for this outcome (docs/agent.md).
    var exitStatus: Int32 {
        switch self {
        case .completed: 0
        case .cancelled: 130
        case .sessionConflict: 73
        case .modelError, .toolTurnFailed, .turnTimeout, .runTimeout, .storeFailed: 69
        case .maxTurns, .toolLoop, .emptyResponse, .modelIgnoredTools: 1
        }
    }
}
