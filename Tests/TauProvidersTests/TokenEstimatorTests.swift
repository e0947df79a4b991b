import Foundation
import Testing

@testable import TauProviders

/// One row of Fixtures/token-counts.json, written by scripts/token-counts.py with the
/// real tiktoken encoders.
private struct KnownCount: Decodable {
    var name: String
    var text: String
    var encoding: String
    var tokens: Int

    /// The part of the name before the first `-`: prose, code, cjk...
    var category: String { String(name.prefix { $0 != "-" }) }

    static func load(encoding: String = "o200k_base") throws -> [KnownCount] {
        let url = try #require(Bundle.module.url(forResource: "token-counts", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode([KnownCount].self, from: Data(contentsOf: url)).filter { $0.encoding == encoding }
    }
}

/// The accuracy promise the estimator is held to on every sample.
private struct AccuracyBound {
    /// Largest relative error allowed on any one sample.
    static let perSample = 0.20
    /// Largest mean absolute relative error over all samples.
    static let mean = 0.06

    /// Relative errors of `estimate` against the true counts, by sample name.
    static func errors(_ samples: [KnownCount], _ estimate: (String) -> Int) -> [(name: String, error: Double)] {
        samples.map { ($0.name, Double(estimate($0.text) - $0.tokens) / Double($0.tokens)) }
    }

    static func failures(_ errors: [(name: String, error: Double)]) -> [String] {
        errors.filter { abs($0.error) > perSample }.map(\.name)
    }

    static func meanError(_ errors: [(name: String, error: Double)]) -> Double {
        errors.map { abs($0.error) }.reduce(0, +) / Double(errors.count)
    }
}

@Suite struct TokenEstimatorTests {
    let estimator = TokenEstimator()

    @Test func fixtureCoversTheCategories() throws {
        let samples = try KnownCount.load()
        #expect(samples.count >= 25)
        #expect(samples.allSatisfy { (200...3000).contains($0.text.unicodeScalars.count) })
        let categories = Set(samples.map(\.category))
        for wanted in ["prose", "code", "json", "numbers", "urls", "markdown", "european", "script", "cjk", "emoji", "whitespace"] {
            #expect(categories.contains(wanted), "no \(wanted) sample")
        }
        #expect(try KnownCount.load(encoding: "cl100k_base").count == samples.count)
    }

    @Test func everySampleIsWithinTheBound() throws {
        let samples = try KnownCount.load()
        let errors = AccuracyBound.errors(samples, estimator.count)
        for (name, error) in errors {
            #expect(abs(error) <= AccuracyBound.perSample, "\(name): \(Int((error * 100).rounded()))%")
        }
        #expect(AccuracyBound.meanError(errors) <= AccuracyBound.mean)
        if ProcessInfo.processInfo.environment["TOKEN_ESTIMATOR_TABLE"] != nil {
            try printAccuracyTable()
        }
    }

    /// The bound is tight enough to fail the usual rule of thumb: chars / 4 is far off
    /// for CJK, digits, code and JSON, and too high for English prose.
    @Test func charactersOverFourFailsTheBound() throws {
        let samples = try KnownCount.load()
        let errors = AccuracyBound.errors(samples) { $0.count / 4 }
        let failures = Set(AccuracyBound.failures(errors))
        for name in ["cjk-chinese", "cjk-japanese", "cjk-korean", "code-shell", "code-html", "json-config", "numbers-csv", "prose-terms"] {
            #expect(failures.contains(name), "chars/4 unexpectedly within bound on \(name)")
        }
        #expect(AccuracyBound.meanError(errors) > 2 * AccuracyBound.mean)
    }

    @Test func countsSimpleTexts() {
        #expect(estimator.count("") == 0)
        #expect(estimator.count("hello") == 1)
        #expect(estimator.count(" ") == 1)
        #expect(estimator.count("1234567") == 3)  // digits go in threes
        #expect(estimator.count("hello world") == 2)
        #expect(estimator.count("中文") == 1)  // 2 × 0.7, rounded
        #expect(estimator.count(String(repeating: "a", count: 100_000)) > 10_000)
    }

