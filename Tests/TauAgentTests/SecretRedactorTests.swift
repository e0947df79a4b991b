import Foundation
import TauAgent
import TauCore
import Testing

/// Every kind of secret the redactor knows, the text it must leave alone, and a megabyte of
/// mixed and hostile input. All keys here are made up (AKIAIOSFODNN7EXAMPLE is AWS's own
/// documentation example; the JWT is jwt.io's).
struct SecretRedactorTests {
    static let openAI = "sk-proj-EXAMPLE0123456789abcdefghijKLMNOP"
    static let anthropic = "sk-ant-api03-EXAMPLE0123456789abcdefghij_KLMNOP-qrst"
    static let google = "AIza" + String(repeating: "Xy9", count: 12).prefix(35)
    static let github = "ghp_" + String(repeating: "a1B2", count: 9)
    static let githubFine = "github_pat_11ABCDEFG0123456789_abcdefghijKLMNOPqrstuvWXYZ"
    static let slack = "xoxb-123456789012-1234567890123-EXAMPLEabcdEXAMPLEabcd"
    static let aws = "AKIAIOSFODNN7EXAMPLE"
    static let jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    static let tauKey = "tau_0123456789ab_" + String(repeating: "0a1b2c3d", count: 6)
    static let pem = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACDEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEAAAAAA==
        -----END OPENSSH PRIVATE KEY-----
        """

    func redact(_ text: String, literals: [String] = []) -> RedactionResult {
        SecretRedactor(literals: literals).redact(text)
    }

    @Test(arguments: [
        (openAI, "openai_key"), (anthropic, "anthropic_key"), (google, "google_api_key"), (github, "github_token"), (githubFine, "github_token"),
        (slack, "slack_token"), (aws, "aws_access_key"), (jwt, "jwt"), (tauKey, "tau_api_key"), (pem, "private_key"),
    ])
    func findsKeysByTheirShape(_ secret: String, _ kind: String) {
        for template in ["%", "key: %", "\"%\"", "export X=%;", "(%)", "value=%&next=1", "<code>%</code>"] {
            let text = template.replacingOccurrences(of: "%", with: secret)
            let result = redact(text)
            #expect(result.text == template.replacingOccurrences(of: "%", with: "[REDACTED:\(kind)]"), "\(template) → \(result.text)")
            #expect(result.findings == [RedactionFinding(kind: kind, count: 1)])
        }
    }

    @Test func findsCredentialsByContext() {
        let cases: [(String, String)] = [
            ("Authorization: Bearer abc.def-ghi_jkl123", "Authorization: Bearer [REDACTED:bearer_token]"),
            ("authorization: Basic dXNlcjpwYXNzd29yZA==", "authorization: Basic [REDACTED:basic_auth]"),
            (#"{"Authorization": "Bearer tok_0123456789abcdef"}"#, #"{"Authorization": "Bearer [REDACTED:bearer_token]"}"#),
            ("curl -H 'Proxy-Authorization: Token 0123456789abcdefgh' url", "curl -H 'Proxy-Authorization: Token [REDACTED:bearer_token]' url"),
            ("AUTHORIZATION=0123456789abcdef0123", "AUTHORIZATION=[REDACTED:bearer_token]"),
            ("sent with Bearer 0123456789abcdefABCDEF.", "sent with Bearer [REDACTED:bearer_token]."),
            ("postgres://tau:s3cret-pass@db.internal:5432/tau", "postgres://tau:[REDACTED:url_password]@db.internal:5432/tau"),
            ("DB_PASSWORD=correct-horse-battery", "DB_PASSWORD=[REDACTED:password]"),
            (#""api_key": "abcd1234efgh5678""#, #""api_key": "[REDACTED:api_key]""#),
            ("client_secret: 9f8e7d6c5b4a3210", "client_secret: [REDACTED:secret]"),
            ("spring.datasource.password=Pa55word!", "spring.datasource.password=[REDACTED:password]"),
            ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED:secret]"),
            ("X-Api-Key: 0123456789abcdef", "X-Api-Key: [REDACTED:api_key]"),
            ("SLACK_BOT_TOKEN='xoxp-1234-5678-abcdefghij'", "SLACK_BOT_TOKEN='[REDACTED:slack_token]'"),
            ("export OPENAI_API_KEY=\(Self.openAI)", "export OPENAI_API_KEY=[REDACTED:openai_key]"),
            ("?api_key=abcd1234efgh&page=2", "?api_key=[REDACTED:api_key]&page=2"),
            ("settings := password := \"longer secret value\"", "settings := password := \"longer secret value\""),
        ]
        for (input, expected) in cases {
            #expect(redact(input).text == expected, "\(input)")
        }
        let header = redact("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abcdefghijklmnop\r\n\r\n")
        #expect(header.text == "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer [REDACTED:bearer_token]\r\n\r\n")
    }

    @Test func privateKeyBlocksAreRemovedWhole() {
        let text = "before\n" + Self.pem + "\nafter"
        #expect(redact(text).text == "before\n[REDACTED:private_key]\nafter")
        let unterminated = "config:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nnever ends"
        #expect(redact(unterminated).text == "config:\n[REDACTED:private_key]")
        let escaped = #"{"key": "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n", "n": 1}"#
        #expect(redact(escaped).text == #"{"key": "[REDACTED:private_key]\n", "n": 1}"#)
        let pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----"
        #expect(redact(pgp).text == "[REDACTED:private_key]")
        for publicBlock in ["-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"] {
            #expect(redact(publicBlock).findings.isEmpty)
        }
    }

    @Test func theNodesOwnSecretsAreRedactedWherever() {
        let operatorToken = String(repeating: "5e", count: 32)
        let provider = "my-provider-key-EXAMPLE"
        let result = redact(
            "curl -H \"Authorization: Bearer \(operatorToken)\" ; token=x\(operatorToken)x ; key \(provider)!", literals: [operatorToken, provider, "short", ""])
        #expect(result.text == "curl -H \"Authorization: Bearer [REDACTED:configured_secret]\" ; token=x[REDACTED:configured_secret]x ; key [REDACTED:configured_secret]!")
        #expect(result.findings == [RedactionFinding(kind: "configured_secret", count: 3)])
        #expect(result.count == 3)
        #expect(redact("short words stay short", literals: ["short"]).findings.isEmpty, "literals under 8 bytes are ignored")
    }

    /// Text that looks a little like secrets but is not one stays byte for byte the same.
    @Test func leavesOrdinaryTextAlone() {
        let benign = [
            "The risk-assessment-framework-2024-report and task-1234567890123456789012 are fine.",
            "commit 9fceb02d0ae598e95dc970b74767f19372d61af8, id 123e4567-e89b-12d3-a456-426614174000",
            "let token = try await fetchToken()\nlet password = self.password\nsecret = load_secret(path)\nmax_tokens: 4096",
            "password: \"Enter your password here\"\nPASSWORD=${DB_PASSWORD}\npassword=********\npassword=hunter2\nif password == \"abcdefgh123\" {",
            "See https://example.com/path?x=1 and ssh://git@github.com:org/repo.git and mailto:someone@example.com",
            "Ask for a skeleton key; sk-short; AKIA is a prefix; eyJ alone; xoxb- alone; tau_ alone; ghp_short",
            "Bearer of bad news. The Authorization: header carries a Bearer token.",
            "unicode: naïve café — ключ=значение 🔑 password: ok",
            "",
        ]
        for text in benign {
            let result = redact(text)
            #expect(result.text == text, "\(text) → \(result.text)")
            #expect(result.findings.isEmpty, "\(text): \(result.findings)")
        }
    }

    @Test func redactsInsideJSONValues() {
        let value: JSONValueFixture = .init()
        #expect(SecretRedactor.builtIn.redact(value.input) == value.expected)
    }

    /// A mebibyte of log-like text with secrets at known places, then hostile runs that make
    /// naive matchers backtrack: the output is checked exactly, the time is not measured.
    @Test func redactsAMebibyteCorrectly() {
        let chunk = """
            2026-02-01T10:00:00Z INFO request id=42 user=alice path=/v1/chat ok
            2026-02-01T10:00:01Z DEBUG Authorization: Bearer live_0123456789abcdefXYZ
            env OPENAI_API_KEY=\(Self.openAI) AWS=\(Self.aws) note="harmless text here"
            token \(Self.jwt) from the identity provider; github \(Self.github)
            DATABASE_URL=postgres://app:Sup3r-Secret@10.0.0.5/app and a plain sentence follows.

