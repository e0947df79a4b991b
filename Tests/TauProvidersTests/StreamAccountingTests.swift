import Foundation
import TauCore
import TauTesting
import Testing

@testable import TauProviders

/// A streamed answer is pulled through its stages by its reader (no task per stage); its
/// usage is recorded exactly once however it ends: read to the end, dropped half-way, or
/// read by a task that is cancelled.
@Suite struct StreamAccountingTests {
    static func service(_ route: Route, usage: InMemoryUsageRepository) -> ModelService {
        ModelService(
            resolve: { $0 == "m" ? RouteChain(name: "m", routes: [route]) : nil }, served: [], router: ModelRouter(), usage: usage)
    }

    static let request = ChatRequest(model: "m", messages: [.text(.user, "Count.")])

    /// Waits (at most 10 s) for `count` records: a dropped stream is recorded from a task of its own.
    static func records(_ usage: InMemoryUsageRepository, count: Int) async throws -> [UsageRecord] {
        for _ in 0..<1000 where usage.all.count < count { try await Task.sleep(for: .milliseconds(10)) }
        return usage.all
    }

    @Test func aStreamReadToTheEndIsRecordedOnceBeforeItsEnd() async throws {
        let upstream = ScriptedUpstream(["a": [.text("one two three")]])
        try await upstream.serve { base, http in
            let usage = InMemoryUsageRepository()
            let service = Self.service(ScriptedUpstream.route("a", baseURL: base, http: http), usage: usage)
            var text = ""
            var events = 0
            var iterator = try await service.stream(Self.request, context: CallContext(apiKeyID: "k")).value.makeAsyncIterator()
            while let event = try await iterator.next() {
                events += 1
                if case .text(let piece) = event { text += piece }
            }
            #expect(text == "one two three")
            #expect(events >= 5)  // start, three pieces, finish, usage
            // Recorded before the end reached the reader, not by a task later.
            #expect(usage.all.count == 1)
            #expect(try await iterator.next() == nil)  // over stays over
            #expect(usage.all.count == 1)
            #expect(usage.all.first?.status == "ok")
            #expect(usage.all.first?.usage.outputTokens == 3)
        }
    }

    @Test func aStreamDroppedHalfWayIsRecordedAsCancelled() async throws {
        let upstream = ScriptedUpstream(["a": [.text("one two three four five")]])
        try await upstream.serve { base, http in
            let usage = InMemoryUsageRepository()
            let service = Self.service(ScriptedUpstream.route("a", baseURL: base, http: http), usage: usage)
            do {
                var iterator = try await service.stream(Self.request, context: CallContext(apiKeyID: "k")).value.makeAsyncIterator()
                _ = try await iterator.next()
                _ = try await iterator.next()
                #expect(usage.all.isEmpty)
            }
            let records = try await Self.records(usage, count: 1)
            #expect(records.count == 1)
            #expect(records.first?.status == "cancelled")
            // Nothing more arrives later.
            try await Task.sleep(for: .milliseconds(50))
            #expect(usage.all.count == 1)
        }
    }

    @Test func aStreamReadByACancelledTaskIsRecordedOnceAsCancelled() async throws {
        let upstream = ScriptedUpstream(["a": [.text("one two three four five")]])
        try await upstream.serve { base, http in
            let usage = InMemoryUsageRepository()
            let service = Self.service(ScriptedUpstream.route("a", baseURL: base, http: http), usage: usage)
            let stream = try await service.stream(Self.request, context: CallContext(apiKeyID: "k")).value
            let reader = Task {
                var iterator = stream.makeAsyncIterator()
                _ = try await iterator.next()
                withUnsafeCurrentTask { $0?.cancel() }
                while try await iterator.next() != nil {}
            }
            _ = await reader.result
            let records = try await Self.records(usage, count: 1)
            try await Task.sleep(for: .milliseconds(50))
            #expect(usage.all.count == 1)
            #expect(records.first?.status == "cancelled")
        }
    }
}

/// A client whose stream comes in scripted groups.
private struct GroupedClient: ModelClient {
    let groups: [[StreamEvent]]

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        throw UpstreamFailure(.rejected, message: "streamed only")
    }

    func stream(_ request: ChatRequest) async throws -> ChatEventStream {
        PulledStream.flatten(try await streamBatches(request))
    }

    func streamBatches(_ request: ChatRequest) async throws -> ChatEventBatches {
        let groups = groups
        return PulledStream.make(0) { index in
            guard index < groups.count else { return nil }
            defer { index += 1 }
            return groups[index]
        }
    }
}

extension StreamAccountingTests {
    /// Events keep the groups the upstream made them in (the gateway writes a group at once);
    /// the bookkeeping events before the first content join the group of that content.
    @Test func groupsPassThroughAndFlattenInOrder() async throws {
        let groups: [[StreamEvent]] = [
            [.start(id: "r", model: "m"), .usage(Usage(inputTokens: 4, outputTokens: 0))],
            [.text("a"), .text("b")],
            [.text("c")],
            [.finish(.stop), .usage(Usage(inputTokens: 4, outputTokens: 3))],
        ]
        let route = Route(name: "g", modelID: "m", client: GroupedClient(groups: groups))
        let usage = InMemoryUsageRepository()
        var received: [[StreamEvent]] = []
        for try await group in try await Self.service(route, usage: usage).streamBatches(Self.request, context: CallContext()).value {
            received.append(group)
        }
        #expect(received == [groups[0] + groups[1], groups[2], groups[3]])
        #expect(usage.all.map(\.status) == ["ok"])

        var events: [StreamEvent] = []
        for try await event in try await Self.service(route, usage: usage).stream(Self.request, context: CallContext()).value {
            events.append(event)
        }
        #expect(events == groups.flatMap { $0 })
        #expect(usage.all.count == 2)
    }
}

extension StreamAccountingTests {
    /// A reader that stops after the charged usage event, before the end, is not charged twice.
    @Test func aStreamDroppedAfterItsUsageIsRecordedOnce() async throws {
        // No usage from the upstream: the service adds the charged usage as a last group.
        let groups: [[StreamEvent]] = [[.start(id: "r", model: "m"), .text("a b c")], [.finish(.stop)]]
        let route = Route(name: "g", modelID: "m", client: GroupedClient(groups: groups))
        let usage = InMemoryUsageRepository()
        do {
            var iterator = try await Self.service(route, usage: usage).streamBatches(Self.request, context: CallContext()).value
                .makeAsyncIterator()
            var last: [StreamEvent]?
            while let group = try await iterator.next() {
                last = group
                if case .usage? = group.first { break }
            }
            guard case .usage? = last?.first else {
                Issue.record("no usage group before the end")
                return
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(usage.all.map(\.status) == ["ok"])
    }
}
