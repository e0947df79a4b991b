import Foundation
import TauCore
import TauProviders

extension RunLoop {
    static let summaryInstructions = """
        You summarise a conversation between a user and a coding agent so that the agent can continue the work \
        from the summary alone. Keep: the user's goals and constraints, decisions made, files read or changed \
        (with paths), commands run and their outcome, errors met, and what remains to do. Leave out pleasantries \
        and anything already superseded. Never include secrets. Write plain text, at most about 600 words.
        """

    /// When the next request's estimate passes the compaction threshold of the model's
    /// window, asks the model to summarise the older entries of the branch and records the
    /// summary as a `compaction` entry, which stands for them from then on. The most recent
    /// entries (up to `compactionKeepShare` of the window) stay as they are, cut only at a
    /// message, so that no tool call is parted from its result.
    /// - Returns: whether the branch was compacted.
    func compactIfNeeded(_ request: ChatRequest) async throws -> Bool {
        guard let window = agent.models.contextWindow(of: configuration.model) else { return false }
        let output = configuration.maxOutputTokens ?? 0
        let threshold = Int(Double(window) * configuration.compactionThreshold) - output
        guard agent.models.estimatedTokens(request) > threshold else { return false }

        let sessionID = recorder.sessionID
        let path = await recorder.branch
        let (previousSummary, visible) = Conversation.visibleEntries(path)
        let estimator = TokenEstimator()
        let keepBudget = Int(Double(window) * configuration.compactionKeepShare)
        var kept = 0
        var start = visible.count
        while start > 0 {
            let size = estimator.count(visible[start - 1].content.canonicalString())
            guard kept + size <= keepBudget else { break }
            kept += size
            start -= 1
        }
        // Cut at a message, so that a tool call and its result stay together.
        while start < visible.count, visible[start].kind != .message { start += 1 }
        // Nothing older to summarise: the request fails preflight with `context_length_exceeded`.
        guard start > 0 else { return false }
        let older = Array(visible[..<start])

        let transcript = Conversation.transcript(older, previousSummary: previousSummary)
        let summaryRequest = ChatRequest(
            model: configuration.model,
            messages: [.text(.system, Self.summaryInstructions), .text(.user, transcript)],
            maxOutputTokens: min(2_048, max(256, window / 8)), temperature: configuration.temperature)
        var callContext = configuration.callContext
        callContext.sessionID = sessionID
        let context = callContext
        let routed: Routed<ChatResponse>
        do {
            routed = try await Deadline.run(configuration.turnTimeout, clock: agent.clock, kind: .turn) {
                try await agent.models.complete(summaryRequest, context: context)
            }
        } catch {
            throw Self.failure(error, afterToolResults: false)
        }
        let summary = routed.value.message.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let usage = routed.value.usage
        let cost = try? routed.route.pricing?.cost(of: usage)
        await recorder.count(usage, cost: cost)
        await emit(.usage(usage, cost: cost))
        guard !summary.isEmpty else {
            throw ModelCallFailed(code: "compaction_failed", message: "the model returned an empty summary", afterToolResults: false)
        }
        let firstKept = start < visible.count ? visible[start].id : nil
        let summarised = older.count
        let entryID = try await recorder.append(
            .compaction, Conversation.compaction(summary: summary, firstKept: firstKept, summarised: summarised), usage: usage, cost: cost)
        await emit(.compaction(entryID: entryID, summarised: summarised))
        return true
    }
}