            """
        var text = ""
        var repetitions = 0
        while text.utf8.count < 1 << 20 {
            text += chunk
            repetitions += 1
        }
        let hostile =
            String(repeating: "sk-", count: 20_000) + "\n" + String(repeating: "password=\"" + String(repeating: "a", count: 600) + " ", count: 50)
            + "\n" + String(repeating: "-----BEGIN PUBLIC KEY-----\n", count: 2_000) + String(repeating: "eyJaaaaa.", count: 10_000) + "\n"
            + String(repeating: "://", count: 20_000) + "\n" + String(repeating: "a", count: 200_000) + "\n" + String(repeating: "Authorization: ", count: 5_000)
        let result = redact(text + hostile)
        let expected = [
            RedactionFinding(kind: "aws_access_key", count: repetitions), RedactionFinding(kind: "bearer_token", count: repetitions),
            RedactionFinding(kind: "github_token", count: repetitions), RedactionFinding(kind: "jwt", count: repetitions),
            RedactionFinding(kind: "openai_key", count: repetitions), RedactionFinding(kind: "url_password", count: repetitions),
        ]
        #expect(result.findings == expected)
        let redactedChunk = SecretRedactor().redact(chunk).text
        #expect(result.text == String(repeating: redactedChunk, count: repetitions) + hostile)
        for secret in [Self.openAI, Self.aws, Self.jwt, Self.github, "Sup3r-Secret", "live_0123456789abcdefXYZ"] {
            #expect(!result.text.contains(secret), "\(secret.prefix(12))")
        }
    }
}

/// A JSON value with secrets at several depths, and what it must become.
struct JSONValueFixture {
    let input: JSONValue = [
        "command": "curl -H 'Authorization: Bearer abcdefghijklmnop0123'", "count": 3,
        "nested": ["list": ["AKIAIOSFODNN7EXAMPLE", "plain"], "api_key": "member names are kept"],
    ]
    let expected: JSONValue = [
        "command": "curl -H 'Authorization: Bearer [REDACTED:bearer_token]'", "count": 3,
        "nested": ["list": ["[REDACTED:aws_access_key]", "plain"], "api_key": "member names are kept"],
    ]
}
