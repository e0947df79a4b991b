import Foundation
import HTTPTypes
import HummingbirdTesting
import TauCore
import TauProviders
import TauTesting
import Testing

@testable import TauGateway

/// What callers of the gateway are sent and shown.
struct GatewayHardeningTests {
    static let hi: JSONValue = ["model": "fast", "messages": [["role": "user", "content": "Hi"]]]

    @Test func aBudgetedKeysCallAlwaysCarriesAnOutputCapAndOthersAsTheyAsked() async throws {
        let fixture = OpenAIGatewayFixture()
        let budgeted = try await fixture.key(budget: usd(5_000_000))
        let unlimited = try await fixture.key()
        try await fixture.run { client in
            try await client.chat(Self.hi, key: budgeted) { #expect($0.status == .ok) }
            var capped = Self.hi
            capped["max_tokens"] = 100
            try await client.chat(capped, key: budgeted) { #expect($0.status == .ok) }
            try await client.chat(Self.hi, key: unlimited) { #expect($0.status == .ok) }
        }
        let sent = fixture.upstream.requests.map { $0["max_completion_tokens"] }
        // The node's default for budgeted keys (8,192, within the route's 32,768), the caller's own
        // cap, and no cap for a key without a budget, as before.
        #expect(sent == [8192, 100, nil])
    }
}
