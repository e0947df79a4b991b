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
