import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TauCore
import TauProviders
import TauTesting
import Testing

@testable import TauGateway

@Suite struct GatewayMetricsTests {
    @Test func metricsAndTheOperatorViewShowCallsTokensCostErrorsAndOpenBreakers() async throws {
        var fixture = OpenAIGatewayFixture { _ in .init(text: "Hi", promptTokens: 80, completionTokens: 15, cachedTokens: 64) }
        fixture.breakerFailures = 1
        let key = try await fixture.key()
        let hello: JSONValue = ["role": "user", "content": "Hello"]
        try await fixture.run { client in
            try await client.chat(["model": "fast", "messages": [hello]], key: key) { #expect($0.status == .ok) }
            try await client.chat(["model": "fast", "stream": true, "messages": [hello]], key: key) { #expect($0.status == .ok) }
            try await client.chat(["model": "dead", "messages": [hello]], key: key) { #expect($0.status == .badGateway) }
            // The breaker is open now: skipped, not called.
            try await client.chat(["model": "dead", "messages": [hello]], key: key) { #expect($0.status == .serviceUnavailable) }
            try await client.chat(["model": .string("made-up-\(UUID())"), "messages": [hello]], key: key) { #expect($0.status == .notFound) }
            try await client.chat(["model": "openai:gpt-4.1-mini", "messages": [hello]], key: key) { #expect($0.status == .ok) }
            try await client.chat(["model": "fast", "messages": [hello]], key: "tau_000000000000_" + String(repeating: "0", count: 48)) {
                #expect($0.status == .unauthorized)
            }
            // The operator view names the route.
            try await client.execute(uri: "/gateway/v1/breakers", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/gateway/v1/breakers", method: .get, headers: [.authorization: "Bearer \(OpenAIGatewayFixture.operatorToken)"]
            ) { response in
                #expect(response.status == .ok)
                let breakers = try #require(response.json["breakers"]?.arrayValue)
                #expect(breakers.count == 1)
                #expect(breakers.first?["route"] == "openai:dead")
                #expect(breakers.first?["state"] == "open")
                let wait = try #require(breakers.first?["probeInSeconds"]?.doubleValue)
                #expect(wait > 0 && wait <= 30)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let lines = Set(String(buffer: response.body).split(separator: "\n").map(String.init))
                for expected in [
                    #"tau_gateway_requests_total{model="fast",provider="openai",status="ok"} 2"#,
                    #"tau_gateway_tokens_total{model="fast",provider="openai",type="input"} 160"#,
                    #"tau_gateway_tokens_total{model="fast",provider="openai",type="cached"} 128"#,
                    #"tau_gateway_tokens_total{model="fast",provider="openai",type="output"} 30"#,
                    #"tau_gateway_requests_total{model="dead",provider="none",status="upstream_unreachable"} 1"#,
                    #"tau_gateway_requests_total{model="other",provider="openai",status="ok"} 1"#,
                    #"tau_gateway_requests_total{model="dead",provider="none",status="all_routes_unavailable"} 1"#,
                    #"tau_gateway_request_duration_seconds_count{model="fast"} 2"#,
                    #"tau_gateway_errors_total{code="upstream_unreachable"} 1"#,
                    #"tau_gateway_errors_total{code="all_routes_unavailable"} 1"#,
                    #"tau_gateway_errors_total{code="model_not_found"} 1"#,
                    #"tau_gateway_errors_total{code="invalid_api_key"} 1"#,
                    "tau_gateway_breakers_open 1.0",
                    "tau_gateway_breakers_half_open 0.0",
                ] {
                    #expect(lines.contains(expected), "missing \(expected)")
                }
                // Caller-made model names never become labels.
                #expect(!String(buffer: response.body).contains(#"model="openai:"#))
                // Two calls of (80 - 64) uncached, 64 cached and 15 output tokens at 0.4 / 0.1 / 1.6 $ per million:
                // 36.8 micro-USD each, charged 37.
                let cost = lines.first { $0.hasPrefix(#"tau_gateway_cost_usd_total{model="fast",provider="openai"}"#) }
                let value = try #require(cost.flatMap { Double($0.split(separator: " ").last ?? "") })
                #expect(abs(value - 2 * 37 / 1_000_000) < 1e-12)
            }
        }
    }
}