    @Test func countNeverDropsContent() {
        // Whatever the text, every scalar lands in exactly one piece.
        let texts = [
            "", "a", "\u{301}", "\r\n\r\n", "x\u{200D}\u{FE0F}", "'s'", " '", "\t\tA", "\u{1F600}\u{1F44D}\u{1F3FD} ok",
            "中文字符，日本語のテキスト。한국어 문장", String(repeating: " ", count: 50) + "\n",
        ]
        for text in texts {
            let pre = PreTokenizer(text)
            #expect(pre.pieces.joined() == text)
            #expect(pre.pieces.allSatisfy { !$0.isEmpty })
        }
        // Random strings over an alphabet that mixes every class the scanner tells apart.
        let alphabet = Array("aAbZ 'sSt\n\r\t.,(\"1234567890-_/é中ßДдÉ😀\u{301}\u{200D}\u{FE0F}\u{2028}\u{A0}ʰ한ह".unicodeScalars)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 1...40, using: &generator) {
                scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
            }
            let text = String(scalars)
            #expect(PreTokenizer(text).pieces.joined().unicodeScalars.elementsEqual(text.unicodeScalars), "\(text.debugDescription)")
            #expect(estimator.count(text) >= 1)
        }
    }

    /// Splits produced by tiktoken's o200k_base pattern (regex module) for these strings.
    @Test(arguments: [
        (
            "Hello world's JSONParser getHTTPResponse, WE'LL see.",
            ["Hello", " world's", " JSONParser", " get", "HTTPResponse", ",", " WE'LL", " see", "."]
        ),
        (
            "    indented\n\n\tcode();\r\n  x  = 12345 / 3.14\n",
            [
                "   ", " indented", "\n\n", "\tcode", "();\r\n", " ", " x", " ", " =", " ", "123", "45", " /", " ", "3", ".",
                "14", "\n",
            ]
        ),
        ("中文字符，日本語のテキスト。한국어 문장", ["中文字符", "，日本語のテキスト", "。한국어", " 문장"]),
        (
            "😀👍🏽 ok ☀️ <a href=\"/x\">link</a>",
            ["😀👍🏽", " ok", " ☀️", " <", "a", " href", "=\"/", "x", "\">", "link", "</", "a", ">"]
        ),
        ("Größe: naïve café — l'été", ["Größe", ":", " naïve", " café", " —", " l", "'été"]),
        ("a  \n  b\t\tc   ", ["a", "  \n", " ", " b", "\t", "\tc", "   "]),
    ])
    func splitsLikeO200k(text: String, pieces: [String]) {
        #expect(PreTokenizer(text).pieces == pieces)
    }

    /// The conversation of scripts/token-counts.py (`CHAT`). Its true count, 106 with
    /// both o200k_base and cl100k_base, follows OpenAI's cookbook: 3 tokens per message,
    /// plus the tokens of each value (role, content, name), plus 1 per name, plus 3
    /// priming the reply.
    @Test func chatConversationMatchesCookbookCount() {
        let request = ChatRequest(
            model: "gpt-4o",
            messages: [
                .text(.system, "You are a concise assistant for a hardware store. Answer in at most three sentences."),
                ChatMessage(
                    role: .user, content: [.text("Which screws should I use to hang a 12 kg mirror on a plasterboard wall?")],
                    name: "maria"),
                .text(
                    .assistant,
                    "Use metal cavity anchors (spring or butterfly toggles) rated for at least 25 kg each, with the screws that come with them. Put two anchors into the studs if you can find them."
                ),
                ChatMessage(role: .user, content: [.text("And for a brick wall?")], name: "maria"),
            ])
        let trueCount = 106
        let estimate = estimator.estimate(request)
        #expect(abs(Double(estimate - trueCount)) / Double(trueCount) <= 0.10, "estimate \(estimate)")
        // The framing alone is exact: 3 priming + 4 × (3 + 1 role token) + 2 × (1 + 1 name token).
        let framing = estimate - request.messages.map { estimator.count($0.text) }.reduce(0, +)
        #expect(framing == 3 + 4 * 4 + 2 * 2)
    }

    @Test func chargesImagesToolCallsAndTools() {
        let question = ChatMessage.text(.user, "What is in this picture?")
        var withImage = question
        withImage.content.append(.image(.url("https://example.com/cat.png")))
        withImage.content.append(.image(.base64(mediaType: "image/png", data: String(repeating: "A", count: 4000))))
        #expect(estimator.estimate(withImage) == estimator.estimate(question) + 2 * TokenEstimator.tokensPerImage)

        let call = ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Lisbon","unit":"celsius"}"#)
        let assistant = ChatMessage(role: .assistant, toolCalls: [call])
        #expect(
            estimator.estimate(assistant)
                == TokenEstimator.tokensPerMessage + estimator.count("assistant") + TokenEstimator.tokensPerToolCall
                + estimator.count("get_weather") + estimator.count(call.arguments))

        let thinking = ChatMessage(role: .assistant, content: [.thinking("Let me check the units first.", signature: "sig")])
        #expect(estimator.estimate(thinking) > estimator.estimate(ChatMessage(role: .assistant)))

        let tool = ToolDefinition(
            name: "get_weather", description: "Current weather for a city",
            parameters: [
                "type": "object", "properties": ["city": ["type": "string"], "unit": ["enum": ["celsius", "fahrenheit"]]],
                "required": ["city"],
            ])
        let bare = ChatRequest(model: "m", messages: [question])
        var withTool = bare
        withTool.tools = [tool]
        let toolJSON = TokenEstimator.json(of: tool).canonicalString()
        #expect(toolJSON.contains(#""description":"Current weather for a city""#))
        #expect(
            estimator.estimate(withTool) == estimator.estimate(bare) + TokenEstimator.tokensPerTool + estimator.count(toolJSON))
        var withSchema = bare
        withSchema.responseFormat = .jsonSchema(JSONSchemaFormat(name: "Weather", schema: tool.parameters))
        #expect(
            estimator.estimate(withSchema)
                == estimator.estimate(bare) + TokenEstimator.tokensPerTool + estimator.count(tool.parameters.canonicalString()))
        withSchema.responseFormat = .jsonObject
        #expect(estimator.estimate(withSchema) == estimator.estimate(bare))
    }

    /// Prints the per-category accuracy table of docs/token-estimation.md
    /// (`TOKEN_ESTIMATOR_TABLE=1 swift test --filter TokenEstimatorTests`).
    private func printAccuracyTable() throws {
        var lines = ["| category | samples | o200k mean error | o200k worst | cl100k mean error | cl100k worst |", "|---|---|---|---|---|---|"]
        let o200k = try KnownCount.load()
        let cl100k = try KnownCount.load(encoding: "cl100k_base")
        func percent(_ value: Double) -> String { String(format: "%+.1f%%", value * 100) }
        func stats(_ samples: [KnownCount]) -> (mean: Double, worst: Double) {
            let errors = AccuracyBound.errors(samples, estimator.count).map(\.error)
            let worst = errors.max { abs($0) < abs($1) } ?? 0
            return (errors.map(abs).reduce(0, +) / Double(errors.count), worst)
        }
        var categories: [String] = []
        for sample in o200k where !categories.contains(sample.category) { categories.append(sample.category) }
        for category in categories + ["all"] {
            let a = stats(o200k.filter { category == "all" || $0.category == category })
            let b = stats(cl100k.filter { category == "all" || $0.category == category })
            let count = o200k.filter { category == "all" || $0.category == category }.count
            lines.append(
                "| \(category) | \(count) | \(String(format: "%.1f%%", a.mean * 100)) | \(percent(a.worst)) | "
                    + "\(String(format: "%.1f%%", b.mean * 100)) | \(percent(b.worst)) |")
        }
        for sample in o200k {
            let estimate = estimator.count(sample.text)
            lines.append("  \(sample.name): true \(sample.tokens), estimate \(estimate)")
        }
        print(lines.joined(separator: "\n"))
    }
}
