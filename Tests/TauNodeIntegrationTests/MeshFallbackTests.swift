import Foundation
import TauCore
import TauTesting
import Testing

extension PaidMesh {
    /// The mesh route of a model (issue 13): A's own provider fails, B serves the model to peers,
    /// and A's gateway answers its client through B, paying B per token.
    @Suite(.serialized, .timeLimit(.minutes(10)))
    struct MeshFallbackTests {
        @Test func aFailingProviderIsReplacedByAPeerThatIsPaidPerToken() async throws {
            let broken = ScriptedModelServer([], then: .error(status: 500, message: "down"))
            let working = ScriptedModelServer([.text("Through the mesh."), .text("Streamed through the mesh.")])
            try await broken.serve { urlBroken in
                try await working.serve { urlWorking in
                    let directory = try TemporaryDirectory()
                    defer { directory.remove() }
                    let a = try await DelegationTests.makeNode(
                        directory, "a", extra: "[providers.openai]\nbase_url = \"\(urlBroken)\"\n[delegation]\nfallback_max_price = \"0.5\"\n")
                    let b = try await DelegationTests.makeNode(
                        directory, "b", extra: "[providers.openai]\nbase_url = \"\(urlWorking)\"\n[delegation]\nserve_models = [\"gpt-4.1-mini\"]\n")
                    #expect(try await a.tau(["wallet", "credit", "1"]).exitCode == 0)
                    let key = try #require(try await a.json(["keys", "create"])["key"]?.stringValue)
                    try await DelegationTests.serve(b) { urlB in
                        try await DelegationTests.serve(a, peers: [urlB]) { urlA in
                            try await eventually("A knows that B serves gpt-4.1-mini") {
                                let listed = try await a.json(["peer", "list"])
                                return (listed["peers"]?.arrayValue ?? []).contains {
                                    ($0["capabilities"]?.arrayValue ?? []).contains("model:gpt-4.1-mini")
                                }
                            }
                            try await Task.sleep(for: .seconds(1.5))  // A's route table reads the peer table every second
                            let plain = try await RunsAPITests.post(
                                urlA + "/v1/chat/completions", key: key, #"{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"hi"}]}"#)
                            #expect(plain.status == 200, "\(plain.body)")
                            let answer = try JSONValue(parsing: plain.body)
                            #expect(answer["choices"]?.arrayValue?.first?["message"]?["content"] == "Through the mesh.")

                            let streamed = try await RunsAPITests.post(
                                urlA + "/v1/chat/completions", key: key,
                                #"{"model":"gpt-4.1-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
                            #expect(streamed.status == 200, "\(streamed.body)")
                            let text = RunsAPITests.events(streamed.body).compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
                            #expect(text == "Streamed through the mesh.")
                            #expect(streamed.body.contains("data: [DONE]"))
                            #expect(broken.requests.count >= 2, "A tried its own provider first")

                            // 120 tokens each at 2 credits per million: 0.00024 credits per call, paid to B.
                            try await eventually("B has been paid for both calls") { try await b.wallet()["earned"] == .number(0.00048) }
                            let walletA = try await a.wallet()
                            #expect(walletA["paid"] == .number(0.00048), "\(walletA)")
                            #expect(walletA["wallet"] == .number(0.99952))
                            #expect(walletA["held_in_escrow"] == .number(0))
                        }
                    }
                }
            }
        }
    }
}
